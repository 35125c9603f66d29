"""``promotion-rollout status``: print the v1 fleet status derived from a fleet's raw state files.

Same flags and defaults as the fleet-status script it replaces, plus ``--now`` so an evaluation
can be reproduced exactly (review deadlines are judged against that instant).
"""

from __future__ import annotations

import argparse
import json
import sys

from orchestrator.cli import common
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
    common.add_repo(parser)
    for flag, key, label in _FILE_FLAGS:
        common.add_file(parser, flag, key, f"{label} path")
    common.add_now(parser)
    common.add_output(parser)


def run(args: argparse.Namespace) -> int:
    common.require_repo(args)
    now = common.now(args)
    layout = common.layout(args, [key for _, key, _ in _FILE_FLAGS])
    registry_hook = common.hook_context("status", args).hooks.registry
    status = fleet_status(layout, now, registry_hook=registry_hook).to_json()
    if common.wants_text(args):
        from orchestrator.render.text import print_status

        print_status(sys.stdout, status)
        return 0
    if args.pretty:
        text = json.dumps(status, indent=2, ensure_ascii=False)
    else:
        text = json.dumps(status, separators=(",", ":"), ensure_ascii=False)
    sys.stdout.write(text + "\n")
    return 0
