"""A decision bound to its evidence: evidenceDigest and expiresAt, and the applies that demand them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from orchestrator.core.digest import DecisionBinding, DecisionRefused, check_binding, parse_hours
from orchestrator.core.errors import InvalidInput
from orchestrator.core.reasons import ReasonCode
from tests.engine.engine_support import GOVERNANCE_ARGS, Fleet, Runner, assert_one_line_error, handoff_line, iso

NOW = datetime(2030, 1, 1, tzinfo=UTC)


def dry_run(cli: Runner, fleet: Fleet, *extra: str) -> dict[str, object]:
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", "dry_run", *extra)
    assert result.code == 0, result.stderr
    state: dict[str, object] = json.loads(fleet.ci_result.read_text())
    return state


def apply_args(fleet: Fleet, *extra: str) -> list[str]:
    return ["orchestrate", "--repo", str(fleet.repo), "--mode", "apply", *GOVERNANCE_ARGS, *extra]


def test_the_decision_carries_its_digest_and_expiry(cli: Runner, fleet: Fleet) -> None:
    state = dry_run(cli, fleet)
    digest = state["evidenceDigest"]
    assert isinstance(digest, str)
    assert digest.startswith("sha256:")
    assert len(digest) == 71
    generated = datetime.fromisoformat(str(state["generatedAt"]).replace("Z", "+00:00"))
    expires = datetime.fromisoformat(str(state["expiresAt"]).replace("Z", "+00:00"))
    assert (expires - generated).total_seconds() == 24 * 3600
    assert dry_run(cli, fleet)["evidenceDigest"] == digest, "the same evidence gives the same digest"
    summary = fleet.ci_summary.read_text()
    assert "Evidence digest:" in summary
    assert "Decision expires at:" in summary
    assert "Evidence digest:" in fleet.orchestrate_summary.read_text()
    ttl = dry_run(cli, fleet, "--decision-ttl", "2")
    expires = datetime.fromisoformat(str(ttl["expiresAt"]).replace("Z", "+00:00"))
    generated = datetime.fromisoformat(str(ttl["generatedAt"]).replace("Z", "+00:00"))
    assert (expires - generated).total_seconds() == 2 * 3600


def test_new_evidence_or_another_rollout_changes_the_digest(cli: Runner, fleet: Fleet) -> None:
    digest = dry_run(cli, fleet)["evidenceDigest"]
    with fleet.handoff.open("a") as handle:
        handle.write(handoff_line() + "\n")
    changed = dry_run(cli, fleet)["evidenceDigest"]
    assert changed != digest
    fleet.registry.write_text(fleet.registry.read_text().replace('"canaryPercent": 10', '"canaryPercent": 15'))
    assert dry_run(cli, fleet)["evidenceDigest"] != changed
    assert dry_run(cli, fleet, "--max-failure-rate", "0.1")["evidenceDigest"] != changed


def test_orchestrate_applies_only_the_reviewed_evidence(cli: Runner, fleet: Fleet) -> None:
    digest = str(dry_run(cli, fleet)["evidenceDigest"])
    with fleet.handoff.open("a") as handle:
        handle.write(handoff_line() + "\n")
    refused = cli(*apply_args(fleet, "--expect-evidence-digest", digest))
    assert refused.code == 1
    assert "promotion_evidence_changed" in assert_one_line_error(refused)
    result = json.loads(fleet.orchestrate_result.read_text())
    assert result["status"] == "refused"
    assert result["refusalReasonCode"] == "promotion_evidence_changed"
    assert fleet.canary() == 10
    fresh = str(dry_run(cli, fleet)["evidenceDigest"])
    applied = cli(*apply_args(fleet, "--expect-evidence-digest", fresh))
    assert applied.code == 0, applied.stderr
    assert fleet.canary() == 35


def test_a_rollback_is_never_held_back_by_the_digest(cli: Runner, fleet: Fleet) -> None:
    result = cli(
        "orchestrate", "--repo", str(fleet.repo), "--mode", "rollback", *GOVERNANCE_ARGS,
        "--expect-evidence-digest", "sha256:" + "0" * 64,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert fleet.manual_pause() is True


def test_standalone_apply_checks_the_state_files_digest_and_age(cli: Runner, fleet: Fleet) -> None:
    assert cli("gates", "--repo", str(fleet.repo)).code == 0
    state = json.loads(fleet.promotion_state.read_text())
    generated = datetime.fromisoformat(state["generatedAt"].replace("Z", "+00:00"))

    def at(hours: float) -> str:
        return iso(generated + timedelta(hours=hours))

    base = ["apply", "--repo", str(fleet.repo), "--intent", "expand", *GOVERNANCE_ARGS]
    wrong = cli(*base, "--expect-evidence-digest", "sha256:" + "1" * 64, "--now", at(1))
    assert "promotion_evidence_changed" in assert_one_line_error(wrong)
    expired = cli(*base, "--expect-evidence-digest", state["evidenceDigest"], "--now", at(24.01))
    assert "promotion_decision_expired" in assert_one_line_error(expired)
    old = cli(*base, "--max-decision-age", "1", "--now", at(2))
    assert "promotion_decision_expired" in assert_one_line_error(old)
    assert fleet.canary() == 10
    ok = cli(*base, "--expect-evidence-digest", state["evidenceDigest"], "--max-decision-age", "1", "--now", at(0.5))
    assert ok.code == 0, ok.stderr
    assert fleet.canary() == 35


def test_a_decision_without_a_digest_is_refused_when_one_is_expected() -> None:
    with pytest.raises(DecisionRefused) as refused:
        check_binding({"summary": {}}, DecisionBinding(expect_digest="sha256:x"), NOW)
    assert refused.value.reason_code == ReasonCode.EVIDENCE_CHANGED
    with pytest.raises(DecisionRefused) as unknown_age:
        check_binding({}, DecisionBinding(max_age_hours=1), NOW)
    assert unknown_age.value.reason_code == ReasonCode.DECISION_EXPIRED
    check_binding({}, DecisionBinding(), NOW)


@pytest.mark.parametrize("raw", ["0", "-1", "abc", " 1", "nan", "inf"])
def test_hours_must_be_positive_numbers(raw: str) -> None:
    with pytest.raises(InvalidInput):
        parse_hours(raw, "max-decision-age")
    assert parse_hours("1.5", "max-decision-age") == 1.5
    assert parse_hours(None, "max-decision-age") is None
