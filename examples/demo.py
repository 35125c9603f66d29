"""The demo: the life of one rollout on a copy of the bundled example fleet, told by the command line.

A dry run holds on stale drills and says what would have to change and what to do next; the
drills are run (re-dated), and the rollout promotes, expands, is replayed with the same
idempotency key, rolled back (paused, share kept) and resumed. Every command is printed as it can be
pasted from the repository root, and runs with ``--now`` so the story is the same on any day.

The copy stays in ``demo-output/fleet`` (git-ignored) after the demo, so the printed paths and
commands stay true; the next demo starts it afresh. Nothing under ``examples/`` is modified.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLEET = Path(".superloop/ops-manager/fleet")
REPO = Path("demo-output/fleet")
"""The demo's fleet, relative to the repository root (every command runs there)."""

CLI = ".venv/bin/promotion-rollout"
GOVERNANCE = ["--by", "demo-operator", "--approval-ref", "CHG-4242", "--review-by", "2027-06-30T00:00:00Z"]
EXPAND = ["--mode", "apply", "--apply-intent", "expand", "--expand-step", "15", "--idempotency-key", "CHG-4242"]


def say(text: str) -> None:
    print(f"\n=== {text}", flush=True)


def run(shown: list[str], actual: list[str] | None = None) -> int:
    """Print ``shown`` quoted for a shell, run it (``actual`` when the shown program is not this Python)."""
    print(f"\n$ {shlex.join(shown)}", flush=True)
    done = subprocess.run(actual or shown, cwd=ROOT, check=False)
    print(f"(exit {done.returncode})", flush=True)
    return done.returncode


def orchestrate(now: str, *args: str) -> int:
    flags = ["orchestrate", "--repo", str(REPO), *args, "--format", "text", "--now", now]
    return run([CLI, *flags], [sys.executable, "-m", "orchestrator", *flags])


def story() -> list[int]:
    """Each step's exit code, in order."""
    say("1. A dry run a week after the example's drills: the drills are stale, so the rollout holds.")
    codes = [orchestrate("2026-11-28T12:00:00Z", "--mode", "dry_run")]
    say("2. What to do next: run the drills. Here make_evidence.py records them as passed on 28 November.")
    tool = ["python", "examples/tools/make_evidence.py", str(REPO), "--drills-only", "--now", "2026-11-28T12:00:00Z"]
    codes.append(run(tool, [sys.executable, *tool[1:]]))
    say("3. The same dry run promotes.")
    codes.append(orchestrate("2026-11-28T12:00:00Z", "--mode", "dry_run"))
    say("4. Apply: expand the canary by 15 points, under change CHG-4242 (also the idempotency key).")
    codes.append(orchestrate("2026-11-28T12:10:00Z", *EXPAND, "--rationale", "canary healthy for a week", *GOVERNANCE))
    say("5. The same request again, with the same idempotency key: a replay, which changes nothing.")
    codes.append(orchestrate("2026-11-28T12:20:00Z", *EXPAND, "--rationale", "canary healthy for a week", *GOVERNANCE))
    say("6. Roll back: autonomous expansion pauses; the canary share is kept for a later resume.")
    rollback = ["--mode", "rollback", "--idempotency-key", "INC-77", "--rationale", "error budget burn"]
    codes.append(orchestrate("2026-11-28T13:00:00Z", *rollback, *GOVERNANCE))
    say("7. Resume once the cause is fixed: the pause is lifted at the kept share.")
    resume = ["--mode", "apply", "--apply-intent", "resume", "--idempotency-key", "INC-77-resume"]
    codes.append(orchestrate("2026-11-28T15:00:00Z", *resume, "--rationale", "cause fixed", *GOVERNANCE))
    return codes


def main() -> int:
    os.chdir(ROOT)
    shutil.rmtree(REPO, ignore_errors=True)
    REPO.parent.mkdir(exist_ok=True)
    shutil.copytree("examples/fleet", REPO)
    print(f"The demo's fleet is a fresh copy of examples/fleet in {REPO}/ (under {ROOT}); it stays there.")
    print("Commands are shown as run from that repository root; each passes --now, so it tells this story any day.")
    codes = story()
    rollout = json.loads((REPO / FLEET / "registry.v1.json").read_text())["policy"]["autonomous"]["rollout"]
    say("The registry's rollout after the demo:")
    print(json.dumps({"canaryPercent": rollout["canaryPercent"], "pause": rollout["pause"]}))
    print(f"\nEvery record is in {REPO / FLEET}/ (results, summaries, telemetry/promotion-apply.jsonl).")
    print(f"The markdown job summaries GitHub would show: {REPO / FLEET}/promotion-*-summary.md")
    expected = [0] * len(codes)
    return 0 if codes == expected else 1


if __name__ == "__main__":
    raise SystemExit(main())
