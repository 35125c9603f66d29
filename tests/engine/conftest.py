"""Fixtures for the engine suite: fresh fleets, evidence files and the in-process CLI runner.

The in-process runner is fast and lets an unexpected exception fail the test loudly; the
subprocess runner (``engine_support.run_engine``) is for tests that kill or race real processes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator.cli import main
from tests.engine.engine_support import (
    FLEET_REL,
    Evidence,
    Fleet,
    Result,
    Runner,
    copy_example_fleet,
    write_drills,
    write_handoff,
    write_status,
)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never write to a real step summary nor inherit a trace id."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("OPS_MANAGER_TRACE_ID", raising=False)


@pytest.fixture
def fleet(tmp_path: Path) -> Fleet:
    """A fresh copy of examples/fleet whose drill evidence is current, so it promotes."""
    return copy_example_fleet(tmp_path / "repo")


@pytest.fixture
def empty_repo(tmp_path: Path) -> Fleet:
    repo = tmp_path / "empty-repo"
    (repo / FLEET_REL).mkdir(parents=True)
    return Fleet(repo)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Runner:
    """Run ``orchestrator.cli.main`` in process; argparse exits become exit codes, and an
    internal error (the last guard's message) fails the test loudly."""

    def run(*argv: str) -> Result:
        capsys.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        assert "error: internal error" not in err, f"the CLI hit a bug on {argv}: {err}"
        return Result(code, out, err)

    return run


@pytest.fixture
def evidence(tmp_path: Path) -> Evidence:
    """Passing evidence: active governance, 20 clean runs, fresh passing drills."""
    folder = tmp_path / "evidence"
    return Evidence(
        status=write_status(folder / "status.json"),
        handoff=write_handoff(folder / "handoff.jsonl", 20),
        drills=write_drills(folder / "drills.json"),
    )
