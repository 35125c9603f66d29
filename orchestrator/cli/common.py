"""Flags shared by several subcommands, declared once."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from orchestrator.store.files import dumps

THRESHOLD_FLAGS: tuple[tuple[str, str], ...] = (
    ("--window-executions", "Number of most recent autonomous handoff executions to judge. Default: 20"),
    ("--min-sample-size", "Minimum number of autonomous executions required. Default: 20"),
    ("--max-ambiguity-rate", "Highest ambiguity rate (0..1) that still promotes. Default: 0.2"),
    ("--max-failure-rate", "Highest failure rate (0..1) that still promotes. Default: 0.2"),
    ("--max-manual-backlog", "Highest manual backlog that still promotes. Default: 5"),
    ("--max-drill-age-hours", "Oldest age (hours) accepted for required drill evidence. Default: 168"),
)

FLEET = "<repo>/.superloop/ops-manager/fleet"


def add_repo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", default="", help="Repository holding the fleet artifacts (required).")


def add_evidence_inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fleet-status-file",
        help="Precomputed fleet status JSON. Default: derived from the fleet's state, as `status` does.",
    )
    parser.add_argument(
        "--handoff-telemetry-file", help=f"Handoff telemetry JSONL. Default: {FLEET}/telemetry/handoff.jsonl"
    )
    parser.add_argument(
        "--drill-state-file", help=f"Promotion drill state JSON. Default: {FLEET}/drills/promotion.v1.json"
    )


def add_thresholds(parser: argparse.ArgumentParser) -> None:
    for flag, help_text in THRESHOLD_FLAGS:
        parser.add_argument(flag, metavar="N", help=help_text)


def threshold_kwargs(args: argparse.Namespace) -> dict[str, str | None]:
    return {flag[2:].replace("-", "_"): getattr(args, flag[2:].replace("-", "_")) for flag, _ in THRESHOLD_FLAGS}


def add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pretty", action="store_true", help="Indent the JSON printed on stdout.")


def emit(payload: Any, pretty: bool) -> None:
    sys.stdout.write(dumps(payload, pretty=pretty) + "\n")
    sys.stdout.flush()
