"""``--format text``: tables for people, while JSON stays the default and byte-identical."""

from __future__ import annotations

import subprocess
import sys

import pytest

from orchestrator.render.text import clean
from tests.engine.engine_support import GOVERNANCE_ARGS, REPO_ROOT, Fleet, Runner, subprocess_env

NOW = "2026-11-20T12:00:00Z"
TRACE = ("--trace-id", "trace-text-1")
COMMANDS = ["gates", "ci", "apply", "orchestrate", "status", "registry"]


@pytest.fixture(autouse=True)
def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("command", COMMANDS)
def test_format_is_offered_with_json_as_the_default(cli: Runner, command: str) -> None:
    assert "--format {json,text}" in cli(command, "--help").stdout


@pytest.mark.parametrize("command", ["gates", "ci", "registry"])
def test_json_stays_the_default_byte_for_byte(cli: Runner, fleet: Fleet, command: str) -> None:
    base = [command, "--repo", str(fleet.repo), "--now", NOW, *(TRACE if command != "registry" else ())]
    default = cli(*base)
    explicit = cli(*base, "--format", "json")
    assert default.code == explicit.code == 0
    assert default.stdout == explicit.stdout
    assert default.stdout.startswith("{")
    assert default.stdout.count("\n") == 1


def test_gates_text_has_the_gate_table_and_what_would_have_to_change(cli: Runner, fleet: Fleet) -> None:
    result = cli("gates", "--repo", str(fleet.repo), "--max-manual-backlog", "0", "--format", "text")
    assert result.code == 0
    out = result.stdout
    assert out.startswith("Decision: HOLD  4 of 5 gates passed\n")
    for column in ("gate", "status", "observed", "threshold", "reasons"):
        assert column in out
    for gate in ("governance", "outcome_reliability", "manual_backlog", "safety_suppression", "drill_recency"):
        assert gate in out
    assert "promotion_manual_backlog_exceeded" in out
    assert "What would have to change" in out
    assert "manual backlog 1 down to 0 (1 fewer)" in out
    assert "\x1b[" not in out, "no colour when stdout is not a terminal"
    assert ">= 20 runs" in out
    assert "&gt;" not in out, "no markdown escapes"
    assert "\\_" not in out, "no markdown escapes"
    assert fleet.promotion_state.exists(), "the state is still written"


def test_ci_text_says_skipped_and_which_evidence_is_missing(cli: Runner, fleet: Fleet) -> None:
    fleet.drills.unlink()
    result = cli("ci", "--repo", str(fleet.repo), "--skip-on-missing-evidence", "--format", "text")
    assert result.code == 0
    assert result.stdout.startswith("Decision: SKIPPED")
    assert str(fleet.drills) in "".join(result.stdout.split())


def test_apply_text_shows_the_move_and_governance_and_a_replay_first(cli: Runner, fleet: Fleet) -> None:
    args = ["apply", "--repo", str(fleet.repo), "--intent", "rollback", "--idempotency-key", "k-text"]
    first = cli(*args, *GOVERNANCE_ARGS, "--format", "text")
    assert first.code == 0, first.stderr
    assert first.stdout.startswith("Status: APPLIED")
    for text in ("canary share", "manual pause", "before", "after", "ops-user", "CAB-1", "engine-test"):
        assert text in first.stdout
    again = cli(*args, *GOVERNANCE_ARGS, "--format", "text")
    lines = again.stdout.splitlines()
    assert lines[0].startswith("Status: REPLAYED")
    assert lines[1].startswith("already applied at ")
    assert "now" in again.stdout


def test_orchestrate_text_shows_status_gates_and_rollout(cli: Runner, fleet: Fleet) -> None:
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", "apply", *GOVERNANCE_ARGS, "--format", "text")
    assert result.code == 0, result.stderr
    out = result.stdout
    assert out.startswith("Status: APPLIED  mode apply, decision promote")
    assert "Gates" in out
    assert "Rollout" in out
    assert "Governance" in out
    assert "10%" in out
    assert "35%" in out
    assert fleet.canary() == 35


def test_status_and_registry_text_are_compact_summaries(cli: Runner, fleet: Fleet) -> None:
    status = cli("status", "--repo", str(fleet.repo), "--now", NOW, "--format", "text")
    assert status.code == 0
    assert status.stdout.startswith("Fleet: ")
    assert "canary share" in status.stdout
    assert "governance" in status.stdout
    registry = cli("registry", "--repo", str(fleet.repo), "--format", "text")
    assert registry.code == 0
    assert registry.stdout.startswith("Registry: VALID  example-fleet")
    assert "loop-api" in registry.stdout
    assert "10%" in registry.stdout


def test_colour_only_when_asked_by_the_terminal_and_never_under_no_color(
    cli: Runner, fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("gates", "--repo", str(fleet.repo), "--max-manual-backlog", "0", "--format", "text")
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = cli(*args).stdout
    assert "\x1b[" in coloured
    assert "31m" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    assert "31m" not in cli(*args).stdout


def test_values_cannot_drive_the_terminal() -> None:
    assert clean("a\x1b[2J\u202eb") == "a\\u001b[2J\\u202eb"
    assert clean(None) == ""


def test_the_json_path_never_imports_rich(fleet: Fleet) -> None:
    def imported(*extra: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "orchestrator", "gates", "--repo", str(fleet.repo), *extra],
            capture_output=True,
            text=True,
            env=subprocess_env(),
            cwd=REPO_ROOT,
            check=False,
            timeout=60,
        )
        return proc.stderr

    assert " rich" not in imported()
    assert " rich.console" in imported("--format", "text")
