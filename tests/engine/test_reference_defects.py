"""Regression tests for defects measured in the reference scripts; each asserts our behaviour.

Twenty concurrent applies (the reference loses updates) are covered in ``test_concurrency.py``.
"""

from __future__ import annotations

import difflib
import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from orchestrator.core.registry.rules import validation_errors
from orchestrator.core.registry.schema import registry_json_schema
from orchestrator.runtime.clock import utc_now
from tests.engine.engine_support import (
    FLEET_REL,
    FUTURE,
    GOVERNANCE_ARGS,
    REPO_ROOT,
    Evidence,
    Fleet,
    Runner,
    apply_args,
    assert_one_line_error,
    copy_example_fleet,
    engine_command,
    handoff_line,
    iso_hours_ago,
    run_engine,
    subprocess_env,
    tree_hashes,
    write_drill_list,
    write_handoff,
    write_promotion_state,
    write_registry_guarded_auto,
    write_status,
)


def _gates(cli: Runner, repo: Fleet, evidence: Evidence, *extra: str) -> dict[str, Any]:
    result = cli("gates", "--repo", str(repo.repo), *evidence.args(), *extra)
    assert result.code == 0, result.stderr
    payload: dict[str, Any] = result.json()
    return payload


def test_handoff_telemetry_with_5000_records_is_judged_by_its_last_window(
    cli: Runner, empty_repo: Fleet, evidence: Evidence
) -> None:
    """The reference fails beyond about 700 records (argument list too long)."""
    bad = handoff_line(attempted=4, executed=0, ambiguous=0, failed=4)
    good = handoff_line()
    noise = json.dumps({"category": "fleet_handoff_plan", "execution": {"mode": "manual"}})
    lines = [bad if i % 2 else noise for i in range(4980)] + [good] * 20
    evidence.handoff.write_text("\n".join(lines) + "\n")
    payload = _gates(cli, empty_repo, evidence)
    assert payload["summary"]["decision"] == "promote", payload["summary"]
    assert payload["gates"]["outcomeReliability"]["sampleRuns"] == 20
    assert payload["gates"]["outcomeReliability"]["failed"] == 0

    evidence.handoff.write_text("\n".join([good] * 4990 + [bad] * 10) + "\n")
    payload = _gates(cli, empty_repo, evidence)
    assert payload["summary"]["decision"] == "hold"
    assert payload["gates"]["outcomeReliability"]["failureRate"] == pytest.approx(40 / 50)


def _changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_registry_after_apply_keeps_layout_unknown_keys_and_schema(cli: Runner, fleet: Fleet) -> None:
    """The reference rewrites the registry from its normalized view: reorders keys, drops unknown
    ones (the schema allows them on loops and policy) and adds sourceFile, loopCount, autonomous.enabled and reviewWindowDays."""
    text = fleet.registry.read_text()
    text = text.replace('"mode": "guarded_auto",', '"mode": "guarded_auto",\n    "x-owner": "team-ops",')
    text = text.replace('"transport": "local",\n', '"transport": "local",\n      "x-note": {"keep": [1, 2]},\n', 1)
    fleet.registry.write_text(text)
    write_promotion_state(fleet.repo, "promote")
    result = cli(*apply_args(fleet.repo, "--expand-step", "5"))
    assert result.code == 0, result.stderr
    after = fleet.registry.read_text()

    changed = _changed_lines(text, after)
    allowed = ('"canaryPercent"', '"actor"', '"approvalRef"', '"rationale"', '"changedAt"', '"reviewBy"')
    assert changed, "the apply changed nothing"
    assert all(any(key in line for key in allowed) for line in changed), changed
    assert len(after.splitlines()) == len(text.splitlines())
    doc = json.loads(after)
    assert list(doc) == list(json.loads(text))
    assert doc["policy"]["x-owner"] == "team-ops"
    assert list(doc["policy"]) == list(json.loads(text)["policy"])
    assert doc["loops"][0]["x-note"] == {"keep": [1, 2]}
    for key in ("sourceFile", "loopCount"):
        assert key not in doc
    assert "enabled" not in doc["policy"]["autonomous"]
    assert "reviewWindowDays" not in doc["policy"]["autonomous"]["governance"]
    assert "autoPause" in doc["policy"]["autonomous"]["rollout"]
    assert doc["policy"]["autonomous"]["rollout"]["canaryPercent"] == 15

    assert validation_errors(doc, utc_now()) == []
    schema_file = REPO_ROOT / "orchestrator" / "schema" / "fleet-registry.v1.schema.json"
    schemas = [registry_json_schema()]
    if schema_file.is_file():
        schemas.append(json.loads(schema_file.read_text()))
    for schema in schemas:
        jsonschema.validate(doc, schema)


def test_explicit_false_on_a_loop_and_on_autopause_survive_an_apply(cli: Runner, fleet: Fleet) -> None:
    """The reference's normalization turns ``enabled: false`` into true and writes it back."""
    doc = fleet.registry_doc()
    doc["loops"][1]["enabled"] = False
    doc["policy"]["autonomous"]["rollout"]["autoPause"]["enabled"] = False
    fleet.registry.write_text(json.dumps(doc, indent=2) + "\n")
    write_promotion_state(fleet.repo, "promote")
    assert cli(*apply_args(fleet.repo, intent="resume")).code == 0
    after = fleet.registry_doc()
    assert after["loops"][1]["enabled"] is False
    assert after["policy"]["autonomous"]["rollout"]["autoPause"]["enabled"] is False
    assert "enabled" not in after["loops"][0]


def test_drill_failures_staleness_and_garbage_timestamp_hold_with_every_code(
    cli: Runner, empty_repo: Fleet, evidence: Evidence
) -> None:
    write_drill_list(
        evidence.drills,
        [
            {"id": "kill_switch", "status": "fail", "completedAt": iso_hours_ago(2)},
            {"id": "sprite_service_outage", "status": "fail", "completedAt": iso_hours_ago(500)},
            {"id": "ambiguous_retry_guard", "status": "pass", "completedAt": "garbage"},
        ],
    )
    payload = _gates(cli, empty_repo, evidence)
    assert payload["summary"]["decision"] == "hold"
    assert payload["summary"]["failedGates"] == ["drill_recency"]
    assert set(payload["summary"]["reasonCodes"]) == {
        "promotion_drill_not_passed_kill_switch",
        "promotion_drill_not_passed_sprite_service_outage",
        "promotion_drill_stale_sprite_service_outage",
        "promotion_drill_timestamp_invalid_ambiguous_retry_guard",
    }


def test_stray_line_in_handoff_holds_and_names_file_and_line(
    cli: Runner, empty_repo: Fleet, evidence: Evidence, tmp_path: Path
) -> None:
    """The reference's jq aborts on a non-object line and reports nothing useful."""
    write_handoff(evidence.handoff, 25)
    lines = evidence.handoff.read_text().splitlines()
    lines.insert(6, '"stray"')
    evidence.handoff.write_text("\n".join(lines) + "\n")
    result_file = tmp_path / "ci-result.json"
    ci = cli("ci", "--repo", str(empty_repo.repo), *evidence.args(), "--result-file", str(result_file))
    assert ci.code == 0, ci.stderr
    payload = json.loads(result_file.read_text())
    assert payload["summary"]["decision"] == "hold"
    assert "promotion_handoff_telemetry_invalid" in payload["summary"]["reasonCodes"]
    errors = payload["evidenceErrors"]
    assert any(e["file"] == str(evidence.handoff) and e["line"] == 7 for e in errors), errors

    held = cli("ci", "--repo", str(empty_repo.repo), *evidence.args(), "--fail-on-hold")
    assert held.code == 2
    gates = cli("gates", "--repo", str(empty_repo.repo), *evidence.args(), "--fail-on-hold")
    assert gates.code == 2
    assert gates.json()["summary"]["decision"] == "hold"


def test_negative_requested_intent_count_holds_as_invalid(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    """The reference adds -1 to the attempts, lowering the failure rate."""
    lines = [handoff_line()] * 19 + [handoff_line(attempted=-1, executed=0)]
    evidence.handoff.write_text("\n".join(lines) + "\n")
    payload = _gates(cli, empty_repo, evidence)
    assert payload["summary"]["decision"] == "hold"
    assert "promotion_handoff_telemetry_invalid" in payload["summary"]["reasonCodes"]


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("enabled-string-false", {"enabled": "false"}, "promotion_fleet_status_invalid"),
        ("blocks-string-true", {"blocks": "true"}, "promotion_fleet_status_invalid"),
        ("manual-backlog-negative", {"backlog": -40}, "promotion_fleet_status_invalid"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_wrongly_typed_fleet_status_fields_hold(
    case: str, status: dict[str, Any], code: str, cli: Runner, empty_repo: Fleet, evidence: Evidence
) -> None:
    write_status(evidence.status, **status)
    payload = _gates(cli, empty_repo, evidence)
    assert payload["summary"]["decision"] == "hold", case
    assert code in payload["summary"]["reasonCodes"]
    assert payload["evidenceErrors"]


def test_by_path_null_entries_hold(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    doc = json.loads(evidence.status.read_text())
    by_path = doc["autonomous"]["safetyGateDecisions"]["byPath"]
    by_path["transportGated"] = None
    by_path["policyGated"] = None
    evidence.status.write_text(json.dumps(doc))
    payload = _gates(cli, empty_repo, evidence)
    assert payload["summary"]["decision"] == "hold"
    assert "safety_suppression" in payload["summary"]["failedGates"]
    assert "promotion_suppression_paths_missing" in payload["summary"]["reasonCodes"]
    assert set(payload["gates"]["safetySuppression"]["missingPaths"]) == {"transportGated", "policyGated"}


def test_drills_completed_in_the_future_hold(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    write_drill_list(
        evidence.drills,
        [
            {"id": drill, "status": "pass", "completedAt": iso_hours_ago(-48)}
            for drill in ("kill_switch", "sprite_service_outage", "ambiguous_retry_guard")
        ],
    )
    payload = _gates(cli, empty_repo, evidence)
    assert payload["summary"]["decision"] == "hold"
    assert "promotion_drill_timestamp_invalid_kill_switch" in payload["summary"]["reasonCodes"]


def test_duplicate_drill_ids_are_judged_by_the_newest_completion(
    cli: Runner, empty_repo: Fleet, evidence: Evidence
) -> None:
    """The reference takes the first entry in file order, whatever its date."""
    others = [
        {"id": "sprite_service_outage", "status": "pass", "completedAt": iso_hours_ago(3)},
        {"id": "ambiguous_retry_guard", "status": "pass", "completedAt": iso_hours_ago(3)},
    ]
    newest_pass = [
        {"id": "kill_switch", "status": "pass", "completedAt": iso_hours_ago(1)},
        {"id": "kill_switch", "status": "fail", "completedAt": iso_hours_ago(100)},
    ]
    write_drill_list(evidence.drills, [*reversed(newest_pass), *others])
    assert _gates(cli, empty_repo, evidence)["summary"]["decision"] == "promote"

    newest_fail = [
        {"id": "kill_switch", "status": "pass", "completedAt": iso_hours_ago(100)},
        {"id": "kill_switch", "status": "fail", "completedAt": iso_hours_ago(1)},
    ]
    write_drill_list(evidence.drills, [*newest_fail, *others])
    payload = _gates(cli, empty_repo, evidence)
    assert payload["summary"]["reasonCodes"] == ["promotion_drill_not_passed_kill_switch"]
    kill = next(a for a in payload["gates"]["drillRecency"]["assessments"] if a["id"] == "kill_switch")
    assert kill["entries"] == 2
    assert kill["status"] == "fail"


def test_rollback_rationale_that_looks_like_flags_is_stored_verbatim(cli: Runner, fleet: Fleet) -> None:
    """The reference splices the rationale into a command line: it could expand instead."""
    rationale = "x --intent expand --expand-step 100"
    canary = fleet.canary()
    result = cli(
        "orchestrate",
        "--repo",
        str(fleet.repo),
        "--mode",
        "rollback",
        "--by",
        "ops",
        "--approval-ref",
        "CAB-9",
        "--rationale",
        rationale,
        "--review-by",
        FUTURE,
    )
    assert result.code == 0, result.stderr
    out = result.json()
    assert out["status"] == "rolled_back"
    assert out["apply"]["intent"] == "rollback"
    assert fleet.canary() == canary
    assert fleet.manual_pause() is True
    assert fleet.registry_doc()["policy"]["autonomous"]["governance"]["rationale"] == rationale
    assert fleet.apply_records()[-1]["governance"]["rationale"] == rationale
    assert out["apply"]["record"]["governance"]["rationale"] == rationale


def test_paths_with_spaces_work_end_to_end(tmp_path: Path) -> None:
    fleet = copy_example_fleet(tmp_path / "my repos" / "fleet with spaces")
    out_dir = tmp_path / "out dir"
    result = run_engine(
        [
            "orchestrate",
            "--repo",
            str(fleet.repo),
            "--mode",
            "apply",
            "--expand-step",
            "5",
            "--result-file",
            str(out_dir / "result file.json"),
            "--summary-file",
            str(out_dir / "summary file.md"),
            *GOVERNANCE_ARGS,
        ]
    )
    assert result.code == 0, result.stderr
    out = json.loads((out_dir / "result file.json").read_text())
    assert out["status"] == "applied"
    assert fleet.canary() == 15
    assert (out_dir / "summary file.md").is_file()
    assert out["apply"]["record"]["files"]["registryFile"] == str(fleet.registry)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (["--intent", "expand", "--expand-step", "10"], ["--intent", "resume"]),
        (["--intent", "expand", "--expand-step", "10"], ["--intent", "expand", "--expand-step", "11"]),
        (["--intent", "rollback"], ["--intent", "expand", "--expand-step", "10"]),
    ],
    ids=["expand-then-resume", "step-10-then-11", "rollback-then-expand"],
)
def test_idempotency_key_reused_for_a_different_request_is_refused(
    first: list[str], second: list[str], cli: Runner, tmp_path: Path
) -> None:
    """The reference silently replays the old result for a different request."""
    repo = tmp_path / "repo"
    write_registry_guarded_auto(repo, 20, False)
    write_promotion_state(repo, "promote")
    base = ["apply", "--repo", str(repo), *GOVERNANCE_ARGS, "--idempotency-key", "key-x"]
    assert cli(*base, *first).code == 0
    before = tree_hashes(repo)
    result = cli(*base, *second)
    assert_one_line_error(result, contains="key-x")
    assert tree_hashes(repo) == before


def test_rollback_is_allowed_when_the_registry_review_has_expired(cli: Runner, tmp_path: Path) -> None:
    """The reference refuses every mutation, including the safety rollback, once reviewBy passed."""
    repo = tmp_path / "repo"
    fleet = Fleet(repo)
    write_registry_guarded_auto(repo, 40, False, review_by="2026-03-01T00:00:00Z")
    write_promotion_state(repo, "hold")
    expand = cli(*apply_args(repo, "--expand-step", "5"))
    assert_one_line_error(expand)
    write_promotion_state(repo, "promote")
    expand = cli(*apply_args(repo, "--expand-step", "5"))
    assert_one_line_error(expand, contains="reviewBy")

    result = cli(*apply_args(repo, intent="rollback"))
    assert result.code == 0, result.stderr
    record = result.json()
    assert "promotion_rollback_review_expired_overridden" in record["reasonCodes"]
    assert fleet.manual_pause() is True
    assert fleet.canary() == 40
    gov = fleet.registry_doc()["policy"]["autonomous"]["governance"]
    assert gov["reviewBy"] == FUTURE
    assert validation_errors(fleet.registry_doc(), utc_now()) == []


def test_orchestrate_rollback_proceeds_when_the_decision_phase_fails(cli: Runner, fleet: Fleet, tmp_path: Path) -> None:
    broken = tmp_path / "status.json"
    broken.write_text("{not json")
    canary = fleet.canary()
    result = cli(
        "orchestrate",
        "--repo",
        str(fleet.repo),
        "--mode",
        "rollback",
        "--fleet-status-file",
        str(broken),
        *GOVERNANCE_ARGS,
    )
    assert result.code == 0, result.stderr
    out = result.json()
    assert out["status"] == "rolled_back"
    assert "promotion_rollback_decision_failed_overridden" in out["overrides"]
    assert out["decisionError"]
    assert fleet.manual_pause() is True
    assert fleet.canary() == canary
    assert json.loads(fleet.orchestrate_result.read_text())["overrides"] == out["overrides"]


def test_orchestrate_rollback_proceeds_on_hold_under_fail_on_hold(cli: Runner, fleet: Fleet, tmp_path: Path) -> None:
    status = write_status(tmp_path / "status.json", backlog=50)
    result = cli(
        "orchestrate",
        "--repo",
        str(fleet.repo),
        "--mode",
        "rollback",
        "--fail-on-hold",
        "--fleet-status-file",
        str(status),
        *GOVERNANCE_ARGS,
    )
    assert result.code == 0, result.stderr
    out = result.json()
    assert out["status"] == "rolled_back"
    assert out["decision"] == "hold"
    assert "promotion_rollback_hold_overridden" in out["overrides"]
    assert fleet.manual_pause() is True


def test_empty_evidence_ref_is_ignored(cli: Runner, fleet: Fleet) -> None:
    """The reference records an empty string as an evidence reference."""
    write_promotion_state(fleet.repo, "promote")
    applied = cli(*apply_args(fleet.repo, "--evidence-ref", "", "--evidence-ref", "artifact://a", intent="resume"))
    assert applied.code == 0, applied.stderr
    assert "" not in applied.json()["evidenceRefs"]
    assert "artifact://a" in applied.json()["evidenceRefs"]
    orchestrated = cli(
        "orchestrate", "--repo", str(fleet.repo), "--mode", "dry_run", "--evidence-ref", "", "--evidence-ref", "b"
    )
    assert orchestrated.code == 0, orchestrated.stderr
    refs = orchestrated.json()["evidenceRefs"]
    assert "" not in refs
    assert "b" in refs


def test_one_generated_trace_id_links_decision_apply_and_result(cli: Runner, fleet: Fleet) -> None:
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", "apply", "--expand-step", "1", *GOVERNANCE_ARGS)
    assert result.code == 0, result.stderr
    out = result.json()
    trace = out["traceId"]
    assert isinstance(trace, str)
    assert len(trace) >= 8
    assert json.loads(fleet.ci_result.read_text())["traceId"] == trace
    assert out["apply"]["record"]["traceId"] == trace
    assert fleet.apply_records()[-1]["traceId"] == trace
    assert json.loads(fleet.promotion_state.read_text())["traceId"] == trace
    assert trace in fleet.orchestrate_summary.read_text()


@pytest.mark.parametrize(
    ("case", "change", "message"),
    [
        ("schema-rule-fleet-id-empty", {"fleetId": ""}, "fleetId"),
        (
            "validator-rule-duplicate-loop-ids",
            {"loops": [{"loopId": "loop-a"}, {"loopId": "loop-a"}]},
            "loopId values must be unique",
        ),
    ],
    ids=["schema-rule-fleet-id-empty", "validator-rule-duplicate-loop-ids"],
)
def test_registry_is_rejected_when_either_rule_set_rejects(
    case: str, change: dict[str, Any], message: str, cli: Runner, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    path = write_registry_guarded_auto(repo, 10, False)
    write_promotion_state(repo, "promote")
    doc = json.loads(path.read_text())
    doc.update(change)
    path.write_text(json.dumps(doc, indent=2))
    before = tree_hashes(repo)
    assert_one_line_error(cli("registry", "--repo", str(repo)), contains=message)
    assert_one_line_error(cli(*apply_args(repo)), contains=message)
    assert_one_line_error(cli(*apply_args(repo, intent="rollback")), contains=message)
    assert tree_hashes(repo) == before
    errors = validation_errors(doc, utc_now())
    assert any(message in e for e in errors), errors


def test_apply_as_real_process_exit_codes(tmp_path: Path) -> None:
    """The ``python -m orchestrator`` entry point keeps the exit-code contract end to end."""
    repo = tmp_path / "repo"
    write_registry_guarded_auto(repo, 10, False)
    write_promotion_state(repo, "hold")
    refused = subprocess.run(
        engine_command(apply_args(repo)), capture_output=True, text=True, env=subprocess_env(), check=False
    )
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[-1].startswith("error: intent expand requires")
    assert (repo / FLEET_REL / "telemetry").exists() is False
