"""Concurrent applies serialize on the registry lock: nothing is lost and the audit chain is whole."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from orchestrator.core.apply_plan import parse_apply_log
from orchestrator.core.registry.rules import validation_errors
from orchestrator.runtime.clock import utc_now
from tests.engine.engine_support import (
    REPO_ROOT,
    Fleet,
    apply_args,
    engine_command,
    subprocess_env,
    write_promotion_state,
    write_registry_guarded_auto,
)

PROCESSES = 20


def _race(commands: list[list[str]]) -> list[tuple[int, str, str]]:
    env = subprocess_env()
    procs = [
        subprocess.Popen(
            engine_command(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO_ROOT
        )
        for cmd in commands
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        results.append((proc.returncode, out, err))
    return results


def _fresh(tmp_path: Path) -> Fleet:
    repo = tmp_path / "repo"
    write_registry_guarded_auto(repo, 0, False)
    write_promotion_state(repo, "promote")
    return Fleet(repo)


def test_twenty_parallel_expands_form_an_unbroken_chain(tmp_path: Path) -> None:
    fleet = _fresh(tmp_path)
    results = _race([apply_args(fleet.repo, "--expand-step", "1") for _ in range(PROCESSES)])
    for code, _, err in results:
        assert code == 0, err
        assert "Traceback" not in err
    assert fleet.canary() == PROCESSES
    assert validation_errors(fleet.registry_doc(), utc_now()) == []

    log = parse_apply_log(fleet.apply_telemetry.read_text())
    assert log.bad_lines == []
    assert not log.torn_tail
    records = log.records
    assert len(records) == PROCESSES
    steps = [(r["rollout"]["before"]["canaryPercent"], r["rollout"]["after"]["canaryPercent"]) for r in records]
    assert steps == [(i, i + 1) for i in range(PROCESSES)], "records are appended in lock order"
    assert len({r["traceId"] for r in records}) == PROCESSES

    printed = sorted(
        (json.loads(out)["rollout"]["before"]["canaryPercent"] for _, out, _ in results),
    )
    assert printed == list(range(PROCESSES))
    state = json.loads(fleet.apply_state.read_text())
    assert state["rollout"]["after"]["canaryPercent"] == PROCESSES


def test_parallel_applies_with_one_idempotency_key_mutate_once(tmp_path: Path) -> None:
    fleet = _fresh(tmp_path)
    results = _race([apply_args(fleet.repo, "--expand-step", "5", "--idempotency-key", "same-key") for _ in range(10)])
    for code, _, err in results:
        assert code == 0, err
    outputs = [json.loads(out) for _, out, _ in results]
    assert sum(not o["replayed"] for o in outputs) == 1
    assert all(o["rollout"]["after"]["canaryPercent"] == 5 for o in outputs)
    assert fleet.canary() == 5
    assert len(fleet.apply_records()) == 1
