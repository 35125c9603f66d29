"""Benchmark: ``orchestrate --mode dry_run`` on 600 handoff records, ours against the reference script.

Goal (issue: promotion engine): at most 0.5x the wall time of the reference's
``scripts/ops-manager-promotion-orchestrate.sh`` on the same inputs, measured side by side. The
reference is not part of this repository: pass a checkout of Supergent/superloop with
``--reference`` (it needs bash and jq). Both read the same copy of the example fleet; runs are
interleaved and each side gets its own copy so neither sees the other's outputs.

    python bench/dry_run_vs_reference.py --reference /path/to/superloop [--runs 5] [--with-status-file]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import machine, run_once

ROOT = Path(__file__).resolve().parent.parent
FLEET = Path(".superloop/ops-manager/fleet")


def prepare(repo: Path, records: int) -> None:
    """The example fleet with fresh drills and ``records`` handoff records of ~200 bytes.

    The reference passes the whole history to jq as one argument, capped at 128 KiB, so records
    are kept the size the team lead measured (600 records, ~120 KiB).
    """
    shutil.copytree(ROOT / "examples/fleet", repo)
    subprocess.run(
        [sys.executable, str(ROOT / "examples/tools/make_evidence.py"), str(repo), "--drills-only"], check=True
    )
    lines = []
    for i in range(records):
        failed = 1 if i % 40 == 0 else 0
        lines.append(
            json.dumps(
                {
                    "timestamp": f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
                    "category": "fleet_handoff_execute",
                    "loopId": f"loop-{i % 3}",
                    "execution": {
                        "mode": "autonomous",
                        "requestedIntentCount": 2,
                        "executedCount": 2 - failed,
                        "ambiguousCount": 0,
                        "failedCount": failed,
                    },
                },
                separators=(",", ":"),
            )
        )
    (repo / FLEET / "telemetry/handoff.jsonl").write_text("\n".join(lines) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", type=Path, required=True, help="checkout of Supergent/superloop")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--records", type=int, default=600)
    parser.add_argument("--with-status-file", action="store_true", help="give both a precomputed fleet status")
    args = parser.parse_args()
    script = args.reference / "scripts/ops-manager-promotion-orchestrate.sh"
    if not script.exists():
        print(f"error: reference script not found: {script}", file=sys.stderr)
        return 1
    print(f"machine: {machine()}")
    # Byte-compile the package once, as an installed wheel or the action image has it: with
    # PYTHONDONTWRITEBYTECODE set (as on the CI machines) every run would otherwise compile it again.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "orchestrator")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        ours_repo, ref_repo = Path(tmp) / "ours", Path(tmp) / "ref"
        prepare(ours_repo, args.records)
        prepare(ref_repo, args.records)
        handoff = ours_repo / FLEET / "telemetry/handoff.jsonl"
        records = sum(1 for _ in handoff.open())
        print(f"handoff telemetry: {records} records, {handoff.stat().st_size / 1024:.0f} KiB")
        extra_ours: list[str] = []
        extra_ref: list[str] = []
        if args.with_status_file:
            status = subprocess.run(
                [sys.executable, "-m", "orchestrator", "status", "--repo", str(ours_repo)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            status_file = Path(tmp) / "status.json"
            status_file.write_text(status)
            extra_ours = extra_ref = ["--fleet-status-file", str(status_file)]
        ours = [
            sys.executable,
            "-m",
            "orchestrator",
            "orchestrate",
            "--repo",
            str(ours_repo),
            "--mode",
            "dry_run",
            *extra_ours,
        ]
        ref = ["bash", str(script), "--repo", str(ref_repo), "--mode", "dry_run", *extra_ref]
        ours_walls, ref_walls = [], []
        for _ in range(args.runs):
            wall, _peak, code = run_once(ref)
            assert code == 0, f"reference failed ({code})"
            ref_walls.append(wall)
            wall, _peak, code = run_once(ours)
            assert code == 0, f"ours failed ({code})"
            ours_walls.append(wall)
        ours_result = json.loads((ours_repo / FLEET / "promotion-orchestrate-result.json").read_text())
        ref_result = json.loads((ref_repo / FLEET / "promotion-orchestrate-result.json").read_text())
        ours_med, ref_med = statistics.median(ours_walls), statistics.median(ref_walls)
        print(
            f"records={records} runs={args.runs} status_file={args.with_status_file} "
            f"reference={ref_med:.3f}s ours={ours_med:.3f}s ratio={ours_med / ref_med:.3f} "
            f"decision ours={ours_result['decision']} reference={ref_result['decision']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
