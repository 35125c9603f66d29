"""Benchmark: ``gates`` over very large handoff telemetry against ``jq -c .execution.failedCount``.

Goal (issue: promotion engine): for 1,000,000 records, wall time at most 0.35x jq's on the same
file (median of 3 interleaved pairs) and peak RSS at most 64 MiB. The ratio depends on the record
size (jq's cost grows with the bytes, ours mostly with the records), so both sizes of
``make_handoff.py`` are measured: ``small`` (~203 bytes) and ``large`` (~242 bytes).

Runs are interleaved (jq, gates, jq, gates, ...) so both sides see the same machine load. For
each side the median wall time, the median CPU time (user + system, which a busy machine disturbs
far less than wall time) and the largest peak RSS are reported, with the ratio of the medians and
the median of the per-pair ratios. The data files are written to a temporary directory (under
``--data-dir`` if given) and deleted at the end.

    python bench/gates_large.py [--records 1000000 ...] [--sizes small large] [--pairs 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_handoff
from _timing import Measured, load, machine, measure

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


@dataclass(frozen=True)
class Comparison:
    records: int
    size: str
    file_bytes: int
    jq: list[Measured]
    gates: list[Measured]

    @staticmethod
    def _median(runs: list[Measured], what: str) -> float:
        return statistics.median(float(getattr(run, what)) for run in runs)

    def row(self) -> str:
        jq_wall, gates_wall = self._median(self.jq, "wall"), self._median(self.gates, "wall")
        jq_cpu, gates_cpu = self._median(self.jq, "cpu"), self._median(self.gates, "cpu")
        pair_ratios = statistics.median(g.wall / j.wall for j, g in zip(self.jq, self.gates, strict=True))
        peak = max(run.peak_kib for run in self.gates) / 1024
        return (
            f"| {self.records:,} | {self.size} ({self.file_bytes / self.records:.0f} B) "
            f"| {self.file_bytes / 1e6:.0f} MB | {jq_wall:.3f} s | {gates_wall:.3f} s "
            f"| **{gates_wall / jq_wall:.2f}** (pairs {pair_ratios:.2f}) "
            f"| {jq_cpu:.2f} s / {gates_cpu:.2f} s = {gates_cpu / jq_cpu:.2f} | {peak:.1f} MiB |"
        )


HEADER = (
    "| records | record size | file | jq wall | `gates` wall | wall ratio (goal ≤ 0.35) "
    "| CPU jq / `gates` | `gates` peak RSS (goal ≤ 64 MiB) |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- |"
)


def compare(jq: str, data: Path, records: int, size: str, pairs: int, repo: Path) -> Comparison:
    make_handoff.write(data, records, size)
    status_file = repo / "status.json"
    status_file.write_text(json.dumps(STATUS))
    gates = [sys.executable, "-m", "orchestrator", "gates", "--repo", str(repo)]
    gates += ["--fleet-status-file", str(status_file), "--handoff-telemetry-file", str(data)]
    gates += ["--promotion-state-file", str(repo / "state.json"), "--promotion-telemetry-file", str(repo / "t.jsonl")]
    jq_runs, gates_runs = [], []
    for _ in range(pairs):
        jq_run, gates_run = measure([jq, "-c", ".execution.failedCount", str(data)]), measure(gates)
        assert jq_run.code == 0, "jq failed"
        assert gates_run.code == 0, f"gates failed with exit status {gates_run.code}"
        jq_runs.append(jq_run)
        gates_runs.append(gates_run)
    comparison = Comparison(records, size, data.stat().st_size, jq_runs, gates_runs)
    data.unlink()
    return comparison


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--sizes", nargs="+", choices=make_handoff.SIZES, default=list(make_handoff.SIZES))
    parser.add_argument("--pairs", type=int, default=3, help="interleaved (jq, gates) pairs per file")
    parser.add_argument("--data-dir", type=Path, default=None, help="where the temporary files go (default: TMPDIR)")
    args = parser.parse_args()
    jq = shutil.which("jq")
    if jq is None:
        print("error: jq is required for the comparison (apt-get install jq)", file=sys.stderr)
        return 1
    print(f"machine: {machine()}; python {sys.version.split()[0]}; {load()}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(dir=args.data_dir) as tmp:
        for records in args.records:
            for size in args.sizes:
                comparison = compare(jq, Path(tmp) / "handoff.jsonl", records, size, args.pairs, Path(tmp))
                rows.append(comparison.row())
                print(rows[-1], flush=True)
    print(f"\nafter: {load()}\n\n{HEADER}")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
