"""Change-freeze windows end to end: refused expand and resume, rollback always, break-glass recorded."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from orchestrator.action.inputs import RawInputs, parse_settings
from orchestrator.core.freeze import OneOffWindow
from tests.engine.engine_support import (
    GOVERNANCE_ARGS,
    Fleet,
    Runner,
    apply_args,
    assert_one_line_error,
    iso,
    now_utc,
    write_promotion_state,
    write_registry_guarded_auto,
)

ACTIVE = "promotion_change_freeze_active"
BREAK_GLASS = "promotion_change_freeze_break_glass"


def around_now(reason: str = "year-end freeze") -> dict[str, str]:
    now = now_utc()
    return {"start": iso(now - timedelta(hours=1)), "end": iso(now + timedelta(hours=2)), "reason": reason}


def later(reason: str = "next week") -> dict[str, str]:
    now = now_utc()
    return {"start": iso(now + timedelta(days=7)), "end": iso(now + timedelta(days=8)), "reason": reason}


def calendar(tmp_path: Path, *windows: dict[str, Any]) -> str:
    path = tmp_path / "freeze.json"
    path.write_text(json.dumps({"freeze": list(windows)}))
    return str(path)


def freeze_registry(fleet: Fleet, *windows: dict[str, Any]) -> None:
    doc = fleet.registry_doc()
    doc["policy"]["autonomous"]["rollout"]["freeze"] = list(windows)
    fleet.registry.write_text(json.dumps(doc, indent=2) + "\n")


def orchestrate(cli: Runner, fleet: Fleet, mode: str, *extra: str) -> tuple[int, dict[str, Any], str]:
    governance = () if mode == "dry_run" else GOVERNANCE_ARGS
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", mode, *governance, *extra)
    return result.code, result.json(), result.stderr


def test_an_active_window_from_a_file_refuses_the_expand(cli: Runner, fleet: Fleet, tmp_path: Path) -> None:
    before = fleet.registry.read_text()
    code, result, stderr = orchestrate(cli, fleet, "apply", "--freeze-calendar", calendar(tmp_path, around_now()))
    assert code == 1
    assert result["status"] == "refused"
    assert result["refusalReasonCode"] == ACTIVE
    assert result["freeze"]["reason"] == "year-end freeze"
    assert ACTIVE in stderr
    assert "year-end freeze" in stderr
    assert fleet.registry.read_text() == before
    assert fleet.apply_records() == []
    assert "Change freeze" in fleet.orchestrate_summary.read_text()


def test_the_dry_run_shows_the_freeze_as_a_warning_and_does_not_refuse(cli: Runner, fleet: Fleet) -> None:
    freeze_registry(fleet, later(), around_now("payments launch"))
    code, result, _ = orchestrate(cli, fleet, "dry_run")
    assert (code, result["status"], result["decision"]) == (0, "preview", "promote")
    assert result["freeze"]["window"] == "policy.autonomous.rollout.freeze[1]"
    assert result["freeze"]["reason"] == "payments launch"
    summary = fleet.orchestrate_summary.read_text()
    assert "| Warning | a change freeze is active" in summary
    assert "payments launch" in summary


def test_no_calendar_and_no_active_window_change_nothing(cli: Runner, fleet: Fleet, tmp_path: Path) -> None:
    code, result, _ = orchestrate(cli, fleet, "apply", "--freeze-calendar", calendar(tmp_path, later()))
    assert (code, result["status"], result["freeze"]) == (0, "applied", None)
    record = fleet.apply_records()[-1]
    assert "breakGlass" not in record
    assert BREAK_GLASS not in record["reasonCodes"]


def test_a_rollback_is_always_allowed(cli: Runner, fleet: Fleet) -> None:
    freeze_registry(fleet, around_now())
    code, result, _ = orchestrate(cli, fleet, "rollback", "--break-glass-approval-ref", "CAB-99")
    assert (code, result["status"]) == (0, "rolled_back")
    assert fleet.manual_pause() is True
    assert "breakGlass" not in fleet.apply_records()[-1]


def test_break_glass_lets_the_expand_through_and_is_recorded(cli: Runner, fleet: Fleet) -> None:
    freeze_registry(fleet, around_now())
    code, result, _ = orchestrate(cli, fleet, "apply", "--break-glass-approval-ref", "INC-7 emergency")
    assert (code, result["status"]) == (0, "applied")
    record = fleet.apply_records()[-1]
    assert BREAK_GLASS in record["reasonCodes"]
    glass = record["breakGlass"]
    assert glass["approvalRef"] == "INC-7 emergency"
    assert glass["reason"] == "year-end freeze"
    assert glass["window"] == "policy.autonomous.rollout.freeze[0]"
    assert result["apply"]["record"]["breakGlass"] == glass
    assert "Break-glass approval" in fleet.orchestrate_summary.read_text()


def test_apply_refuses_resume_in_a_registry_freeze(cli: Runner, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write_registry_guarded_auto(repo, 10, True)
    write_promotion_state(repo, "promote")
    fleet = Fleet(repo)
    freeze_registry(fleet, {**around_now(), "reason": "black friday"})
    result = cli(*apply_args(repo, intent="resume"))
    assert_one_line_error(result, contains=ACTIVE)
    assert "black friday" in result.stderr
    assert fleet.manual_pause() is True
    allowed = cli(*apply_args(repo, "--break-glass-approval-ref", "CAB-2", intent="resume"))
    assert allowed.code == 0, allowed.stderr
    assert allowed.json()["breakGlass"]["approvalRef"] == "CAB-2"
    assert fleet.manual_pause() is False


def test_a_recurring_window_every_day_holds_all_day(cli: Runner, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write_registry_guarded_auto(repo, 10, False)
    write_promotion_state(repo, "promote")
    every_day = {"every": "day", "from": "00:00", "to": "23:59", "timeZone": "Europe/Berlin", "reason": "always"}
    result = cli(*apply_args(repo, "--freeze-calendar", calendar(tmp_path, every_day)))
    assert_one_line_error(result, contains=ACTIVE)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--break-glass-approval-ref", "CAB-1"), "must name a second approval"),
        (("--break-glass-approval-ref", "a\nb"), "one non-empty line"),
        (("--freeze-calendar", "/nonexistent/freeze.json"), "freeze calendar"),
    ],
)
def test_bad_freeze_flags_are_refused_before_anything_changes(
    cli: Runner, fleet: Fleet, extra: tuple[str, ...], message: str
) -> None:
    before = fleet.registry.read_text()
    result = cli(*apply_args(fleet.repo, *extra))
    assert_one_line_error(result, contains=message)
    assert fleet.registry.read_text() == before


def test_a_bad_window_in_a_file_or_the_registry_is_named(cli: Runner, fleet: Fleet, tmp_path: Path) -> None:
    bad = {"every": "week", "days": ["caturday"], "from": "18:00", "to": "23:59", "timeZone": "UTC", "reason": "r"}
    result = cli(*apply_args(fleet.repo, "--freeze-calendar", calendar(tmp_path, bad)))
    assert_one_line_error(result, contains="freeze[0] days must be a non-empty list")
    freeze_registry(fleet, {**bad, "days": ["sat"], "timeZone": "Mars/Olympus"})
    write_promotion_state(fleet.repo, "promote")
    result = cli(*apply_args(fleet.repo))
    assert_one_line_error(result, contains="policy.autonomous.rollout.freeze[0] timeZone must name an IANA time zone")


def test_the_action_reads_its_freeze_inputs(fleet: Fleet, tmp_path: Path) -> None:
    path = fleet.repo / "freeze.json"
    path.write_text(json.dumps([around_now()]))
    text = {"mode": "dry_run", "repo-path": ".", "freeze-calendar": "freeze.json", "break-glass-approval-ref": "CAB-3"}
    settings = parse_settings(RawInputs(text=text), fleet.repo, {}, now_utc())
    assert isinstance(settings.request.freeze_calendar[0], OneOffWindow)
    assert settings.request.break_glass_ref == "CAB-3"
