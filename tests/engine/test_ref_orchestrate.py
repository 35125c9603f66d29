"""The reference's promotion-orchestrate suite, one test per scenario.

The reference drives stub CI and apply scripts; here the real engine decides on a copy of the
example fleet (promote) or with a fleet status whose manual backlog forces a hold. The suite as
the reference wrote it, with its stubs installed as phase hooks, is test_ref_orchestrate_hooks.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.engine.engine_support import (
    GOVERNANCE_ARGS,
    Fleet,
    Runner,
    assert_one_line_error,
    tree_hashes,
    write_status,
)


def _outputs(tmp_path: Path, name: str) -> tuple[list[str], dict[str, Path]]:
    files = {
        "result": tmp_path / f"orchestrate-{name}.json",
        "summary": tmp_path / f"orchestrate-{name}.md",
        "ci_result": tmp_path / f"ci-{name}.json",
        "ci_summary": tmp_path / f"ci-{name}.md",
    }
    args = [
        "--promotion-ci-result-file",
        str(files["ci_result"]),
        "--promotion-ci-summary-file",
        str(files["ci_summary"]),
        "--result-file",
        str(files["result"]),
        "--summary-file",
        str(files["summary"]),
    ]
    return args, files


def _hold_status(tmp_path: Path) -> list[str]:
    return ["--fleet-status-file", str(write_status(tmp_path / "status-hold.json", backlog=99))]


def _load(path: Path) -> Any:
    return json.loads(path.read_text())


def test_orchestrate_dry_run_returns_preview_without_executing_apply(cli: Runner, fleet: Fleet, tmp_path: Path) -> None:
    """Deliberate difference: without ``--trace-id`` the reference reports a null trace id; we
    generate one and use it for the decision and the result."""
    args, files = _outputs(tmp_path, "dry")
    registry_before = fleet.registry.read_bytes()
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", "dry_run", *_hold_status(tmp_path), *args)
    assert result.code == 0, result.stderr
    out = _load(files["result"])
    assert out["mode"] == "dry_run"
    assert out["status"] == "preview"
    assert out["decision"] == "hold"
    assert out["apply"]["executed"] is False
    assert isinstance(out["traceId"], str)
    assert out["traceId"] == _load(files["ci_result"])["traceId"]
    assert out["loopId"] is None
    assert out["horizonRef"] is None
    assert str(files["ci_result"]) in out["evidenceRefs"]
    assert str(files["ci_summary"]) in out["evidenceRefs"]
    assert not fleet.apply_telemetry.exists()
    assert not fleet.apply_state.exists()
    assert fleet.registry.read_bytes() == registry_before


def test_orchestrate_apply_executes_apply_intent_and_forwards_idempotency_and_trace(
    cli: Runner, fleet: Fleet, tmp_path: Path
) -> None:
    args, files = _outputs(tmp_path, "apply")
    canary_before = fleet.canary()
    result = cli(
        "orchestrate",
        "--repo",
        str(fleet.repo),
        "--mode",
        "apply",
        "--apply-intent",
        "expand",
        "--expand-step",
        "30",
        "--idempotency-key",
        "idmp-01",
        "--trace-id",
        "trace-01",
        "--loop-id",
        "loop-a",
        "--horizon-ref",
        "HZ-fleet-promo-v1",
        "--evidence-ref",
        "artifact://promotion-window",
        *GOVERNANCE_ARGS,
        *args,
    )
    assert result.code == 0, result.stderr
    out = _load(files["result"])
    assert out["status"] == "applied"
    assert out["apply"]["executed"] is True
    assert out["apply"]["intent"] == "expand"
    assert out["traceId"] == "trace-01"
    assert out["loopId"] == "loop-a"
    assert out["horizonRef"] == "HZ-fleet-promo-v1"
    assert "artifact://promotion-window" in out["evidenceRefs"]
    assert str(files["ci_result"]) in out["evidenceRefs"]

    records = fleet.apply_records()
    assert len(records) == 1
    record = records[0]
    assert record["expandStep"] == 30
    assert record["idempotencyKey"] == "idmp-01"
    assert record["traceId"] == "trace-01"
    assert record["loopId"] == "loop-a"
    assert record["horizonRef"] == "HZ-fleet-promo-v1"
    assert "artifact://promotion-window" in record["evidenceRefs"]
    assert record["files"]["promotionStateFile"] == str(files["ci_result"])
    assert fleet.canary() == canary_before + 30
    assert out["rollout"]["before"]["canaryPercent"] == canary_before
    assert out["rollout"]["after"]["canaryPercent"] == canary_before + 30
    assert out["apply"]["record"]["rollout"]["after"]["canaryPercent"] == canary_before + 30


def test_orchestrate_apply_propagates_decision_gating_failure_when_decision_is_hold(
    cli: Runner, fleet: Fleet, tmp_path: Path
) -> None:
    """Deliberate difference: the refusal still writes the result (status ``refused``) and summary."""
    args, files = _outputs(tmp_path, "apply-hold")
    registry_before = fleet.registry.read_bytes()
    result = cli(
        "orchestrate",
        "--repo",
        str(fleet.repo),
        "--mode",
        "apply",
        "--apply-intent",
        "resume",
        *_hold_status(tmp_path),
        *GOVERNANCE_ARGS,
        *args,
    )
    assert_one_line_error(result, contains="requires promotion decision promote")
    out = _load(files["result"])
    assert out["status"] == "refused"
    assert out["apply"]["executed"] is False
    assert "requires promotion decision promote" in out["error"]
    assert files["summary"].is_file()
    assert fleet.registry.read_bytes() == registry_before
    assert not fleet.apply_telemetry.exists()


def test_orchestrate_rollback_executes_rollback_intent_on_hold_decision(
    cli: Runner, fleet: Fleet, tmp_path: Path
) -> None:
    args, files = _outputs(tmp_path, "rollback")
    canary_before = fleet.canary()
    result = cli(
        "orchestrate",
        "--repo",
        str(fleet.repo),
        "--mode",
        "rollback",
        *_hold_status(tmp_path),
        *GOVERNANCE_ARGS,
        *args,
    )
    assert result.code == 0, result.stderr
    out = _load(files["result"])
    assert out["status"] == "rolled_back"
    assert out["decision"] == "hold"
    assert out["apply"]["intent"] == "rollback"
    assert fleet.apply_records()[-1]["intent"] == "rollback"
    assert fleet.manual_pause() is True
    assert fleet.canary() == canary_before


def test_orchestrate_requires_governance_metadata_for_apply_and_rollback_modes(cli: Runner, fleet: Fleet) -> None:
    before = tree_hashes(fleet.repo)
    for mode in ("apply", "rollback"):
        result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", mode)
        assert_one_line_error(
            result, contains=f"--by is required for mode {mode} (so are --approval-ref, --rationale and --review-by)"
        )
    assert tree_hashes(fleet.repo) == before


def test_orchestrate_fail_on_hold_writes_held_result_and_exits_2(cli: Runner, fleet: Fleet, tmp_path: Path) -> None:
    """Deliberate difference: a hold under ``--fail-on-hold`` still writes result and summary."""
    args, files = _outputs(tmp_path, "held")
    registry_before = fleet.registry.read_bytes()
    result = cli(
        "orchestrate",
        "--repo",
        str(fleet.repo),
        "--mode",
        "apply",
        "--fail-on-hold",
        *_hold_status(tmp_path),
        *GOVERNANCE_ARGS,
        *args,
    )
    assert result.code == 2
    assert result.stderr == ""  # exit 2 is not an error; JSON to a pipe: nothing on stderr, as the reference
    out = _load(files["result"])
    assert out["status"] == "held"
    assert out["decision"] == "hold"
    assert out["apply"]["executed"] is False
    assert "manual_backlog" in out["summary"]["failedGates"]
    assert "Status: `held`" in files["summary"].read_text()
    assert fleet.registry.read_bytes() == registry_before


def test_orchestrate_default_output_locations(cli: Runner, fleet: Fleet) -> None:
    """Not in the reference suite: without path flags every output lands in the fleet folder."""
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", "dry_run")
    assert result.code == 0, result.stderr
    out = json.loads(fleet.orchestrate_result.read_text())
    assert out == result.json()
    assert out["files"] == {
        "resultFile": str(fleet.orchestrate_result),
        "summaryFile": str(fleet.orchestrate_summary),
        "promotionCiResultFile": str(fleet.ci_result),
        "promotionCiSummaryFile": str(fleet.ci_summary),
    }
    assert out["decision"] == "promote"
    assert fleet.ci_summary.is_file()
    assert fleet.orchestrate_summary.is_file()
