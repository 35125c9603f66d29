"""Benchmark: ``gates`` over handoff telemetry holding one enormous line.

Issue 9: "one enormous telemetry line costs time quadratic in its length and about five times its
size in memory, then promotes". The file is 20 clean runs, then one line of ``--sizes`` MB (a run
whose ``padding`` string fills it), then 20 clean runs again. For each size the wall time, the CPU
time, the peak RSS of ``gates`` and its decision are reported (median of ``--runs``); time should
grow linearly with the line and the peak RSS stay flat. The files are written to a temporary
directory (under ``--data-dir`` if given) and deleted at the end.

    python bench/long_line.py [--sizes 50 200] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import Measured, load, machine, measure
from gates_large import STATUS


def clean_run(stamp: str) -> bytes:
    execution = {"mode": "autonomous", "requestedIntentCount": 2, "executedCount": 2}
    record = {"timestamp": stamp, "category": "fleet_handoff_execute", "execution": execution}
    return json.dumps(record, separators=(",", ":")).encode() + b"\n"


def write(path: Path, megabytes: int) -> None:
    stamp = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    head = b'{"timestamp":"' + stamp.encode() + b'","category":"fleet_handoff_execute","padding":"'
    tail = b'","execution":{"mode":"autonomous","requestedIntentCount":1,"executedCount":0,"failedCount":1}}\n'
    piece = b"x" * (1 << 20)
    with path.open("wb") as handle:
        handle.write(clean_run(stamp) * 20 + head)
        for _ in range(megabytes * 1_000_000 // len(piece)):
            handle.write(piece)
        handle.write(b"x" * (megabytes * 1_000_000 % len(piece)) + tail + clean_run(stamp) * 20)


def decision(command: list[str]) -> str:
    out = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    payload = json.loads(out)
    errors = [e["message"] for e in payload.get("evidenceErrors", [])]
    return f"{payload['summary']['decision']} {errors[:1]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200], help="line lengths in MB")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    print(f"machine: {machine()}; python {sys.version.split()[0]}; {load()}", flush=True)
    print("| line | file | `gates` wall | CPU | peak RSS | decision |\n| --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory(dir=args.data_dir) as tmp:
        repo = Path(tmp)
        (repo / "status.json").write_text(json.dumps(STATUS))
        data = repo / "handoff.jsonl"
        gates = [sys.executable, "-m", "orchestrator", "gates", "--repo", str(repo)]
        gates += ["--fleet-status-file", str(repo / "status.json"), "--handoff-telemetry-file", str(data)]
        gates += ["--promotion-state-file", str(repo / "s.json"), "--promotion-telemetry-file", str(repo / "t.jsonl")]
        for size in args.sizes:
            write(data, size)
            runs: list[Measured] = [measure(gates) for _ in range(args.runs)]
            wall = statistics.median(r.wall for r in runs)
            cpu = statistics.median(r.cpu for r in runs)
            peak = max(r.peak_kib for r in runs) / 1024
            print(
                f"| {size} MB | {data.stat().st_size / 1e6:.0f} MB | {wall:.2f} s | {cpu:.2f} s | {peak:.1f} MiB "
                f"| {decision(gates)} |",
                flush=True,
            )
            data.unlink()
    print(f"\nafter: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
