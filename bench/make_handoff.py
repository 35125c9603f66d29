"""Write a handoff telemetry JSONL of N records (~200 bytes each) for the benchmarks."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("records", type=int)
    args = parser.parse_args()
    args.path.parent.mkdir(parents=True, exist_ok=True)
    categories = ("fleet_handoff_execute", "fleet_handoff_execute", "fleet_handoff_plan")
    block = []
    for i in range(1000):
        block.append(
            json.dumps(
                {
                    "timestamp": f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
                    "category": categories[i % 3],
                    "loopId": f"loop-{i % 7}",
                    "traceId": f"trace-{i:06d}-abcdef0123456789",
                    "execution": {
                        "mode": "autonomous" if i % 5 else "manual",
                        "requestedIntentCount": 2,
                        "executedCount": 2,
                        "ambiguousCount": 0,
                        "failedCount": 1 if i % 97 == 0 else 0,
                    },
                },
                separators=(",", ":"),
            )
        )
    chunk = ("\n".join(block) + "\n").encode()
    with args.path.open("wb") as handle:
        full, rest = divmod(args.records, 1000)
        for _ in range(full):
            handle.write(chunk)
        if rest:
            handle.write(("\n".join(block[:rest]) + "\n").encode())


if __name__ == "__main__":
    main()
