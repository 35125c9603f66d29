"""Write a handoff telemetry JSONL of N records for the benchmarks.

``--size large`` (default) writes records of ~242 bytes (timestamp, category, loop id, a 29-char
trace id, execution); ``--size small`` drops the loop id and shortens the trace id, ~203 bytes.
Two thirds are executes, four fifths of those autonomous; one run in 97 has a failed intent.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

SIZES = ("small", "large")


def records(size: str) -> list[str]:
    """1000 distinct records, repeated to fill the file."""
    categories = ("fleet_handoff_execute", "fleet_handoff_execute", "fleet_handoff_plan")
    block = []
    for i in range(1000):
        record: dict[str, object] = {
            "timestamp": f"2026-10-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
            "category": categories[i % 3],
        }
        if size == "large":
            record["loopId"] = f"loop-{i % 7}"
            record["traceId"] = f"trace-{i:06d}-abcdef0123456789"
        else:
            record["traceId"] = f"t-{i:06d}"
        record["execution"] = {
            "mode": "autonomous" if i % 5 else "manual",
            "requestedIntentCount": 2,
            "executedCount": 2,
            "ambiguousCount": 0,
            "failedCount": 1 if i % 97 == 0 else 0,
        }
        block.append(json.dumps(record, separators=(",", ":")))
    return block


def write(path: Path, count: int, size: str = "large") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    block = records(size)
    chunk = ("\n".join(block) + "\n").encode()
    with path.open("wb") as handle:
        full, rest = divmod(count, 1000)
        for _ in range(full):
            handle.write(chunk)
        if rest:
            handle.write(("\n".join(block[:rest]) + "\n").encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("records", type=int)
    parser.add_argument("--size", choices=SIZES, default="large")
    args = parser.parse_args()
    write(args.path, args.records, args.size)


if __name__ == "__main__":
    main()
