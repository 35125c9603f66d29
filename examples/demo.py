"""Run dry_run, apply and rollback on a temporary copy of the bundled example fleet.

The copy's drill evidence is re-dated to "hours ago" first (drills go stale after 168 h), so the
demo promotes on any day. Nothing under examples/ is modified.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLEET = Path(".superloop/ops-manager/fleet")


def run(repo: Path, *args: str) -> int:
    command = [sys.executable, "-m", "orchestrator", "orchestrate", "--repo", str(repo), *args]
    print(f"\n$ promotion-rollout orchestrate {' '.join(args)}", flush=True)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.stderr:
        print(done.stderr, end="", file=sys.stderr)
    print(f"(exit {done.returncode})\n")
    for name in ("promotion-ci-summary.md", "promotion-orchestrate-summary.md"):
        summary = repo / FLEET / name
        if summary.exists():
            print(summary.read_text())
    return done.returncode


def main() -> int:
    review_by = (datetime.now(UTC) + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M:%SZ")
    governance = ["--by", "demo-operator", "--approval-ref", "CHG-4242", "--review-by", review_by]
    with tempfile.TemporaryDirectory(prefix="promotion-rollout-demo-") as tmp:
        repo = Path(tmp) / "fleet"
        shutil.copytree(HERE / "fleet", repo)
        subprocess.run([sys.executable, str(HERE / "tools/make_evidence.py"), str(repo), "--drills-only"], check=True)
        codes = [
            run(repo, "--mode", "dry_run"),
            run(
                repo,
                "--mode",
                "apply",
                "--apply-intent",
                "expand",
                "--expand-step",
                "15",
                "--idempotency-key",
                "demo-expand-1",
                "--rationale",
                "canary healthy for a week",
                *governance,
            ),
            run(repo, "--mode", "rollback", "--rationale", "demo: roll back and pause", *governance),
        ]
        registry = (repo / FLEET / "registry.v1.json").read_text()
        print("Registry rollout after the demo:")
        start = registry.index('"rollout"')
        print(registry[start : registry.index("}", registry.index('"pause"')) + 1])
    return 0 if codes == [0, 0, 0] else 1


if __name__ == "__main__":
    raise SystemExit(main())
