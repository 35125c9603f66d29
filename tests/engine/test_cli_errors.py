"""Errors that teach: one ``error:`` line with a suggestion and the way to ``--help``; holds named on stderr.

Also ``--now`` on every subcommand that reads the clock, and ``--help`` that shows what is required
and which values a choice takes.
"""

from __future__ import annotations

import json
import re

import pytest

from orchestrator.core.apply_request import require_governance, validate_review_by
from orchestrator.core.errors import InvalidInput, MissingInputs, shown
from orchestrator.core.timestamps import parse_date_only, parse_ts
from tests.engine.engine_support import GOVERNANCE_ARGS, Fleet, Result, Runner, assert_one_line_error

NOW = "2026-03-01T00:00:00Z"


def only_line(result: Result) -> str:
    """Exit 1 and the whole of stderr is one ``error:`` line (no usage block before it)."""
    assert result.code == 1, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    return assert_one_line_error(result)


# --- argparse errors: one line, a suggestion, the help hint -------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["gates", "--repo", ".", "--max-failure-rat", "0.3"],
            "error: unrecognized argument --max-failure-rat (did you mean --max-failure-rate?);"
            " see promotion-rollout gates --help",
        ),
        (
            ["ci", "--repo", ".", "--skip-on-missing-evidense"],
            "error: unrecognized argument --skip-on-missing-evidense (did you mean --skip-on-missing-evidence?);"
            " see promotion-rollout ci --help",
        ),
        (
            ["gates", "--repo", ".", "--bogus", "--also-bogus"],
            "error: unrecognized arguments --bogus and --also-bogus; see promotion-rollout gates --help",
        ),
        (
            ["gatse", "--repo", "."],
            'error: unknown command "gatse" (did you mean gates?); see promotion-rollout --help',
        ),
        (
            ["gates", "--repo", ".", "--format", "txt"],
            'error: --format must be one of json, text (got "txt"; did you mean text?); see promotion-rollout gates --help',
        ),
        (
            ["orchestrate", "--repo", ".", "--mode", "apply", "--apply-intent", "expnd"],
            'error: --apply-intent must be one of expand, resume (got "expnd"; did you mean expand?);'
            " see promotion-rollout orchestrate --help",
        ),
        (
            ["orchestrate", "--repo", ".", "--mode", "dry_run", "--persist", "comit"],
            'error: --persist must be one of none, commit, pull-request (got "comit"; did you mean commit?);'
            " see promotion-rollout orchestrate --help",
        ),
        (
            ["gates", "--max-failure-rate"],
            "error: --max-failure-rate needs a value; see promotion-rollout gates --help",
        ),
        (["registry"], "error: --repo is required; see promotion-rollout registry --help"),
        (["orchestrate", "--repo", "."], "error: --mode is required; see promotion-rollout orchestrate --help"),
        (
            [],
            "error: a command is required: gates, ci, apply, orchestrate, registry, status, audit;"
            " see promotion-rollout --help",
        ),
    ],
)
def test_usage_errors_are_one_line_with_a_suggestion_and_the_help_hint(
    cli: Runner, argv: list[str], expected: str
) -> None:
    result = cli(*argv)
    only_line(result)
    assert result.stderr == expected + "\n"


def test_abbreviated_flags_are_refused_not_guessed(cli: Runner, fleet: Fleet) -> None:
    result = cli("gates", "--repo", str(fleet.repo), "--max-failure", "0.5")
    assert "did you mean --max-failure-rate?" in only_line(result)
    assert not fleet.promotion_state.exists()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["orchestrate", "--mode", "aply"],
            '--mode must be one of dry_run, apply, rollback (got "aply"; did you mean apply?)',
        ),
        (
            ["apply", "--intent", "rollbak", *GOVERNANCE_ARGS],
            '--intent must be one of expand, resume, rollback (got "rollbak"; did you mean rollback?)',
        ),
        (
            ["apply", "--intent", "expand", "--expand-step", "150", *GOVERNANCE_ARGS],
            '--expand-step must be an integer between 1 and 100 (got "150")',
        ),
        (
            ["orchestrate", "--mode", "dry_run", "--expand-step", "1e2"],
            '--expand-step must be an integer between 1 and 100 (got "1e2")',
        ),
        (
            ["gates", "--now", "yesterday"],
            '--now must be an ISO-8601 timestamp like 2026-03-01T00:00:00Z (got "yesterday")',
        ),
    ],
)
def test_flag_values_are_echoed_with_a_close_match_and_the_help_hint(
    cli: Runner, fleet: Fleet, argv: list[str], expected: str
) -> None:
    result = cli(argv[0], "--repo", str(fleet.repo), *argv[1:])
    assert only_line(result) == f"error: {expected}; see promotion-rollout {argv[0]} --help"


# --- governance ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["apply", "rollback"])
def test_every_missing_governance_flag_is_named_at_once(cli: Runner, fleet: Fleet, mode: str) -> None:
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", mode, "--rationale", "why")
    line = only_line(result)
    assert line.startswith(f"error: --by is required for mode {mode} (so are --approval-ref and --review-by);")


def test_apply_names_every_missing_governance_flag(cli: Runner, fleet: Fleet) -> None:
    result = cli("apply", "--repo", str(fleet.repo), "--intent", "rollback", "--by", "ops")
    line = only_line(result)
    assert line.startswith("error: --approval-ref is required (so are --rationale and --review-by);")


def test_missing_inputs_keep_the_first_one_for_shells_that_name_one() -> None:
    with pytest.raises(MissingInputs) as caught:
        require_governance("", "", "r", "", context=" for mode apply")
    error = caught.value
    assert (error.option, error.problem, error.options) == (
        "by",
        "is required for mode apply",
        ("by", "approval-ref", "review-by"),
    )
    assert error.message == "--by is required for mode apply (so are --approval-ref and --review-by)"
    with pytest.raises(MissingInputs) as one:
        require_governance("ops", "", "r", "x")
    assert one.value.message == "--approval-ref is required"


def test_date_only_review_by_is_read_as_midnight_utc_and_said_so(cli: Runner, fleet: Fleet) -> None:
    result = cli(
        "orchestrate", "--repo", str(fleet.repo), "--mode", "rollback", "--now", NOW,
        "--by", "ops", "--approval-ref", "CAB-1", "--rationale", "r", "--review-by", "2027-06-30",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert "note: --review-by 2027-06-30 read as 2027-06-30T00:00:00Z\n" in result.stderr
    assert result.error_lines == []
    assert fleet.apply_records()[-1]["governance"]["reviewBy"] == "2027-06-30T00:00:00Z"
    assert fleet.registry_doc()["policy"]["autonomous"]["governance"]["reviewBy"] == "2027-06-30T00:00:00Z"


@pytest.mark.parametrize(
    ("review_by", "expected"),
    [
        ("next tuesday", 'must be an RFC 3339 timestamp like 2027-06-30T00:00:00Z (got "next tuesday")'),
        ("2027-06-30T00:00", 'must be an RFC 3339 timestamp like 2027-06-30T00:00:00Z (got "2027-06-30T00:00")'),
        ("2020-01-01T00:00:00Z", 'must be in the future (got "2020-01-01T00:00:00Z")'),
        ("2020-01-01", 'must be in the future (got "2020-01-01T00:00:00Z")'),
    ],
)
def test_a_refused_review_by_is_echoed_with_an_example(
    cli: Runner, fleet: Fleet, review_by: str, expected: str
) -> None:
    result = cli(
        "orchestrate", "--repo", str(fleet.repo), "--mode", "apply", "--now", NOW,
        "--by", "ops", "--approval-ref", "CAB-1", "--rationale", "r", "--review-by", review_by,
    )  # fmt: skip
    assert result.code == 1
    assert result.error_lines == [f"error: --review-by {expected}; see promotion-rollout orchestrate --help"]


def test_the_core_keeps_the_strict_grammar_and_suggests_the_date_as_a_timestamp() -> None:
    assert parse_ts("2027-06-30") is None
    assert parse_date_only("2027-06-30") == parse_ts("2027-06-30T00:00:00Z")
    assert parse_date_only("2027-02-30") is None
    now = parse_ts(NOW)
    assert now is not None
    with pytest.raises(InvalidInput) as caught:
        validate_review_by("2027-07-01", now)
    assert caught.value.problem == "must be an RFC 3339 timestamp like 2027-07-01T00:00:00Z"
    assert caught.value.got == "2027-07-01"


def test_echoed_values_cannot_drive_the_terminal() -> None:
    assert shown("a\x1b[31m\u202eb") == '"a\\u001b[31m\\u202eb"'
    assert shown("x" * 100).endswith('…"')


# --- holds under --fail-on-hold -----------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["gates"],
        ["ci"],
        ["orchestrate", "--mode", "dry_run"],
        ["orchestrate", "--mode", "apply", *GOVERNANCE_ARGS],
    ],
)
def test_fail_on_hold_names_the_failed_gates_on_stderr(cli: Runner, fleet: Fleet, argv: list[str]) -> None:
    """To a person (``--format text`` here; a terminal too); with JSON to a pipe stderr stays empty,
    because the reference's own tests read stdout and stderr merged as one JSON document."""
    base = [argv[0], "--repo", str(fleet.repo), *argv[1:], "--fail-on-hold", "--max-manual-backlog", "0"]
    text = cli(*base, "--format", "text")
    assert text.code == 2
    assert text.stderr == "hold: failed gates: manual_backlog\n"
    piped = cli(*base)
    assert piped.code == 2
    assert piped.stderr == ""
    assert json.loads(piped.stdout)


# --- --now everywhere ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["gates", "ci", "apply", "orchestrate", "registry", "status"])
def test_every_clock_reading_command_documents_now(cli: Runner, command: str) -> None:
    result = cli(command, "--help")
    assert result.code == 0
    assert "--now ISO-8601" in result.stdout


def test_now_fixes_the_decision_instant(cli: Runner, fleet: Fleet) -> None:
    drills = json.loads(fleet.drills.read_text())
    stamps = [entry["completedAt"] for entry in drills["drills"]]
    newest = max(stamps)
    fresh = cli("gates", "--repo", str(fleet.repo), "--now", newest).json()
    assert fresh["generatedAt"] == newest
    later = cli("gates", "--repo", str(fleet.repo), "--now", "2099-01-01T00:00:00").json()
    assert later["generatedAt"] == "2099-01-01T00:00:00Z"
    assert "drill_recency" in later["summary"]["failedGates"]
    ci = cli("ci", "--repo", str(fleet.repo), "--now", newest).json()
    assert ci["generatedAt"] == newest


def test_now_stamps_the_apply_and_judges_the_review_deadline(cli: Runner, fleet: Fleet) -> None:
    result = cli(
        "orchestrate", "--repo", str(fleet.repo), "--mode", "rollback", "--now", NOW,
        "--by", "ops", "--approval-ref", "CAB-1", "--rationale", "r", "--review-by", "2026-03-02T00:00:00Z",
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert result.json()["timestamp"] == NOW
    assert fleet.apply_records()[-1]["governance"]["changedAt"] == NOW
    applied = cli(
        "apply", "--repo", str(fleet.repo), "--intent", "rollback", "--now", "2026-03-01T06:00:00Z",
        "--promotion-state-file", str(fleet.ci_result), *GOVERNANCE_ARGS,
    )  # fmt: skip
    assert applied.code == 0, applied.stderr
    assert applied.json()["governance"]["changedAt"] == "2026-03-01T06:00:00Z"
    registry = cli("registry", "--repo", str(fleet.repo), "--now", "2100-01-01T00:00:00Z")
    assert "reviewBy must be in the future" in assert_one_line_error(registry)


# --- --help -------------------------------------------------------------------------------------


def test_help_shows_repo_required_choices_and_whole_paths(cli: Runner) -> None:
    apply = cli("apply", "--help").stdout
    usage = " ".join(apply.split("\n\n")[0].split())
    assert " --repo PATH " in usage
    assert "[--repo" not in usage
    assert "--intent {expand,resume,rollback}" in usage
    assert "[--format {json,text}]" in usage
    assert "<repo>/.superloop/ops-manager/fleet/telemetry/promotion-apply.jsonl" in apply
    orchestrate = " ".join(cli("orchestrate", "--help").stdout.split())
    for choice in ("--mode {dry_run,apply,rollback}", "--apply-intent {expand,resume}", "{none,commit,pull-request}"):
        assert choice in orchestrate
    assert "<repo>/.superloop/ops-manager/fleet/promotion-orchestrate-summary.md" in orchestrate
    top = cli("--help").stdout
    assert "guarded-autonomous rollout" in top
    assert not re.search(r"``|orchestrator\.cli", top)
