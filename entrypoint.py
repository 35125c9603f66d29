"""Container entrypoint of the promotion-rollout action; the action itself is ``orchestrator.action``."""

from __future__ import annotations

import sys


def start() -> int:
    """Run the action; an image that cannot even import it still fails with one annotation."""
    try:
        from orchestrator.action.run import main
    except Exception as exc:
        reason = " ".join(f"{type(exc).__name__}: {exc}".split()).replace("%", "%25")
        sys.stdout.write(f"::error::promotion-rollout could not start: {reason}\n")
        return 1
    return main()


if __name__ == "__main__":
    raise SystemExit(start())
