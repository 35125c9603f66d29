"""The command-line contract: every reference flag is accepted and documented, and exit codes hold.

The flag lists are copied from the reference scripts' usage blocks by hand: the reference tree is
not available where this suite runs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from orchestrator.core.schemas import all_schemas
from tests.engine.engine_support import (
    GOVERNANCE_ARGS,
    REPO_ROOT,
    Evidence,
    Fleet,
    Runner,
    assert_one_line_error,
    run_engine,
    write_status,
)

THRESHOLDS = [
    "--window-executions",
    "--min-sample-size",
    "--max-ambiguity-rate",
    "--max-failure-rate",
    "--max-manual-backlog",
    "--max-drill-age-hours",
]
EVIDENCE = ["--fleet-status-file", "--handoff-telemetry-file", "--drill-state-file"]
SEAM = ["--idempotency-key", "--trace-id", "--loop-id", "--horizon-ref", "--evidence-ref"]
GOVERNANCE = ["--by", "--approval-ref", "--rationale", "--review-by"]

REFERENCE_FLAGS: dict[str, list[str]] = {
    "gates": [
        "--repo",
        *EVIDENCE,
        "--promotion-state-file",
        "--promotion-telemetry-file",
        *THRESHOLDS,
        "--trace-id",
        "--fail-on-hold",
        "--pretty",
        "--help",
    ],
    "ci": [
        "--repo",
        *EVIDENCE,
        "--promotion-state-file",
        "--promotion-telemetry-file",
        "--summary-file",
        "--result-file",
        *THRESHOLDS,
        "--trace-id",
        "--fail-on-hold",
        "--skip-on-missing-evidence",
        "--pretty",
        "--help",
    ],
    "apply": [
        "--repo",
        "--registry-file",
        "--promotion-state-file",
        "--apply-state-file",
        "--apply-telemetry-file",
        "--intent",
        "--expand-step",
        *SEAM,
        *GOVERNANCE,
        "--pretty",
        "--help",
    ],
    "orchestrate": [
        "--mode",
        "--apply-intent",
        "--expand-step",
        "--repo",
        *EVIDENCE,
        *THRESHOLDS,
        "--skip-on-missing-evidence",
        "--fail-on-hold",
        "--promotion-ci-result-file",
        "--promotion-ci-summary-file",
        "--result-file",
        "--summary-file",
        *SEAM,
        *GOVERNANCE,
        "--pretty",
        "--help",
    ],
    "registry": ["--repo", "--registry-file", "--loop", "--pretty", "--help"],
    "status": [
        "--repo",
        "--registry-file",
        "--fleet-state-file",
        "--policy-state-file",
        "--fleet-telemetry-file",
        "--handoff-state-file",
        "--handoff-telemetry-file",
        "--pretty",
        "--help",
    ],
}


@pytest.mark.parametrize("command", sorted(REFERENCE_FLAGS))
def test_help_lists_every_reference_flag(command: str, cli: Runner) -> None:
    result = cli(command, "--help")
    assert result.code == 0
    assert result.stderr == ""
    documented = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", result.stdout))
    missing = [flag for flag in REFERENCE_FLAGS[command] if flag not in documented]
    assert missing == [], f"{command} --help does not list {missing}"


def test_top_level_help_lists_every_command(cli: Runner) -> None:
    result = cli("--help")
    assert result.code == 0
    for command in REFERENCE_FLAGS:
        assert command in result.stdout


def test_version_flag(cli: Runner) -> None:
    result = cli("--version")
    assert result.code == 0
    assert re.search(r"promotion-rollout \d+\.\d+\.\d+", result.stdout)


def test_module_entry_point_help_as_a_real_process() -> None:
    result = run_engine(["orchestrate", "--help"])
    assert result.code == 0
    assert "--promotion-ci-result-file" in result.stdout


@pytest.mark.parametrize("command", ["gates", "ci"])
def test_exit_codes_zero_on_promote_and_hold_two_on_hold_with_fail_on_hold(
    command: str, cli: Runner, empty_repo: Fleet, evidence: Evidence
) -> None:
    base = [command, "--repo", str(empty_repo.repo), *evidence.args()]
    assert cli(*base).code == 0
    assert cli(*base, "--fail-on-hold").code == 0
    write_status(evidence.status, backlog=100)
    held = cli(*base)
    assert held.code == 0
    assert held.json()["summary"]["decision"] == "hold"
    failed = cli(*base, "--fail-on-hold")
    assert failed.code == 2
    assert failed.json()["summary"]["decision"] == "hold"


def test_pretty_prints_the_same_document_indented(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    compact = cli("gates", "--repo", str(empty_repo.repo), *evidence.args(), "--trace-id", "t-1")
    pretty = cli("gates", "--repo", str(empty_repo.repo), *evidence.args(), "--trace-id", "t-1", "--pretty")
    assert len(compact.stdout.strip().splitlines()) == 1
    assert len(pretty.stdout.strip().splitlines()) > 10
    a, b = json.loads(compact.stdout), json.loads(pretty.stdout)
    a.pop("generatedAt")
    b.pop("generatedAt")
    assert a == b


def test_trace_id_from_environment(
    cli: Runner, empty_repo: Fleet, evidence: Evidence, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPS_MANAGER_TRACE_ID", "env-trace")
    assert cli("gates", "--repo", str(empty_repo.repo), *evidence.args()).json()["traceId"] == "env-trace"
    explicit = cli("gates", "--repo", str(empty_repo.repo), *evidence.args(), "--trace-id", "flag-trace")
    assert explicit.json()["traceId"] == "flag-trace"


def test_registry_command_prints_normalized_view(cli: Runner, fleet: Fleet) -> None:
    result = cli("registry", "--repo", str(fleet.repo), "--loop", "loop-web")
    assert result.code == 0, result.stderr
    view = result.json()
    assert [loop["loopId"] for loop in view["loops"]] == ["loop-web"]
    assert view["policy"]["autonomous"]["enabled"] is True
    assert_one_line_error(cli("registry", "--repo", str(fleet.repo), "--loop", "nope"), contains="nope")


def test_status_command_derives_the_autonomous_block(cli: Runner, fleet: Fleet) -> None:
    result = cli("status", "--repo", str(fleet.repo))
    assert result.code == 0, result.stderr
    assert "autonomous" in result.json()


def test_apply_requires_repo_and_intent(cli: Runner) -> None:
    assert_one_line_error(cli("apply", "--intent", "resume", *GOVERNANCE_ARGS), contains="--repo")
    assert_one_line_error(cli("orchestrate", "--mode", "dry_run"), contains="--repo")


def _schema(name: str) -> dict[str, Any]:
    generated: dict[str, Any] = all_schemas()[name]
    return generated


def test_committed_schemas_match_the_models() -> None:
    """``schema/`` is generated (``python scripts/generate_schemas.py``); a committed copy must not drift."""
    stale = [
        name
        for name, schema in all_schemas().items()
        if (REPO_ROOT / "orchestrator" / "schema" / name).is_file()
        and json.loads((REPO_ROOT / "orchestrator" / "schema" / name).read_text()) != schema
    ]
    assert stale == [], f"regenerate schema/: {stale}"


def test_every_json_output_validates_against_its_schema(cli: Runner, fleet: Fleet, tmp_path: Path) -> None:
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", "apply", "--expand-step", "3", *GOVERNANCE_ARGS)
    assert result.code == 0, result.stderr
    jsonschema.validate(result.json(), _schema("promotion-orchestrate-result.v1.schema.json"))
    jsonschema.validate(json.loads(fleet.ci_result.read_text()), _schema("promotion-state.v1.schema.json"))
    jsonschema.validate(json.loads(fleet.promotion_state.read_text()), _schema("promotion-state.v1.schema.json"))
    for record in fleet.apply_records():
        jsonschema.validate(record, _schema("promotion-apply-record.v1.schema.json"))
    jsonschema.validate(fleet.registry_doc(), _schema("fleet-registry.v1.schema.json"))

    skipped = cli(
        "ci", "--repo", str(tmp_path), "--skip-on-missing-evidence", "--result-file", str(tmp_path / "r.json")
    )
    assert skipped.code == 0, skipped.stderr
    jsonschema.validate(skipped.json(), _schema("promotion-ci-skipped.v1.schema.json"))
