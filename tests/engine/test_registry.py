"""The fleet registry contract beyond the reference's scenarios (``test_ref_registry.py``).

The normalized view's deliberate differences, the two rule sets (schema and validator rules) and
how violations are worded: each in the reference validator's sentence for its field, followed in
parentheses by our detail (pydantic's message, the value found, the list index), every one of them
on the single ``error:`` line. Review deadlines lie in 2099 so nothing here expires.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from orchestrator.core.registry.rules import validation_errors
from orchestrator.core.registry.schema import registry_json_schema
from orchestrator.core.schemas import all_schemas
from orchestrator.runtime.clock import utc_now
from tests.engine.engine_support import FLEET_REL, REPO_ROOT, Fleet, Runner, assert_one_line_error

GOVERNANCE = {
    "actor": "ops-user",
    "approvalRef": "CAB-123",
    "rationale": "dogfood guarded auto",
    "changedAt": "2026-02-23T00:00:00Z",
    "reviewBy": "2099-12-31T00:00:00Z",
}


NOW = datetime(2026, 6, 1, tzinfo=UTC)


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
    assert validation_errors(doc, utc_now()) == ['loopId values must be unique (repeated: "a")']


def test_schema_file_matches_the_generated_schema_when_present() -> None:
    """``schema/`` is generated from the models; a committed copy must not drift."""
    generated = all_schemas()["fleet-registry.v1.schema.json"]
    jsonschema.Draft202012Validator.check_schema(generated)
    path = REPO_ROOT / "orchestrator" / "schema" / "fleet-registry.v1.schema.json"
    if path.is_file():
        assert json.loads(path.read_text()) == generated, "schema/fleet-registry.v1.schema.json is stale"


def _with(path: str, value: Any) -> dict[str, Any]:
    """A valid guarded_auto registry with ``value`` set at the dotted ``path`` (digits index lists)."""
    doc = _guarded()
    doc["policy"]["suppressions"] = {}
    *parents, last = path.split(".")
    node: Any = doc
    for key in parents:
        node = node[int(key)] if key.isdigit() else node.setdefault(key, {})
    node[int(last) if last.isdigit() else last] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("schemaVersion", "v0", 'schemaVersion must be "v1" (Input should be \'v1\', found "v0")'),
        ("fleetId", 7, "fleetId must be a string when present (Input should be a valid string, found 7)"),
        ("loops", {}, "loops must be an array (Input should be a valid list, found {})"),
        ("loops.0", "loop-a", 'loops[0]: entry must be an object (Input should be a valid dictionary, found "loop-a")'),
        ("loops.0", {"enabled": True}, "loops[0]: loopId must be a non-empty string (Field required)"),
        ("loops.0.transport", "ssh", "loops[0]: transport must be local or sprite_service ("),
        (
            "loops.0.service",
            {"retryAttempts": 0},
            "loops[0]: service.retryAttempts must be >= 1 when present (found 0)",
        ),
        ("policy.mode", "manual", "policy.mode must be advisory or guarded_auto (Input should be 'advisory' or"),
        ("policy.suppressions", [], "policy.suppressions must be an object mapping loopId to category arrays ("),
        ("policy.suppressions.*", "health_critical", "policy.suppressions.* must be an array ("),
        ("policy.suppressions.*", [3], "policy.suppressions.* entries must be strings ([0]: "),
        ("policy.suppressions.loop-z", [], "policy.suppressions.loop-z key must reference a declared loopId or * ("),
        ("policy.noiseControls.dedupeWindowSeconds", -1, "policy.noiseControls.dedupeWindowSeconds must be an integer"),
        (
            "policy.autonomous.allow.intents",
            "cancel",
            "policy.autonomous.allow.intents must be an array when present (",
        ),
        (
            "policy.autonomous.thresholds.minSeverity",
            1,
            "policy.autonomous.thresholds.minSeverity must be a string when",
        ),
        (
            "policy.autonomous.safety.killSwitch",
            "on",
            "policy.autonomous.safety.killSwitch must be boolean when present",
        ),
        (
            "policy.autonomous.governance.rationale",
            "",
            "policy.autonomous.governance.rationale must be a non-empty string",
        ),
        (
            "policy.autonomous.rollout.canaryPercent",
            25.0,
            "canaryPercent must be an integer between 0 and 100 when present",
        ),
        ("policy.autonomous.rollout.scope.loopIds", ["", "loop-a"], "loopIds entries must be non-empty strings ([0]: "),
        (
            "policy.autonomous.rollout.selector.salt",
            "",
            "policy.autonomous.rollout.selector.salt must be non-empty when",
        ),
        ("policy.autonomous.rollout.selector.salt", 9, "policy.autonomous.rollout.selector.salt must be a string when"),
        (
            "policy.autonomous.rollout.autoPause.minSampleSize",
            0,
            "autoPause.minSampleSize must be an integer >= 1 when",
        ),
        (
            "policy.autonomous.rollout.autoPause.enabled",
            1,
            "policy.autonomous.rollout.autoPause.enabled must be boolean",
        ),
        (
            "policy.autonomous.rollout.extra",
            1,
            "policy.autonomous.rollout.extra is not a field of the registry schema (",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and "." in value and " " not in value else None,
)
def test_each_violation_reads_as_the_reference_says_it(path: str, value: Any, expected: str) -> None:
    errors = validation_errors(_with(path, value), NOW)
    assert len([error for error in errors if expected in error]) == 1, errors
    assert all(error.endswith(")") for error in errors), "the reference's sentence is followed by our detail"


def test_schema_and_rule_saying_the_same_thing_report_it_once() -> None:
    errors = validation_errors(_with("policy.autonomous.governance.changedAt", ""), NOW)
    assert errors == [
        "policy.autonomous.governance.changedAt must be an ISO-8601 timestamp when present"
        ' (String should have at least 1 character, found "")',
        "policy.autonomous.governance.changedAt must be an ISO-8601 timestamp when policy.mode is guarded_auto"
        ' (found "")',
    ]


def test_every_violation_is_on_the_one_error_line(cli: Runner, tmp_path: Path) -> None:
    """Nothing is cut off: twelve loops without an id are twelve violations on one line."""
    doc = _guarded()
    doc["loops"] = [{"enabled": True} for _ in range(12)]
    line = assert_one_line_error(cli("registry", "--repo", str(_write(tmp_path, doc))))
    assert ": 12 problems: " in line
    for index in range(12):
        assert f"loops[{index}]: loopId must be a non-empty string (Field required)" in line
    assert "more" not in line


def test_values_in_details_are_shown_short() -> None:
    errors = validation_errors(_with("policy.autonomous.thresholds.minSeverity", "x" * 5000), NOW)
    assert len(errors) == 1
    assert len(errors[0]) < 200
    assert errors[0].endswith('found "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...)')
    huge = validation_errors(_with("policy.autonomous.rollout.canaryPercent", 10**30), NOW)
    assert huge[0].endswith(f"found {10**30})")


def test_long_lists_in_details_are_cut_with_a_count() -> None:
    doc = _guarded()
    doc["loops"] = [{"loopId": f"loop-{i}"} for i in range(8)] * 2
    assert validation_errors(doc, NOW) == [
        'loopId values must be unique (repeated: "loop-0", "loop-1", "loop-2", "loop-3", "loop-4" and 3 more)'
    ]


def test_a_registry_that_is_not_an_object_says_what_it_is(cli: Runner, tmp_path: Path) -> None:
    repo = _write(tmp_path, {})
    (repo / FLEET_REL / "registry.v1.json").write_text("[1, 2]")
    line = assert_one_line_error(cli("registry", "--repo", str(repo)))
    assert line.endswith("registry.v1.json: registry must be a JSON object (found [1,2])")
