"""Crash safety of the mutating path: kill -9 at random moments, torn telemetry lines, retries.

After any crash the registry parses and is either the state before or after the apply, the
telemetry never yields half a record, and the next apply works and replays by idempotency key.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

import orchestrator.store.journal
from orchestrator.core.apply_plan import parse_apply_log
from orchestrator.core.registry.rules import validation_errors
from orchestrator.runtime.clock import utc_now
from orchestrator.store.layout import FleetLayout
from tests.engine.engine_support import (
    REPO_ROOT,
    Fleet,
    Runner,
    apply_args,
    engine_command,
    run_engine,
    subprocess_env,
    write_promotion_state,
    write_registry_guarded_auto,
)

KILLS = 50
TORN = '{"schemaVersion":"v1","timestamp":"2026-11-26T10:00:00Z","category":"promotion_apply","fleetId":"fle'


def _fresh(tmp_path: Path, canary: int = 0) -> Fleet:
    repo = tmp_path / "repo"
    write_registry_guarded_auto(repo, canary, False)
    write_promotion_state(repo, "promote")
    return Fleet(repo)


def _without_mutated_fields(doc: dict[str, Any]) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(doc))
    auto = copy["policy"]["autonomous"]
    del auto["governance"]
    del auto["rollout"]["canaryPercent"]
    return copy


def _check_registry(fleet: Fleet, before_bytes: bytes, before_doc: dict[str, Any], canary: int) -> bool:
    """The registry parses and is the before or the after state; True when it is the after state."""
    now_bytes = fleet.registry.read_bytes()
    if now_bytes == before_bytes:
        return False
    doc = json.loads(now_bytes)
    assert doc["policy"]["autonomous"]["rollout"]["canaryPercent"] == canary + 1
    assert _without_mutated_fields(doc) == _without_mutated_fields(before_doc)
    assert validation_errors(doc, utc_now()) == []
    return True


def _telemetry(fleet: Fleet) -> tuple[list[dict[str, Any]], str]:
    text = fleet.apply_telemetry.read_text() if fleet.apply_telemetry.exists() else ""
    log = parse_apply_log(text)
    for record in log.records:
        assert record["category"] == "promotion_apply"
        assert "rollout" in record
        assert "idempotencyKey" in record
    return log.records, text


def _kill_at(args: list[str], delay: float) -> None:
    proc = subprocess.Popen(
        engine_command(args),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=subprocess_env(),
        cwd=REPO_ROOT,
    )
    time.sleep(delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def test_kill_minus_nine_at_random_moments_never_corrupts_state(tmp_path: Path, cli: Runner) -> None:
    fleet = _fresh(tmp_path)
    started = time.monotonic()
    warm = run_engine(apply_args(fleet.repo, "--expand-step", "1", "--idempotency-key", "warm-up"))
    assert warm.code == 0, warm.stderr
    duration = time.monotonic() - started
    rng = random.Random(20261126)
    outcomes = {"before": 0, "after": 0}
    for attempt in range(KILLS):
        key = f"crash-{attempt}"
        args = apply_args(fleet.repo, "--expand-step", "1", "--idempotency-key", key)
        before_bytes = fleet.registry.read_bytes()
        before_doc = json.loads(before_bytes)
        canary = fleet.canary()
        records_before, _ = _telemetry(fleet)

        _kill_at(args, rng.uniform(0.3, 1.1) * duration)

        moved = _check_registry(fleet, before_bytes, before_doc, canary)
        outcomes["after" if moved else "before"] += 1
        records, text = _telemetry(fleet)
        assert len(records) in (len(records_before), len(records_before) + 1)
        assert records[: len(records_before)] == records_before
        recorded = any(r.get("idempotencyKey") == key for r in records)
        if recorded:
            assert moved, "an audit record exists for a mutation the registry does not show"

        journal_pending = FleetLayout.resolve(str(fleet.repo)).journal.exists()
        retry = cli(*args)
        assert retry.code == 0, retry.stderr
        assert "Traceback" not in retry.stderr
        assert retry.json()["replayed"] is (recorded or journal_pending)
        assert not FleetLayout.resolve(str(fleet.repo)).journal.exists()
        replay = cli(*args)
        assert replay.code == 0, replay.stderr
        assert replay.json()["replayed"] is True
        assert replay.json()["idempotencyKey"] == key
        settled = fleet.canary()
        assert settled == replay.json()["rollout"]["after"]["canaryPercent"]
        assert not parse_apply_log(fleet.apply_telemetry.read_text()).torn_tail
        assert text == "" or fleet.apply_telemetry.read_text().startswith(text.rstrip("\n"))
    assert sum(outcomes.values()) == KILLS
    leftovers = [p.name for p in fleet.dir.iterdir() if p.name.endswith(".tmp")]
    assert all(name.startswith(".") for name in leftovers), leftovers


def test_crash_between_registry_write_and_audit_append_is_not_applied_twice(
    tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash after the registry rename but before the telemetry append must not let the retry
    with the same idempotency key expand a second time (nor leave a mutation without audit record)."""
    fleet = _fresh(tmp_path, canary=10)
    args = apply_args(fleet.repo, "--expand-step", "5", "--idempotency-key", "crash-window")

    def crash(*_: object, **__: object) -> None:
        raise SystemExit(137)

    with monkeypatch.context() as patch:
        patch.setattr(orchestrator.store.journal, "append_line", crash)
        crashed = cli(*args)
    assert crashed.code == 137
    retry = cli(*args)
    assert retry.code == 0, retry.stderr
    assert fleet.canary() == 15, "the retry of a crashed apply expanded the rollout twice"
    assert [r["idempotencyKey"] for r in fleet.apply_records()] == ["crash-window"]


def test_torn_line_is_never_read_as_a_record() -> None:
    whole = json.dumps({"category": "promotion_apply", "idempotencyKey": "k1"})
    for text in (TORN, whole + "\n" + TORN, whole + "\n" + TORN + "\n" + whole + "\n", TORN[:1], "\n" + TORN):
        log = parse_apply_log(text)
        assert all(r == json.loads(whole) for r in log.records)
        assert log.bad_lines, text
    assert parse_apply_log(whole + "\n" + TORN).torn_tail
    assert not parse_apply_log(whole + "\n").torn_tail


def test_idempotent_replay_survives_a_torn_line_and_new_records_are_not_glued(tmp_path: Path, cli: Runner) -> None:
    fleet = _fresh(tmp_path, canary=20)
    first = cli(*apply_args(fleet.repo, "--expand-step", "10", "--idempotency-key", "key-1"))
    assert first.code == 0, first.stderr
    with fleet.apply_telemetry.open("a") as handle:
        handle.write(TORN)
    torn_bytes = fleet.apply_telemetry.read_bytes()

    replay = cli(*apply_args(fleet.repo, "--expand-step", "10", "--idempotency-key", "key-1"))
    assert replay.code == 0, replay.stderr
    assert replay.json()["replayed"] is True
    assert fleet.canary() == 30
    assert fleet.apply_telemetry.read_bytes() == torn_bytes

    fresh = cli(*apply_args(fleet.repo, "--expand-step", "10", "--idempotency-key", "key-2"))
    assert fresh.code == 0, fresh.stderr
    assert fleet.canary() == 40
    lines = fleet.apply_telemetry.read_text().split("\n")
    assert lines[1] == TORN, "the torn fragment stays a line of its own"
    assert json.loads(lines[2])["idempotencyKey"] == "key-2"
    assert lines[3] == ""
    log = parse_apply_log(fleet.apply_telemetry.read_text())
    assert [r["idempotencyKey"] for r in log.records] == ["key-1", "key-2"]
    assert log.bad_lines == [2]
    assert "promotion_apply_telemetry_torn_line" in fresh.json()["reasonCodes"]

    again = cli(*apply_args(fleet.repo, "--expand-step", "10", "--idempotency-key", "key-1"))
    assert again.json()["replayed"] is True
    assert fleet.canary() == 40
