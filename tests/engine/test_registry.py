"""The fleet registry contract: the reference's registry validation scenarios and the schema.

Review deadlines are moved to 2099 so the accepted cases do not expire; the reference's
messages come from its validator, ours name the same field (schema messages come from pydantic).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from orchestrator.core.registry.rules import validation_errors
from orchestrator.core.registry.schema import registry_json_schema
from orchestrator.core.schemas import all_schemas
from orchestrator.runtime.clock import utc_now
from tests.engine.engine_support import FLEET_REL, REPO_ROOT, Fleet, Runner, assert_one_line_error, tree_hashes

GOVERNANCE = {
    "actor": "ops-user",
    "approvalRef": "CAB-123",
    "rationale": "dogfood guarded auto",
    "changedAt": "2026-02-23T00:00:00Z",
    "reviewBy": "2099-12-31T00:00:00Z",
}


def _write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    repo = tmp_path / "repo"
    (repo / FLEET_REL).mkdir(parents=True)
    (repo / FLEET_REL / "registry.v1.json").write_text(json.dumps(doc))
    return repo


def _guarded(**autonomous: Any) -> dict[str, Any]:
    return {
        "schemaVersion": "v1",
        "fleetId": "demo",
        "loops": [{"loopId": "loop-a"}],
        "policy": {"mode": "guarded_auto", "autonomous": {"governance": dict(GOVERNANCE), **autonomous}},
    }


def _refused(cli: Runner, tmp_path: Path, doc: dict[str, Any], *needles: str) -> None:
    repo = _write(tmp_path, doc)
    before = tree_hashes(repo)
    line = assert_one_line_error(cli("registry", "--repo", str(repo)))
    for needle in needles:
        assert needle in line, (needle, line)
    assert tree_hashes(repo) == before


def test_fleet_registry_fails_closed_when_sprite_service_loop_omits_service_base_url(
    cli: Runner, tmp_path: Path
) -> None:
    doc = {"schemaVersion": "v1", "fleetId": "demo", "loops": [{"loopId": "loop-a", "transport": "sprite_service"}]}
    _refused(cli, tmp_path, doc, "sprite_service loops require service.baseUrl or sprite.serviceBaseUrl")


def test_fleet_registry_fails_closed_on_unknown_suppression_categories(cli: Runner, tmp_path: Path) -> None:
    doc = {
        "schemaVersion": "v1",
        "fleetId": "demo",
        "loops": [{"loopId": "loop-a"}],
        "policy": {"suppressions": {"*": ["health_critical", "unknown_category"]}},
    }
    _refused(cli, tmp_path, doc, "policy.suppressions.*")


def test_fleet_registry_accepts_guarded_auto_policy_contract_and_normalizes_autonomous_controls(
    cli: Runner, tmp_path: Path
) -> None:
    doc = _guarded(
        allow={"categories": ["reconcile_failed", "health_critical"], "intents": ["cancel"]},
        thresholds={"minSeverity": "warning", "minConfidence": "medium"},
        safety={"maxActionsPerRun": 3, "maxActionsPerLoop": 2, "cooldownSeconds": 120, "killSwitch": False},
    )
    repo = _write(tmp_path, doc)
    result = cli("registry", "--repo", str(repo))
    assert result.code == 0, result.stderr
    view = result.json()
    auto = view["policy"]["autonomous"]
    assert view["policy"]["mode"] == "guarded_auto"
    assert auto["enabled"] is True
    assert auto["allow"]["categories"] == ["reconcile_failed", "health_critical"]
    assert auto["thresholds"]["minSeverity"] == "warning"
    assert auto["safety"]["maxActionsPerRun"] == 3
    assert auto["governance"]["actor"] == "ops-user"
    assert auto["governance"]["reviewWindowDays"] == (date(2099, 12, 31) - date(2026, 2, 23)).days
    assert view["sourceFile"] == str(repo / FLEET_REL / "registry.v1.json")
    assert view["loopCount"] == 1


def test_fleet_registry_fails_closed_on_unsupported_autonomous_categories(cli: Runner, tmp_path: Path) -> None:
    doc = _guarded(allow={"categories": ["health_critical", "unknown_category"]})
    _refused(cli, tmp_path, doc, "policy.autonomous.allow.categories")


def test_fleet_registry_fails_closed_on_unsupported_autonomous_intents(cli: Runner, tmp_path: Path) -> None:
    doc = _guarded(allow={"intents": ["cancel", "approve"]})
    _refused(cli, tmp_path, doc, "policy.autonomous.allow.intents")


def test_fleet_registry_fails_closed_on_invalid_autonomous_threshold_and_safety_values(
    cli: Runner, tmp_path: Path
) -> None:
    doc = _guarded(thresholds={"minConfidence": "certain"}, safety={"maxActionsPerRun": -1})
    _refused(
        cli, tmp_path, doc, "policy.autonomous.thresholds.minConfidence", "policy.autonomous.safety.maxActionsPerRun"
    )


def test_fleet_registry_accepts_rollout_controls_and_normalizes_deterministic_cohort_defaults(
    cli: Runner, tmp_path: Path
) -> None:
    doc = _guarded(rollout={"canaryPercent": 40, "scope": {"loopIds": ["loop-a"]}})
    doc["loops"].append({"loopId": "loop-b"})
    repo = _write(tmp_path, doc)
    result = cli("registry", "--repo", str(repo))
    assert result.code == 0, result.stderr
    rollout = result.json()["policy"]["autonomous"]["rollout"]
    assert rollout["canaryPercent"] == 40
    assert rollout["scope"]["loopIds"] == ["loop-a"]
    assert rollout["selector"]["salt"] == "fleet-autonomous-rollout-v1"
    assert rollout["autoPause"]["enabled"] is True
    assert rollout["autoPause"]["lookbackExecutions"] == 5


def test_fleet_registry_fails_closed_on_invalid_rollout_controls(cli: Runner, tmp_path: Path) -> None:
    doc = _guarded(
        rollout={
            "canaryPercent": 101,
            "scope": {"loopIds": ["loop-a", "unknown-loop"]},
            "autoPause": {"failureRateThreshold": 1.5},
        }
    )
    doc["loops"].append({"loopId": "loop-b"})
    _refused(
        cli,
        tmp_path,
        doc,
        "policy.autonomous.rollout.canaryPercent",
        "policy.autonomous.rollout.scope.loopIds entries must reference declared loopIds",
        "policy.autonomous.rollout.autoPause.failureRateThreshold",
    )


def test_fleet_registry_fails_closed_when_guarded_auto_is_requested_without_governance_metadata(
    cli: Runner, tmp_path: Path
) -> None:
    doc = {
        "schemaVersion": "v1",
        "fleetId": "demo",
        "loops": [{"loopId": "loop-a"}],
        "policy": {
            "mode": "guarded_auto",
            "autonomous": {"allow": {"categories": ["reconcile_failed"], "intents": ["cancel"]}},
        },
    }
    _refused(
        cli,
        tmp_path,
        doc,
        "policy.autonomous.governance.actor is required when policy.mode is guarded_auto",
        "policy.autonomous.governance.approvalRef is required when policy.mode is guarded_auto",
        "policy.autonomous.governance.changedAt must be an ISO-8601 timestamp when policy.mode is guarded_auto",
    )


def test_fleet_registry_fails_closed_when_guarded_auto_governance_review_window_is_expired(
    cli: Runner, tmp_path: Path
) -> None:
    doc = _guarded()
    doc["policy"]["autonomous"]["governance"].update(changedAt="2026-01-10T00:00:00Z", reviewBy="2026-01-20T00:00:00Z")
    _refused(
        cli,
        tmp_path,
        doc,
        "policy.autonomous.governance.reviewBy must be in the future when policy.mode is guarded_auto",
    )


def test_normalized_view_keeps_explicit_false_and_unknown_loop_fields(cli: Runner, tmp_path: Path) -> None:
    """The reference's view turns ``enabled: false`` into true and drops unknown loop fields."""
    doc = _guarded(rollout={"autoPause": {"enabled": False}})
    doc["loops"] = [{"loopId": "loop-a", "enabled": False, "x-team": "payments"}]
    view = cli("registry", "--repo", str(_write(tmp_path, doc))).json()
    assert view["loops"][0]["enabled"] is False
    assert view["loops"][0]["x-team"] == "payments"
    assert view["policy"]["autonomous"]["rollout"]["autoPause"]["enabled"] is False


def test_registry_file_flag_and_missing_file(cli: Runner, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.json"
    other.write_text(json.dumps(_guarded()))
    (tmp_path / "repo").mkdir()
    ok = cli("registry", "--repo", str(tmp_path / "repo"), "--registry-file", str(other))
    assert ok.code == 0, ok.stderr
    assert ok.json()["sourceFile"] == str(other)
    assert_one_line_error(cli("registry", "--repo", str(tmp_path / "repo")), contains="not found")


def test_example_registry_is_valid_under_both_rule_sets(fleet: Fleet) -> None:
    doc = fleet.registry_doc()
    assert validation_errors(doc, utc_now()) == []
    jsonschema.validate(doc, registry_json_schema())


@pytest.mark.parametrize(
    "doc",
    [
        {"schemaVersion": "v1", "fleetId": "", "loops": [{"loopId": "a"}]},
        {"schemaVersion": "v1", "loops": []},
        {"schemaVersion": "v2", "loops": [{"loopId": "a"}]},
        {"schemaVersion": "v1", "loops": [{"loopId": "a"}], "extra": 1},
        {"schemaVersion": "v1", "loops": [{"loopId": "a"}], "policy": {"mode": "yolo"}},
    ],
)
def test_generated_schema_and_validator_agree_on_schema_rules(doc: dict[str, Any]) -> None:
    assert validation_errors(doc, utc_now())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, registry_json_schema())


def test_validator_rules_the_schema_cannot_express() -> None:
    doc = {"schemaVersion": "v1", "loops": [{"loopId": "a"}, {"loopId": "a"}]}
    jsonschema.validate(doc, registry_json_schema())
    assert "loopId values must be unique" in validation_errors(doc, utc_now())


def test_schema_file_matches_the_generated_schema_when_present() -> None:
    """``schema/`` is generated from the models; a committed copy must not drift."""
    generated = all_schemas()["fleet-registry.v1.schema.json"]
    jsonschema.Draft202012Validator.check_schema(generated)
    path = REPO_ROOT / "orchestrator" / "schema" / "fleet-registry.v1.schema.json"
    if path.is_file():
        assert json.loads(path.read_text()) == generated, "schema/fleet-registry.v1.schema.json is stale"
