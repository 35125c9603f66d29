"""Fleet files are repository content: links are never followed, only regular files are read, reads are bounded.

Each case plants what a hostile commit could plant and checks that the engine refuses with one
``error:`` line (or holds, for evidence), that nothing outside the repository is read into an
output or written, and that nothing hangs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.engine.engine_support import (
    FLEET_REL,
    GOVERNANCE_ARGS,
    Fleet,
    Runner,
    assert_one_line_error,
    copy_example_fleet,
    run_engine,
)


def _outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    secret = folder / "secret.txt"
    secret.write_text("GITHUB_TOKEN=ghs_not_for_the_artifact\n")
    return secret


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_symlinked_fleet_folder_is_refused_and_nothing_is_written_through_it(tmp_path: Path, cli: Runner) -> None:
    elsewhere = copy_example_fleet(tmp_path / "elsewhere")
    before = _snapshot(elsewhere.dir)
    repo = tmp_path / "repo"
    (repo / FLEET_REL).parent.mkdir(parents=True)
    (repo / FLEET_REL).symlink_to(elsewhere.dir)

    result = cli("orchestrate", "--repo", str(repo), "--mode", "dry_run")

    line = assert_one_line_error(result, contains="symbolic link")
    assert "fleet" in line
    assert _snapshot(elsewhere.dir) == before


def test_a_summary_file_linked_outside_is_not_written_nor_read(tmp_path: Path, cli: Runner, fleet: Fleet) -> None:
    secret = _outside(tmp_path)
    fleet.ci_summary.symlink_to(secret)

    result = cli("ci", "--repo", str(fleet.repo))

    assert_one_line_error(result, contains="symbolic link")
    assert secret.read_text() == "GITHUB_TOKEN=ghs_not_for_the_artifact\n"
    assert "ghs_not_for_the_artifact" not in result.stdout


def test_a_linked_registry_is_refused_before_any_write(tmp_path: Path, cli: Runner, fleet: Fleet) -> None:
    real = tmp_path / "real-registry.json"
    real.write_bytes(fleet.registry.read_bytes())
    fleet.registry.unlink()
    fleet.registry.symlink_to(real)
    before = real.read_bytes()

    result = cli("apply", "--repo", str(fleet.repo), "--intent", "rollback", *GOVERNANCE_ARGS)

    assert_one_line_error(result, contains="symbolic link")
    assert real.read_bytes() == before
    assert not fleet.apply_telemetry.exists()


def test_a_linked_apply_log_stops_the_apply_before_the_registry_changes(
    tmp_path: Path, cli: Runner, fleet: Fleet
) -> None:
    secret = _outside(tmp_path)
    fleet.apply_telemetry.parent.mkdir(parents=True, exist_ok=True)
    fleet.apply_telemetry.symlink_to(secret)
    assert cli("gates", "--repo", str(fleet.repo)).code == 0
    registry = fleet.registry.read_bytes()

    result = cli("apply", "--repo", str(fleet.repo), "--intent", "expand", *GOVERNANCE_ARGS)

    assert_one_line_error(result, contains="symbolic link")
    assert fleet.registry.read_bytes() == registry
    assert secret.read_text() == "GITHUB_TOKEN=ghs_not_for_the_artifact\n"


def test_a_fifo_as_handoff_telemetry_holds_instead_of_hanging(fleet: Fleet) -> None:
    fleet.handoff.unlink()
    os.mkfifo(fleet.handoff)

    result = run_engine(["gates", "--repo", str(fleet.repo)], timeout=30)

    assert result.code == 0, result.stderr
    state = result.json()
    assert state["summary"]["decision"] == "hold"
    assert "promotion_handoff_telemetry_invalid" in state["summary"]["reasonCodes"]
    assert any("not a regular file" in error["message"] for error in state["evidenceErrors"])


def test_a_device_as_evidence_is_not_read(fleet: Fleet) -> None:
    result = run_engine(["gates", "--repo", str(fleet.repo), "--handoff-telemetry-file", "/dev/zero"], timeout=30)

    assert result.code == 0, result.stderr
    state = result.json()
    assert state["summary"]["decision"] == "hold"
    assert any("not a regular file" in error["message"] for error in state["evidenceErrors"])


def test_an_oversized_document_is_refused_with_its_limit(fleet: Fleet, cli: Runner) -> None:
    with fleet.registry.open("r+b") as handle:
        handle.truncate(65 << 20)

    result = cli("registry", "--repo", str(fleet.repo))

    assert_one_line_error(result, contains="larger than")


def test_a_linked_drill_state_fails_the_drill_gate(tmp_path: Path, cli: Runner, fleet: Fleet) -> None:
    real = tmp_path / "drills.json"
    real.write_bytes(fleet.drills.read_bytes())
    fleet.drills.unlink()
    fleet.drills.symlink_to(real)

    result = cli("gates", "--repo", str(fleet.repo))

    assert result.code == 0, result.stderr
    state = json.loads(result.stdout)
    assert "drill_recency" in state["summary"]["failedGates"]
