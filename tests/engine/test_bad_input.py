"""Bad input never crashes the engine and never changes an input file.

Every case ends in one of two ways: a one-line ``error:`` with exit code 1 (no traceback), or a
fail-closed ``hold`` decision. The input files are hashed before and after.

"Unreadable" cannot be simulated with ``chmod 000`` because the suite runs as root, who reads
anything; a symlink that points at itself (``ELOOP`` on open) and a directory stand in for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.engine.engine_support import (
    GOVERNANCE_ARGS,
    Evidence,
    Fleet,
    Result,
    Runner,
    apply_args,
    assert_one_line_error,
    handoff_line,
    tree_hashes,
    write_drills,
    write_handoff,
    write_promotion_state,
    write_registry_guarded_auto,
    write_status,
)

BadWriter = Callable[[Path], None]


def _bytes(data: bytes) -> BadWriter:
    def write(path: Path) -> None:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        path.write_bytes(data)

    return write


def _directory(path: Path) -> None:
    if path.exists() or path.is_symlink():
        path.unlink()
    path.mkdir()
    (path / "inside.json").write_text("{}")


def _symlink_loop(path: Path) -> None:
    if path.exists() or path.is_symlink():
        path.unlink()
    os.symlink(path.name, path)


COMMON: dict[str, BadWriter] = {
    "malformed-json": _bytes(b'{"schemaVersion": "v1", "broken": '),
    "empty-file": _bytes(b""),
    "whitespace-only": _bytes(b"  \n\n"),
    "nan": _bytes(b'{"schemaVersion": "v1", "value": NaN}'),
    "infinity": _bytes(b'{"schemaVersion": "v1", "value": -Infinity}'),
    "number-overflows-double": _bytes(b'{"schemaVersion": "v1", "value": 1e999}'),
    "non-utf8": _bytes(b'{"schemaVersion": "v1", "value": "\xff\xfe"}'),
    "utf8-bom": _bytes(b'\xef\xbb\xbf{"schemaVersion": "v1"}'),
    "json-array": _bytes(b"[1, 2, 3]"),
    "json-string": _bytes(b'"stray"'),
    "directory": _directory,
    "unreadable-symlink-loop": _symlink_loop,
}


def _status_doc(**autonomous: object) -> bytes:
    base = json.loads(write_status_text())
    base["autonomous"].update(autonomous)
    return json.dumps(base).encode()


def write_status_text() -> str:
    return json.dumps(
        {
            "schemaVersion": "v1",
            "autonomous": {
                "enabled": True,
                "governance": {"posture": "active", "blocksAutonomous": False, "reasonCodes": []},
                "outcomeRollup": {"manual_backlog": 0},
                "rollout": {"autopause": {"active": False}},
                "safetyGateDecisions": {
                    "byPath": {
                        name: {"blockedCount": 0}
                        for name in ("policyGated", "rolloutGated", "governanceGated", "transportGated")
                    }
                },
            },
        }
    )


STATUS_SPECIFIC: dict[str, BadWriter] = {
    "wrong-type-enabled": _bytes(_status_doc(enabled="true")),
    "wrong-type-governance": _bytes(_status_doc(governance=["active"])),
    "wrong-type-backlog": _bytes(_status_doc(outcomeRollup={"manual_backlog": "3"})),
    "huge-backlog": _bytes(_status_doc(outcomeRollup={"manual_backlog": 10**30})),
    "float-backlog": _bytes(_status_doc(outcomeRollup={"manual_backlog": 1.5})),
    "wrong-type-bypath": _bytes(_status_doc(safetyGateDecisions={"byPath": [1]})),
    "wrong-type-autonomous": _bytes(json.dumps({"autonomous": "yes"}).encode()),
}

HANDOFF_SPECIFIC: dict[str, BadWriter] = {
    "string-counts": _bytes(("\n".join([handoff_line("1", "1", "0", "0")] * 20) + "\n").encode()),
    "huge-counts": _bytes(("\n".join([handoff_line(10**30, 1, 0, 0)] * 20) + "\n").encode()),
    "negative-counts": _bytes(("\n".join([handoff_line(1, 1, 0, -5)] * 20) + "\n").encode()),
    "execution-not-object": _bytes(b'{"category":"fleet_handoff_execute","execution":[1]}\n' * 20),
    "garbage-lines": _bytes(b"\x00\x01\x02\n" * 5 + (handoff_line() + "\n").encode() * 20),
    "nan-count": _bytes(
        b'{"category":"fleet_handoff_execute","execution":{"mode":"autonomous","requestedIntentCount":NaN}}\n' * 20
    ),
}

DRILL_SPECIFIC: dict[str, BadWriter] = {
    "drills-not-array": _bytes(b'{"schemaVersion":"v1","drills":{"id":"kill_switch"}}'),
    "drill-entry-not-object": _bytes(b'{"schemaVersion":"v1","drills":["kill_switch"]}'),
    "drill-id-number": _bytes(b'{"schemaVersion":"v1","drills":[{"id":7,"status":"pass"}]}'),
    "completed-at-number": _bytes(
        json.dumps(
            {
                "drills": [
                    {"id": d, "status": "pass", "completedAt": 1700000000}
                    for d in ("kill_switch", "sprite_service_outage", "ambiguous_retry_guard")
                ]
            }
        ).encode()
    ),
    "completed-at-huge-year": _bytes(
        json.dumps(
            {
                "drills": [
                    {"id": d, "status": "pass", "completedAt": "99999-01-01T00:00:00Z"}
                    for d in ("kill_switch", "sprite_service_outage", "ambiguous_retry_guard")
                ]
            }
        ).encode()
    ),
}


def _registry_doc(**changes: object) -> bytes:
    doc: dict[str, object] = {
        "schemaVersion": "v1",
        "fleetId": "bad-input",
        "loops": [{"loopId": "loop-a"}],
        "policy": {
            "mode": "guarded_auto",
            "autonomous": {
                "governance": {
                    "actor": "a",
                    "approvalRef": "b",
                    "rationale": "c",
                    "changedAt": "2026-01-01T00:00:00Z",
                    "reviewBy": "2099-01-01T00:00:00Z",
                },
                "rollout": {"canaryPercent": 10, "pause": {"manual": False}},
            },
        },
    }
    doc.update(changes)
    return json.dumps(doc).encode()


REGISTRY_SPECIFIC: dict[str, BadWriter] = {
    "loops-not-array": _bytes(_registry_doc(loops="loop-a")),
    "loops-empty": _bytes(_registry_doc(loops=[])),
    "schema-version-v2": _bytes(_registry_doc(schemaVersion="v2")),
    "canary-huge": _bytes(
        _registry_doc().replace(b'"canaryPercent": 10', b'"canaryPercent": 1000000000000000000000000000000')
    ),
    "canary-string": _bytes(_registry_doc().replace(b'"canaryPercent": 10', b'"canaryPercent": "10"')),
    "canary-float": _bytes(_registry_doc().replace(b'"canaryPercent": 10', b'"canaryPercent": 10.5')),
    "manual-pause-string": _bytes(_registry_doc().replace(b'"manual": false', b'"manual": "false"')),
    "policy-not-object": _bytes(_registry_doc(policy="guarded_auto")),
    "fleet-id-empty": _bytes(_registry_doc(fleetId="")),
    "duplicate-loop-ids": _bytes(_registry_doc(loops=[{"loopId": "loop-a"}, {"loopId": "loop-a"}])),
    "unknown-top-level-key": _bytes(_registry_doc(extra=True)),
}

PROMOTION_STATE_SPECIFIC: dict[str, BadWriter] = {
    "decision-number": _bytes(b'{"summary": {"decision": 7}}'),
    "summary-not-object": _bytes(b'{"summary": "promote"}'),
    "decision-missing": _bytes(b'{"summary": {}}'),
}


def _hashes(paths: list[Path]) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in paths:
        if path.is_symlink() and not path.exists():
            out[str(path)] = "symlink:" + os.readlink(path)
        elif path.is_dir():
            out.update({f"{path}/{k}": v for k, v in tree_hashes(path).items()})
        elif path.exists():
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _error_or_hold(result: Result) -> str:
    assert "Traceback" not in result.stderr
    if result.code == 1:
        assert_one_line_error(result)
        return "error"
    assert result.code == 0, result.stderr
    assert result.json()["summary"]["decision"] == "hold"
    return "hold"


def _cases(specific: dict[str, BadWriter]) -> list[object]:
    return [pytest.param(name, write, id=name) for name, write in sorted({**COMMON, **specific}.items())]


@pytest.mark.parametrize(("case", "write"), _cases(STATUS_SPECIFIC))
def test_bad_fleet_status_file(case: str, write: BadWriter, cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    write(evidence.status)
    before = _hashes([evidence.status, evidence.handoff, evidence.drills])
    result = cli("gates", "--repo", str(empty_repo.repo), *evidence.args())
    outcome = _error_or_hold(result)
    if outcome == "hold":
        assert result.json()["summary"]["failedGates"], case
    assert _hashes([evidence.status, evidence.handoff, evidence.drills]) == before


@pytest.mark.parametrize(("case", "write"), _cases(HANDOFF_SPECIFIC))
def test_bad_handoff_telemetry(case: str, write: BadWriter, cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    write(evidence.handoff)
    before = _hashes([evidence.status, evidence.handoff, evidence.drills])
    result = cli("gates", "--repo", str(empty_repo.repo), *evidence.args())
    assert _error_or_hold(result) == "hold", "telemetry problems fail the reliability gate closed"
    assert "outcome_reliability" in result.json()["summary"]["failedGates"]
    assert _hashes([evidence.status, evidence.handoff, evidence.drills]) == before


@pytest.mark.parametrize(("case", "write"), _cases(DRILL_SPECIFIC))
def test_bad_drill_state(case: str, write: BadWriter, cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    write(evidence.drills)
    before = _hashes([evidence.status, evidence.handoff, evidence.drills])
    result = cli("gates", "--repo", str(empty_repo.repo), *evidence.args())
    assert _error_or_hold(result) == "hold", "drill problems fail the drill gate closed"
    assert result.json()["summary"]["failedGates"] == ["drill_recency"]
    assert _hashes([evidence.status, evidence.handoff, evidence.drills]) == before


@pytest.mark.parametrize(("case", "write"), _cases(REGISTRY_SPECIFIC))
def test_bad_registry_refuses_apply(case: str, write: BadWriter, cli: Runner, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    fleet = Fleet(repo)
    write_registry_guarded_auto(repo, 10, False)
    write_promotion_state(repo, "promote")
    write(fleet.registry)
    before = tree_hashes(repo)
    for intent in ("expand", "rollback"):
        result = cli(*apply_args(repo, intent=intent))
        assert_one_line_error(result)
    assert cli("registry", "--repo", str(repo)).code == 1
    assert tree_hashes(repo) == before


@pytest.mark.parametrize(("case", "write"), _cases(PROMOTION_STATE_SPECIFIC))
def test_bad_promotion_state_refuses_apply(case: str, write: BadWriter, cli: Runner, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    fleet = Fleet(repo)
    write_registry_guarded_auto(repo, 10, False)
    write_promotion_state(repo, "promote")
    write(fleet.promotion_state)
    before = tree_hashes(repo)
    result = cli(*apply_args(repo))
    assert_one_line_error(result)
    assert tree_hashes(repo) == before


def _thresholds(flag: str, value: str) -> list[str]:
    return [flag, value]


FLAG_CASES: list[tuple[str, list[str], str]] = [
    ("gates-unknown-flag", ["gates", "--bogus"], "unrecognized argument --bogus"),
    ("gates-missing-value", ["gates", "--max-failure-rate"], "--max-failure-rate needs a value"),
    ("gates-rate-above-one", ["gates", "--max-failure-rate", "1.5"], "--max-failure-rate"),
    ("gates-rate-nan", ["gates", "--max-ambiguity-rate", "nan"], "--max-ambiguity-rate"),
    ("gates-rate-negative", ["gates", "--max-ambiguity-rate", "-0.1"], "--max-ambiguity-rate"),
    ("gates-window-zero", ["gates", "--window-executions", "0"], "--window-executions"),
    ("gates-window-huge", ["gates", "--window-executions", "9" * 40], "--window-executions"),
    ("gates-sample-float", ["gates", "--min-sample-size", "2.5"], "--min-sample-size"),
    ("gates-backlog-negative", ["gates", "--max-manual-backlog", "-1"], "--max-manual-backlog"),
    ("gates-drill-age-text", ["gates", "--max-drill-age-hours", "week"], "--max-drill-age-hours"),
    ("ci-rate-infinity", ["ci", "--max-failure-rate", "Infinity"], "--max-failure-rate"),
    ("ci-unknown-flag", ["ci", "--skip-missing"], "unrecognized argument --skip-missing"),
    ("apply-intent-unknown", ["apply", "--intent", "explode", *GOVERNANCE_ARGS], "--intent"),
    ("apply-step-zero", ["apply", "--intent", "expand", "--expand-step", "0", *GOVERNANCE_ARGS], "--expand-step"),
    ("apply-step-101", ["apply", "--intent", "expand", "--expand-step", "101", *GOVERNANCE_ARGS], "--expand-step"),
    ("apply-step-text", ["apply", "--intent", "expand", "--expand-step", "ten", *GOVERNANCE_ARGS], "--expand-step"),
    (
        "apply-review-by-garbage",
        [
            "apply",
            "--intent",
            "rollback",
            "--by",
            "a",
            "--approval-ref",
            "b",
            "--rationale",
            "c",
            "--review-by",
            "soon",
        ],
        "--review-by",
    ),
    (
        "apply-review-by-past",
        [
            "apply",
            "--intent",
            "rollback",
            "--by",
            "a",
            "--approval-ref",
            "b",
            "--rationale",
            "c",
            "--review-by",
            "2000-01-01T00:00:00Z",
        ],
        "--review-by",
    ),
    ("orchestrate-mode-unknown", ["orchestrate", "--mode", "sideways"], "--mode"),
    ("orchestrate-mode-missing", ["orchestrate"], "--mode"),
    ("orchestrate-apply-intent-rollback", ["orchestrate", "--mode", "apply", "--apply-intent", "rollback"], "intent"),
    (
        "orchestrate-threshold-before-anything",
        ["orchestrate", "--mode", "apply", "--max-failure-rate", "2", *GOVERNANCE_ARGS],
        "--max-failure-rate",
    ),
    (
        "orchestrate-step-before-anything",
        ["orchestrate", "--mode", "apply", "--expand-step", "500", *GOVERNANCE_ARGS],
        "--expand-step",
    ),
    ("no-command", [], "command"),
    ("unknown-command", ["promote-everything"], 'unknown command "promote-everything"'),
]


@pytest.mark.parametrize(("case", "argv", "needle"), FLAG_CASES, ids=[c[0] for c in FLAG_CASES])
def test_bad_cli_flags(case: str, argv: list[str], needle: str, cli: Runner, fleet: Fleet) -> None:
    before = tree_hashes(fleet.repo)
    full = [*argv[:1], "--repo", str(fleet.repo), *argv[1:]] if argv and argv[0] != "promote-everything" else argv
    result = cli(*full)
    line = assert_one_line_error(result)
    assert needle in line, line
    assert tree_hashes(fleet.repo) == before, "nothing is written when the command line is refused"


@pytest.mark.parametrize("command", ["gates", "ci", "apply", "orchestrate", "registry", "status"])
def test_missing_repo_directory_is_a_one_line_error(command: str, cli: Runner, tmp_path: Path) -> None:
    extra = {"apply": ["--intent", "rollback", *GOVERNANCE_ARGS], "orchestrate": ["--mode", "dry_run"]}
    result = cli(command, "--repo", str(tmp_path / "no-such-repo"), *extra.get(command, []))
    assert_one_line_error(result)
    assert not (tmp_path / "no-such-repo").exists()


def test_gates_on_handoff_directory_holds(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    """A directory where the handoff file should be is reported as unreadable evidence."""
    _directory(evidence.handoff)
    result = cli("gates", "--repo", str(empty_repo.repo), *evidence.args())
    payload = result.json()
    assert payload["summary"]["decision"] == "hold"
    assert "promotion_handoff_telemetry_invalid" in payload["summary"]["reasonCodes"]
    assert any(e["file"] == str(evidence.handoff) for e in payload["evidenceErrors"])


def test_clean_inputs_still_promote(cli: Runner, empty_repo: Fleet, evidence: Evidence) -> None:
    """The control row: the same fixtures without damage promote, so the holds above are real."""
    write_status(evidence.status)
    write_handoff(evidence.handoff, 20)
    write_drills(evidence.drills)
    assert cli("gates", "--repo", str(empty_repo.repo), *evidence.args()).json()["summary"]["decision"] == "promote"
