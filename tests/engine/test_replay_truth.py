"""A replay says so first and reports where the fleet is now, never a state that no longer holds."""

from __future__ import annotations

from tests.engine.engine_support import GOVERNANCE_ARGS, Fleet, Runner


def _orchestrate(cli: Runner, fleet: Fleet, mode: str, *extra: str) -> dict[str, object]:
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", mode, *GOVERNANCE_ARGS, *extra)
    assert result.code == 0, result.stderr
    doc: dict[str, object] = result.json()
    return doc


def test_a_replayed_rollback_reports_the_registry_unpaused_when_it_is(cli: Runner, fleet: Fleet) -> None:
    _orchestrate(cli, fleet, "rollback", "--idempotency-key", "incident-7")
    assert fleet.manual_pause()
    _orchestrate(cli, fleet, "apply", "--apply-intent", "resume")
    assert not fleet.manual_pause()

    replay = _orchestrate(cli, fleet, "rollback", "--idempotency-key", "incident-7")

    assert not fleet.manual_pause(), "a replay must not change the registry"
    apply = replay["apply"]
    assert isinstance(apply, dict)
    assert apply["replayed"] is True
    rollout = replay["rollout"]
    assert isinstance(rollout, dict)
    assert rollout["after"]["manualPause"] is True
    assert rollout["current"]["manualPause"] is False
    summary = fleet.orchestrate_summary.read_text()
    first_lines = [line for line in summary.splitlines() if line.strip()][:2]
    assert first_lines[1].startswith("**Replayed:** already applied at ")
    assert "not paused" in first_lines[1]
    assert "| now |" in summary


def test_a_replayed_apply_says_so_on_stderr_with_the_current_canary(cli: Runner, fleet: Fleet) -> None:
    args = ("apply", "--repo", str(fleet.repo), "--intent", "expand", "--expand-step", "5", *GOVERNANCE_ARGS)
    assert cli("gates", "--repo", str(fleet.repo)).code == 0
    first = cli(*args, "--idempotency-key", "k")
    assert first.code == 0, first.stderr
    assert cli(*args, "--idempotency-key", "k2").code == 0

    again = cli(*args, "--idempotency-key", "k")

    assert again.code == 0, again.stderr
    record = again.json()
    assert record["replayed"] is True
    assert record["currentRollout"]["canaryPercent"] == fleet.canary()
    assert "already applied at" in again.stderr
    assert f"now at canary {fleet.canary()}%" in again.stderr
