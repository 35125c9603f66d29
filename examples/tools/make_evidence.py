"""Write the example fleet's handoff telemetry and drill state, dated relative to a given time.

Drill evidence ages: the demo refreshes it on its temporary copy so the example promotes on any
day, the same way a fleet's drill pipeline keeps its own evidence current.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

FLEET = Path(".superloop/ops-manager/fleet")


def handoff_lines(now: datetime, runs: int) -> list[str]:
    lines = []
    for index in range(runs):
        at = now - timedelta(hours=2 * (runs - index))
        failed = 1 if index % 12 == 5 else 0
        lines.append(
            json.dumps(
                {
                    "timestamp": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "category": "fleet_handoff_execute",
                    "loopId": ("loop-api", "loop-web", "loop-batch")[index % 3],
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
        if index % 8 == 0:
            lines.append(
                json.dumps(
                    {
                        "timestamp": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "category": "fleet_handoff_plan",
                        "execution": {"mode": "manual", "requestedIntentCount": 1},
                    },
                    separators=(",", ":"),
                )
            )
    return lines


def drills(now: datetime) -> dict[str, object]:
    def at(hours: int) -> str:
        return (now - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")

    return {
        "schemaVersion": "v1",
        "drills": [
            {"id": "kill_switch", "status": "pass", "completedAt": at(30)},
            {"id": "sprite_service_outage", "status": "pass", "completedAt": at(52)},
            {"id": "ambiguous_retry_guard", "status": "pass", "completedAt": at(75)},
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--now", help="ISO-8601 reference time. Default: now.")
    parser.add_argument("--runs", type=int, default=24)
    parser.add_argument("--drills-only", action="store_true")
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC).replace(microsecond=0)
    fleet = args.repo / FLEET
    (fleet / "drills").mkdir(parents=True, exist_ok=True)
    (fleet / "drills/promotion.v1.json").write_text(json.dumps(drills(now), indent=2) + "\n")
    if not args.drills_only:
        (fleet / "telemetry").mkdir(parents=True, exist_ok=True)
        (fleet / "telemetry/handoff.jsonl").write_text("\n".join(handoff_lines(now, args.runs)) + "\n")


if __name__ == "__main__":
    main()
