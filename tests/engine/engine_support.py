"""Helpers for the engine suite: fresh fleets, evidence writers and the subprocess runner.

Kept apart from ``conftest.py`` so test modules can import them by a unique module name.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_FLEET = REPO_ROOT / "examples" / "fleet"
FLEET_REL = Path(".superloop/ops-manager/fleet")
FUTURE = "2099-01-01T00:00:00Z"
GOVERNANCE_ARGS = ("--by", "ops-user", "--approval-ref", "CAB-1", "--rationale", "engine-test", "--review-by", FUTURE)


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_hours_ago(hours: float) -> str:
    return iso(now_utc() - timedelta(hours=hours))


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error: ")]


def assert_one_line_error(result: Result, *, code: int = 1, contains: str | None = None) -> str:
    """The contract for refusals: exit code, exactly one ``error:`` line, never a traceback."""
    assert result.code == code, (result.code, result.stderr)
    assert "Traceback" not in result.stderr
    assert len(result.error_lines) == 1, result.stderr
    line = result.error_lines[0]
    if contains is not None:
        assert contains in line, line
    return line


@dataclass
class Fleet:
    """A repository directory holding a fleet, with the default artifact paths."""

    repo: Path

    @property
    def dir(self) -> Path:
        return self.repo / FLEET_REL

    @property
    def registry(self) -> Path:
        return self.dir / "registry.v1.json"

    @property
    def handoff(self) -> Path:
        return self.dir / "telemetry/handoff.jsonl"

    @property
    def drills(self) -> Path:
        return self.dir / "drills/promotion.v1.json"

    @property
    def promotion_state(self) -> Path:
        return self.dir / "promotion-state.json"

    @property
    def promotion_telemetry(self) -> Path:
        return self.dir / "telemetry/promotion.jsonl"

    @property
    def apply_state(self) -> Path:
        return self.dir / "promotion-apply-state.json"

    @property
    def apply_telemetry(self) -> Path:
        return self.dir / "telemetry/promotion-apply.jsonl"

    @property
    def ci_result(self) -> Path:
        return self.dir / "promotion-ci-result.json"

    @property
    def ci_summary(self) -> Path:
        return self.dir / "promotion-ci-summary.md"

    @property
    def orchestrate_result(self) -> Path:
        return self.dir / "promotion-orchestrate-result.json"

    @property
    def orchestrate_summary(self) -> Path:
        return self.dir / "promotion-orchestrate-summary.md"

    def registry_doc(self) -> Any:
        return json.loads(self.registry.read_text())

    def canary(self) -> int:
        return int(self.registry_doc()["policy"]["autonomous"]["rollout"]["canaryPercent"])

    def manual_pause(self) -> bool:
        return bool(self.registry_doc()["policy"]["autonomous"]["rollout"]["pause"]["manual"])

    def apply_records(self) -> list[dict[str, Any]]:
        if not self.apply_telemetry.exists():
            return []
        return [json.loads(line) for line in self.apply_telemetry.read_text().splitlines() if line.strip()]


def _load_make_evidence() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_evidence", REPO_ROOT / "examples/tools/make_evidence.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_MAKE_EVIDENCE = _load_make_evidence()


def refresh_drills(repo: Path, now: datetime | None = None) -> None:
    """The example tool's ``--drills-only`` refresh, on a copy of the example fleet."""
    path = repo / FLEET_REL / "drills/promotion.v1.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_MAKE_EVIDENCE.drills(now or now_utc()), indent=2) + "\n")


def copy_example_fleet(target: Path) -> Fleet:
    shutil.copytree(EXAMPLE_FLEET, target)
    refresh_drills(target)
    return Fleet(target)


class Runner(Protocol):
    """The ``cli`` fixture: the command line's arguments in, the exit code and output back."""

    def __call__(self, *argv: str) -> Result: ...


def subprocess_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_STEP_SUMMARY", "OPS_MANAGER_TRACE_ID")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.update(extra or {})
    return env


def engine_command(args: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "orchestrator", *args]


def run_engine(args: Sequence[str], *, timeout: float = 60, env: dict[str, str] | None = None) -> Result:
    """Run the engine as a real process, as CI and the action do."""
    proc = subprocess.run(
        engine_command(args),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=subprocess_env(env),
        cwd=REPO_ROOT,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def write_status(
    path: Path,
    *,
    enabled: object = True,
    posture: object = "active",
    blocks: object = False,
    backlog: object = 0,
    autopause: object = False,
    transport_path: bool = True,
    reason_codes: object = (),
) -> Path:
    """A fleet status with the autonomous block the gates read (the bats fixture's shape).

    Every value is written as given, so a test can plant a wrong type; a tuple of reason codes
    becomes a JSON list."""
    by_path: dict[str, object] = {
        "policyGated": {"blockedCount": 0, "byReason": {}},
        "rolloutGated": {"blockedCount": 0, "byReason": {}},
        "governanceGated": {"blockedCount": 0, "reasonCodes": []},
    }
    if transport_path:
        by_path["transportGated"] = {"blockedCount": 0, "byReason": {}}
    doc = {
        "schemaVersion": "v1",
        "autonomous": {
            "enabled": enabled,
            "governance": {
                "posture": posture,
                "blocksAutonomous": blocks,
                "reasonCodes": list(reason_codes) if isinstance(reason_codes, tuple) else reason_codes,
            },
            "outcomeRollup": {"manual_backlog": backlog},
            "rollout": {"autopause": {"active": autopause}},
            "safetyGateDecisions": {"byPath": by_path},
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n")
    return path


def handoff_line(attempted: object = 1, executed: object = 1, ambiguous: object = 0, failed: object = 0) -> str:
    return json.dumps(
        {
            "timestamp": iso(now_utc()),
            "category": "fleet_handoff_execute",
            "execution": {
                "mode": "autonomous",
                "requestedIntentCount": attempted,
                "executedCount": executed,
                "ambiguousCount": ambiguous,
                "failedCount": failed,
            },
        },
        separators=(",", ":"),
    )


def write_handoff(
    path: Path, runs: int, attempted: object = 1, executed: object = 1, ambiguous: object = 0, failed: object = 0
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    line = handoff_line(attempted, executed, ambiguous, failed)
    path.write_text("".join(line + "\n" for _ in range(runs)))
    return path


def write_drills(path: Path, completed_at: str | None = None, status: str = "pass") -> Path:
    stamp = completed_at or iso_hours_ago(1)
    doc = {
        "schemaVersion": "v1",
        "updatedAt": iso(now_utc()),
        "drills": [
            {"id": drill, "status": status, "completedAt": stamp}
            for drill in ("kill_switch", "sprite_service_outage", "ambiguous_retry_guard")
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n")
    return path


def write_drill_list(path: Path, drills: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"schemaVersion": "v1", "drills": drills}, indent=2) + "\n")
    return path


@dataclass
class Evidence:
    """Explicit evidence files for the gates (the bats suites' ``--*-file`` flags)."""

    status: Path
    handoff: Path
    drills: Path

    def args(self) -> list[str]:
        return [
            "--fleet-status-file",
            str(self.status),
            "--handoff-telemetry-file",
            str(self.handoff),
            "--drill-state-file",
            str(self.drills),
        ]


def write_registry_guarded_auto(
    repo: Path, canary: int, manual_pause: bool, *, fleet_id: str = "fleet-phase11", review_by: str = FUTURE
) -> Path:
    """The apply suite's registry: two local loops, guarded_auto, governance set."""
    path = repo / FLEET_REL / "registry.v1.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "schemaVersion": "v1",
        "fleetId": fleet_id,
        "loops": [{"loopId": "loop-a", "transport": "local"}, {"loopId": "loop-b", "transport": "local"}],
        "policy": {
            "mode": "guarded_auto",
            "autonomous": {
                "governance": {
                    "actor": "ops-initial",
                    "approvalRef": "CAB-0",
                    "rationale": "initial",
                    "changedAt": "2026-02-23T00:00:00Z",
                    "reviewBy": review_by,
                },
                "rollout": {"canaryPercent": canary, "pause": {"manual": manual_pause}},
            },
        },
    }
    path.write_text(json.dumps(doc, indent=2) + "\n")
    return path


def write_promotion_state(repo: Path, decision: str) -> Path:
    path = repo / FLEET_REL / "promotion-state.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"schemaVersion": "v1", "summary": {"decision": decision, "reasonCodes": []}}) + "\n")
    return path


def apply_args(repo: Path, *extra: str, intent: str = "expand") -> list[str]:
    return ["apply", "--repo", str(repo), "--intent", intent, *GOVERNANCE_ARGS, *extra]


def tree_hashes(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` with its content hash, to prove nothing changed."""
    hashes: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            hashes[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            hashes[str(path.relative_to(root)) + "/"] = "dir"
    return hashes
