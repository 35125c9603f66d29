"""``gates``: evaluate the five promotion gates (drop-in for ops-manager-promotion-gates.sh)."""

from __future__ import annotations

import argparse

from orchestrator.cli.common import (
    FLEET,
    add_evidence_inputs,
    add_output,
    add_repo,
    add_thresholds,
    emit,
    threshold_kwargs,
)
from orchestrator.runtime.clock import utc_now
from orchestrator.store.layout import resolve_repo
from orchestrator.usecases.decide import DecisionPaths, evaluate, new_trace_id, parse_thresholds, record_decision


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo(parser)
    add_evidence_inputs(parser)
    parser.add_argument("--promotion-state-file", help=f"Decision JSON output. Default: {FLEET}/promotion-state.json")
    parser.add_argument(
        "--promotion-telemetry-file",
        help=f"Decision telemetry JSONL. Default: {FLEET}/telemetry/promotion.jsonl",
    )
    add_thresholds(parser)
    parser.add_argument("--trace-id", help="Trace id for this decision. Default: $OPS_MANAGER_TRACE_ID or a UUID.")
    parser.add_argument("--fail-on-hold", action="store_true", help="Exit 2 when the decision is hold.")
    add_output(parser)


def run(args: argparse.Namespace) -> int:
    repo = resolve_repo(args.repo)
    thresholds = parse_thresholds(**threshold_kwargs(args))
    paths = DecisionPaths.resolve(
        repo,
        fleet_status_file=args.fleet_status_file,
        handoff_telemetry_file=args.handoff_telemetry_file,
        drill_state_file=args.drill_state_file,
        promotion_state_file=args.promotion_state_file,
        promotion_telemetry_file=args.promotion_telemetry_file,
    )
    state = evaluate(paths, thresholds, now=utc_now(), trace_id=new_trace_id(args.trace_id))
    emit(record_decision(state, paths), args.pretty)
    if args.fail_on_hold and state.summary.decision == "hold":
        return 2
    return 0
