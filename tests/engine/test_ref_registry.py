"""The reference's ten registry scenarios, rewritten for ``promotion-rollout registry``.

The reference checks each refusal by looking for its validator's sentences in the output, so each
refusal here asserts the same sentences, every one of them in the single ``error:`` line, each
followed by our detail in parentheses; and that a refused registry leaves the repository as it
was. The accepted cases check the normalized view. Review deadlines lie in 2099 so that nothing
here expires with the calendar. The original bats tests can be run against this command with
``tests/engine/reference_shims/run_registry_bats.sh`` (see that file).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from tests.engine.engine_support import Fleet, Runner, assert_one_line_error, tree_hashes

_GOV = "policy.autonomous.governance"
_SIGNED_OFF = {
    "actor": "release-captain",
    "approvalRef": "CHG-42",
    "rationale": "widen autonomy after review",
    "changedAt": "2026-03-01T00:00:00Z",
    "reviewBy": "2099-03-01T00:00:00Z",
}


def _registry(loops: tuple[str, ...] = ("alpha",), **policy: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"schemaVersion": "v1", "fleetId": "ported", "loops": [{"loopId": i} for i in loops]}
    if policy:
        doc["policy"] = policy
    return doc


def _autonomous(loops: tuple[str, ...] = ("alpha",), **autonomous: Any) -> dict[str, Any]:
    """A guarded_auto registry whose governance is complete, plus the autonomous settings given."""
    return _registry(loops, mode="guarded_auto", autonomous={"governance": dict(_SIGNED_OFF), **autonomous})


def _view(cli: Runner, fleet: Fleet, doc: dict[str, Any]) -> dict[str, Any]:
    fleet.registry.write_text(json.dumps(doc))
    result = cli("registry", "--repo", str(fleet.repo))
    assert result.code == 0, result.stderr
    view: dict[str, Any] = result.json()
    return view


def _refusal(cli: Runner, fleet: Fleet, doc: dict[str, Any]) -> str:
    """The one error line for ``doc``; nothing is printed on stdout and nothing is written."""
    fleet.registry.write_text(json.dumps(doc))
    before = tree_hashes(fleet.repo)
    result = cli("registry", "--repo", str(fleet.repo))
    line = assert_one_line_error(result, contains=f"invalid fleet registry: {fleet.registry}: ")
    assert result.stdout == ""
    assert tree_hashes(fleet.repo) == before
    return line


def test_a_service_loop_needs_a_base_url_somewhere(cli: Runner, empty_repo: Fleet) -> None:
    doc = _registry()
    doc["loops"][0]["transport"] = "sprite_service"
    line = _refusal(cli, empty_repo, doc)
    assert (
        "loops[0]: sprite_service loops require service.baseUrl or sprite.serviceBaseUrl"
        " (service.baseUrl missing, sprite.serviceBaseUrl missing)"
    ) in line


def test_a_suppression_naming_an_unknown_category_is_refused(cli: Runner, empty_repo: Fleet) -> None:
    doc = _registry(suppressions={"*": ["health_degraded", "no_such_category"]})
    line = _refusal(cli, empty_repo, doc)
    assert "policy.suppressions.* contains unknown categories ([1]: " in line
    assert 'found "no_such_category")' in line


def test_a_complete_guarded_auto_registry_is_normalized(cli: Runner, empty_repo: Fleet) -> None:
    doc = _autonomous(
        allow={"categories": ["health_critical"], "intents": ["cancel"]},
        thresholds={"minSeverity": "info", "minConfidence": "low"},
        safety={"maxActionsPerRun": 4, "maxActionsPerLoop": 1, "cooldownSeconds": 60, "killSwitch": True},
    )
    auto = _view(cli, empty_repo, doc)["policy"]["autonomous"]
    assert auto["enabled"] is True
    assert auto["allow"] == {"categories": ["health_critical"], "intents": ["cancel"]}
    assert auto["thresholds"] == {"minSeverity": "info", "minConfidence": "low"}
    assert auto["safety"]["maxActionsPerRun"] == 4
    assert auto["safety"]["killSwitch"] is True
    assert auto["governance"]["actor"] == "release-captain"
    assert auto["governance"]["reviewWindowDays"] == (date(2099, 3, 1) - date(2026, 3, 1)).days


def test_an_autonomous_category_outside_the_known_three_is_refused(cli: Runner, empty_repo: Fleet) -> None:
    doc = _autonomous(allow={"categories": ["reconcile_failed", "disk_full"]})
    line = _refusal(cli, empty_repo, doc)
    assert "policy.autonomous.allow.categories contains unsupported categories ([1]: " in line
    assert 'found "disk_full")' in line


def test_an_autonomous_intent_other_than_cancel_is_refused(cli: Runner, empty_repo: Fleet) -> None:
    doc = _autonomous(allow={"intents": ["restart"]})
    line = _refusal(cli, empty_repo, doc)
    assert "policy.autonomous.allow.intents contains unsupported intents ([0]: " in line
    assert 'found "restart")' in line


def test_a_bad_threshold_and_a_bad_safety_cap_are_both_reported(cli: Runner, empty_repo: Fleet) -> None:
    doc = _autonomous(thresholds={"minConfidence": "absolute"}, safety={"maxActionsPerRun": -3})
    line = _refusal(cli, empty_repo, doc)
    assert ": 2 problems: " in line
    assert "policy.autonomous.thresholds.minConfidence must be one of high, medium, low (" in line
    assert 'found "absolute")' in line
    assert "policy.autonomous.safety.maxActionsPerRun must be an integer >= 0 when present (" in line
    assert "found -3)" in line


def test_rollout_controls_are_kept_and_cohort_defaults_filled_in(cli: Runner, empty_repo: Fleet) -> None:
    doc = _autonomous(("alpha", "beta"), rollout={"canaryPercent": 15, "scope": {"loopIds": ["beta"]}})
    view = _view(cli, empty_repo, doc)
    rollout = view["policy"]["autonomous"]["rollout"]
    assert view["loopCount"] == 2
    assert rollout["canaryPercent"] == 15
    assert rollout["scope"] == {"loopIds": ["beta"]}
    assert rollout["selector"] == {"salt": "fleet-autonomous-rollout-v1"}
    assert rollout["pause"] == {"manual": False}
    assert rollout["autoPause"]["enabled"] is True
    assert rollout["autoPause"]["lookbackExecutions"] == 5


def test_every_bad_rollout_control_is_reported_at_once(cli: Runner, empty_repo: Fleet) -> None:
    doc = _autonomous(
        ("alpha", "beta"),
        rollout={
            "canaryPercent": 150,
            "scope": {"loopIds": ["beta", "gamma"]},
            "autoPause": {"failureRateThreshold": 2.5},
        },
    )
    line = _refusal(cli, empty_repo, doc)
    assert ": 3 problems: " in line
    expected = [
        "policy.autonomous.rollout.canaryPercent must be an integer between 0 and 100 when present"
        " (Input should be less than or equal to 100, found 150)",
        "policy.autonomous.rollout.autoPause.failureRateThreshold must be a number between 0 and 1 when present"
        " (Input should be less than or equal to 1, found 2.5)",
        'policy.autonomous.rollout.scope.loopIds entries must reference declared loopIds (not declared: "gamma")',
    ]
    assert line.split(": 3 problems: ", 1)[1].split("; ") == expected


def test_guarded_auto_without_governance_names_each_missing_piece(cli: Runner, empty_repo: Fleet) -> None:
    doc = _registry(mode="guarded_auto", autonomous={"allow": {"categories": ["health_critical"]}})
    line = _refusal(cli, empty_repo, doc)
    for sentence in (
        f"{_GOV} is required when policy.mode is guarded_auto (missing)",
        f"{_GOV}.actor is required when policy.mode is guarded_auto (missing)",
        f"{_GOV}.approvalRef is required when policy.mode is guarded_auto (missing)",
        f"{_GOV}.rationale is required when policy.mode is guarded_auto (missing)",
        f"{_GOV}.changedAt must be an ISO-8601 timestamp when policy.mode is guarded_auto (missing)",
        f"{_GOV}.reviewBy must be an ISO-8601 timestamp when policy.mode is guarded_auto (missing)",
    ):
        assert sentence in line, (sentence, line)
    assert ": 6 problems: " in line


def test_guarded_auto_whose_review_deadline_has_passed_is_refused(cli: Runner, empty_repo: Fleet) -> None:
    doc = _autonomous()
    doc["policy"]["autonomous"]["governance"].update(changedAt="2025-05-01T00:00:00Z", reviewBy="2025-06-01T00:00:00Z")
    line = _refusal(cli, empty_repo, doc)
    assert (
        f'{_GOV}.reviewBy must be in the future when policy.mode is guarded_auto (found "2025-06-01T00:00:00Z", now is '
        in line
    )
