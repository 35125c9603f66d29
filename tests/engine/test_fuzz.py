"""Bounded fuzzing of the command line and of every file the engine reads.

Whatever the arguments or the bytes of an evidence file, the registry or the journal, a run ends
in an exit code with at most one ``error:`` line and never the last guard's "internal error": the
inside does not lean on that guard. A refusal changes no file, and evidence that could not be
read never promotes. Each test runs a bounded number of examples (``PROMOTION_ROLLOUT_FUZZ_EXAMPLES``,
default 40), so a bounded fuzz run is part of every ``.ci/run``; raise it for a longer campaign.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator.cli import main
from orchestrator.store.layout import FleetLayout
from tests.engine.engine_support import (
    EXAMPLE_FLEET,
    GOVERNANCE_ARGS,
    Fleet,
    Result,
    refresh_drills,
    tree_hashes,
)

FUZZ = settings(
    max_examples=int(os.environ.get("PROMOTION_ROLLOUT_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FLAGS = {
    "gates": [
        "--fleet-status-file",
        "--handoff-telemetry-file",
        "--drill-state-file",
        "--window-executions",
        "--min-sample-size",
        "--max-ambiguity-rate",
        "--max-failure-rate",
        "--max-manual-backlog",
        "--max-drill-age-hours",
        "--trace-id",
        "--fail-on-hold",
        "--pretty",
    ],
    "ci": ["--summary-file", "--result-file", "--skip-on-missing-evidence", "--fail-on-hold", "--window-executions"],
    "apply": [
        "--intent",
        "--expand-step",
        "--idempotency-key",
        "--by",
        "--approval-ref",
        "--rationale",
        "--review-by",
        "--evidence-ref",
        "--loop-id",
        "--registry-file",
    ],
    "orchestrate": [
        "--mode",
        "--apply-intent",
        "--expand-step",
        "--by",
        "--approval-ref",
        "--rationale",
        "--review-by",
        "--persist",
        "--fail-on-hold",
        "--max-failure-rate",
    ],
    "registry": ["--loop", "--registry-file", "--pretty"],
    "status": ["--now", "--policy-state-file", "--pretty"],
}

VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "-1",
            "0",
            "1",
            "25",
            "101",
            "1e3",
            "0.5",
            "nan",
            "expand",
            "rollback",
            "dry_run",
            "apply",
            "2099-01-01T00:00:00Z",
            "2000-01-01T00:00:00Z",
            "9999-12-31T23:59:59+14:00",
            "--",
            "-x",
            "9" * 5000,
            "a\nCo-authored-by: x",
            "../../etc/passwd",
            "/dev/zero",
        ]
    ),
    st.text(alphabet=string.printable + "é\u2028", max_size=30),
)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str], cwd: Path) -> Result:
    """One in-process run from ``cwd``, so relative output paths land in the test's own folder."""
    capsys.readouterr()
    try:
        with contextlib.chdir(cwd):
            code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return Result(code, out, err)


def _assert_contract(result: Result) -> None:
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr, result.stderr
    assert result.code in (0, 1, 2), result
    assert len(result.error_lines) <= 1, result.stderr
    if result.code == 1:
        assert len(result.error_lines) == 1, result.stderr


def _fleet(root: Path) -> Fleet:
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(EXAMPLE_FLEET, root)
    refresh_drills(root)
    return Fleet(root)


@pytest.fixture
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(command=st.sampled_from(sorted(FLAGS)), data=st.data())
def test_any_arguments_end_in_an_exit_code_and_one_line(
    command: str, data: st.DataObject, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fleet = _fleet(workspace / "repo")
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(FLAGS[command]), VALUES), max_size=5))
    argv = [command, "--repo", str(fleet.repo)]
    for flag, value in pairs:
        argv += [flag] if flag in ("--fail-on-hold", "--pretty", "--skip-on-missing-evidence") else [flag, value]
    before = tree_hashes(fleet.repo)

    result = _run(argv, capsys, workspace)

    _assert_contract(result)
    if result.code == 1 and command in ("apply", "registry", "status"):
        assert tree_hashes(fleet.repo) == before


def _json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        st.text(max_size=12),
        st.sampled_from(["promote", "pass", "fail", "autonomous", "2026-01-01T00:00:00Z"]),
    )
    keys = st.sampled_from(
        [
            "autonomous",
            "execution",
            "mode",
            "category",
            "failedCount",
            "requestedIntentCount",
            "drills",
            "id",
            "status",
            "completedAt",
            "policy",
            "loops",
            "schemaVersion",
            "x",
        ]
    )
    return st.recursive(
        scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5), max_leaves=20
    )


FILE_BYTES = st.one_of(
    st.binary(max_size=300),
    _json_values().map(lambda value: json.dumps(value).encode()),
    st.lists(_json_values(), max_size=6).map(lambda rows: "\n".join(json.dumps(r) for r in rows).encode()),
    st.sampled_from([b"[" * 600 + b"]" * 600, b'{"a":' * 600 + b"1" + b"}" * 600, b"9" * 5000, b"\xff\xfe{}"]),
)


def _evidence_target(fleet: Fleet, which: str) -> Path:
    return {
        "handoff": fleet.handoff,
        "drills": fleet.drills,
        "state": fleet.dir / "state.json",
        "policy": fleet.dir / "policy-state.json",
    }[which]


@FUZZ
@given(which=st.sampled_from(["handoff", "drills", "state", "policy"]), content=FILE_BYTES)
def test_any_evidence_bytes_hold_or_refuse_and_never_promote_unread(
    which: str, content: bytes, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fleet = _fleet(workspace / "repo")
    _evidence_target(fleet, which).write_bytes(content)

    result = _run(["gates", "--repo", str(fleet.repo)], capsys, workspace)

    _assert_contract(result)
    if result.code == 0:
        state = result.json()
        if state["evidenceErrors"]:
            assert state["summary"]["decision"] == "hold"


@FUZZ
@given(which=st.sampled_from(["registry", "journal", "apply-log"]), content=FILE_BYTES)
def test_any_registry_journal_or_log_bytes_refuse_without_a_change(
    which: str, content: bytes, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fleet = _fleet(workspace / "repo")
    assert _run(["gates", "--repo", str(fleet.repo)], capsys, workspace).code == 0
    layout = FleetLayout.resolve(str(fleet.repo))
    target: Callable[[], Path] = {
        "registry": lambda: layout.registry,
        "journal": lambda: layout.journal,
        "apply-log": lambda: layout.apply_telemetry,
    }[which]
    target().parent.mkdir(parents=True, exist_ok=True)
    target().write_bytes(content)
    before = tree_hashes(fleet.repo)

    result = _run(["apply", "--repo", str(fleet.repo), "--intent", "expand", *GOVERNANCE_ARGS], capsys, workspace)

    _assert_contract(result)
    if result.code != 0:
        assert tree_hashes(fleet.repo) == before


EDGE_VALUES = [
    "",
    "-1",
    "0",
    "1e3",
    "nan",
    "inf",
    "9" * 5000,
    "0" * 5000 + "1",
    " 5",
    "5 ",
    "\uff11\uff10",
    "a\nb",
    "\u2028",
    "-",
]


@pytest.mark.parametrize(
    ("command", "flag"), [(command, flag) for command, flags in sorted(FLAGS.items()) for flag in flags]
)
def test_every_flag_takes_every_edge_value_without_a_bug(
    command: str, flag: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The exhaustive complement of the random search: each flag, each value that broke a parser once."""
    fleet = _fleet(tmp_path / "repo")
    for value in EDGE_VALUES:
        argv = [command, "--repo", str(fleet.repo), f"{flag}={value}"]
        if command in ("apply", "orchestrate") and flag not in GOVERNANCE_ARGS:
            argv += ["--mode", "dry_run"] if command == "orchestrate" and flag != "--mode" else []
        _assert_contract(_run(argv, capsys, tmp_path))


@pytest.mark.parametrize("command", sorted(FLAGS))
def test_any_repo_path_is_one_line(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for value in [*EDGE_VALUES, "/dev/null", "/proc/self", "x" * 300 + "/" + "y" * 300]:
        _assert_contract(_run([command, "--repo", value], capsys, tmp_path))
