"""Benchmark: ``gates`` over very large handoff telemetry against ``jq -c .execution.failedCount``.

Goal (issue: promotion engine): wall time at most 0.35x jq's on the same file, peak RSS at most
64 MiB, for 1,000,000 records (~240 MB); 10,000,000 is reported too. Runs are interleaved
(jq, ours, jq, ours, ...) so both see the same machine load; the median is reported.

    python bench/gates_large.py [--records 1000000 10000000] [--runs 5]
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
STATUS = {
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench/data")
    args = parser.parse_args()
    jq = shutil.which("jq")
    if jq is None:
        print("error: jq is required for the comparison (apt-get install jq)", file=sys.stderr)
        return 1
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        status_file = repo / "status.json"
        status_file.write_text(json.dumps(STATUS))
        for records in args.records:
            data = args.data_dir / f"handoff-{records}.jsonl"
            if not data.exists():
                subprocess.run(
                    [sys.executable, str(ROOT / "bench/make_handoff.py"), str(data), str(records)], check=True
                )
            ours_cmd = [
                sys.executable,
                "-m",
                "orchestrator",
                "gates",
                "--repo",
                str(repo),
                "--fleet-status-file",
                str(status_file),
                "--handoff-telemetry-file",
                str(data),
                "--promotion-state-file",
                str(repo / "state.json"),
                "--promotion-telemetry-file",
                str(repo / "t.jsonl"),
            ]
            jq_cmd = [jq, "-c", ".execution.failedCount", str(data)]
            runs = args.runs if records <= 1_000_000 else max(1, args.runs // 3)
            jq_walls, our_walls, jq_peak, our_peak = [], [], 0, 0
            for _ in range(runs):
                wall, peak, code = run_once(jq_cmd)
                assert code == 0, "jq failed"
                jq_walls.append(wall)
                jq_peak = max(jq_peak, peak)
                wall, peak, code = run_once(ours_cmd)
                assert code == 0, "gates failed"
                our_walls.append(wall)
                our_peak = max(our_peak, peak)
            jq_med, our_med = statistics.median(jq_walls), statistics.median(our_walls)
            size_mb = data.stat().st_size / 1e6
            print(
                f"records={records:,} size={size_mb:.0f}MB runs={runs} "
                f"jq={jq_med:.3f}s gates={our_med:.3f}s ratio={our_med / jq_med:.3f} "
                f"gates_peak_rss={our_peak / 1024:.1f}MiB jq_peak_rss={jq_peak / 1024:.1f}MiB"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
