"""``promotion-rollout status``: print the v1 fleet status derived from a fleet's raw state files.

Same flags and defaults as the fleet-status script it replaces, plus ``--now`` so an evaluation
can be reproduced exactly (review deadlines are judged against that instant).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from orchestrator.cli import common
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.timestamps import parse_ts
from orchestrator.runtime.clock import utc_now
from orchestrator.usecases.status import fleet_status

_FILE_FLAGS: tuple[tuple[str, str, str], ...] = (
    ("--registry-file", "registry", "Fleet registry JSON"),
    ("--fleet-state-file", "fleet_state", "Fleet state JSON"),
    ("--policy-state-file", "policy_state", "Fleet policy state JSON"),
    ("--fleet-telemetry-file", "reconcile_telemetry", "Fleet reconcile telemetry JSONL"),
    ("--handoff-state-file", "handoff_state", "Fleet handoff state JSON"),
    ("--handoff-telemetry-file", "handoff_telemetry", "Fleet handoff telemetry JSONL"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", default="", metavar="PATH", help="Repository holding the fleet (required).")
    for flag, key, label in _FILE_FLAGS:
        common.add_file(parser, flag, key, f"{label} path")
    parser.add_argument(
        "--now",
        default=None,
        metavar="ISO-8601",
        help="Evaluation time, e.g. 2026-03-01T00:00:00Z (no offset means UTC). Default: the current time.",
    )
    parser.add_argument("--pretty", action="store_true", help="Pretty-print output JSON.")


def parse_now(text: str | None) -> datetime:
    """The evaluation instant from ``--now``; the wall clock is read only when it is not given."""
    if text is None:
        return utc_now()
    moment = parse_ts(text)
    if moment is None:
        moment = parse_ts(f"{text}Z")
    if moment is None:
        raise OrchestratorError(f"--now must be an ISO-8601 timestamp like 2026-03-01T00:00:00Z: {text}")
    return moment


def run(args: argparse.Namespace) -> int:
    common.require_repo(args)
    now = parse_now(args.now)
    layout = common.layout(args, [key for _, key, _ in _FILE_FLAGS])
    registry_hook = common.hook_context("status", args).hooks.registry
    status = fleet_status(layout, now, registry_hook=registry_hook).to_json()
    if args.pretty:
        text = json.dumps(status, indent=2, ensure_ascii=False)
    else:
        text = json.dumps(status, separators=(",", ":"), ensure_ascii=False)
    sys.stdout.write(text + "\n")
    return 0
