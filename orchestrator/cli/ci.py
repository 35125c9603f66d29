"""``ci``: the decision as a CI step (drop-in for ops-manager-promotion-ci.sh)."""

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
from orchestrator.core.errors import OrchestratorError
from orchestrator.runtime.clock import utc_now
from orchestrator.store.layout import resolve_repo
from orchestrator.usecases.ci import CiPaths, run_ci
from orchestrator.usecases.decide import DecisionPaths, new_trace_id, parse_thresholds


def add_decision_outputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--promotion-state-file", help=f"Decision JSON output. Default: {FLEET}/promotion-state.json")
    parser.add_argument(
        "--promotion-telemetry-file",
        help=f"Decision telemetry JSONL. Default: {FLEET}/telemetry/promotion.jsonl",
    )


def add_ci_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fail-on-hold", action="store_true", help="Exit 2 when the decision is hold.")
    parser.add_argument(
        "--skip-on-missing-evidence",
        action="store_true",
        help="Report decision skipped and exit 0 when an evidence file is missing.",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo(parser)
    add_evidence_inputs(parser)
    add_decision_outputs(parser)
    parser.add_argument("--summary-file", help=f"Markdown summary output. Default: {FLEET}/promotion-ci-summary.md")
    parser.add_argument("--result-file", help=f"JSON result output. Default: {FLEET}/promotion-ci-result.json")
    add_thresholds(parser)
    parser.add_argument("--trace-id", help="Trace id for this decision. Default: $OPS_MANAGER_TRACE_ID or a UUID.")
    add_ci_flags(parser)
    add_output(parser)


def run(args: argparse.Namespace) -> int:
    if not args.repo:
        raise OrchestratorError("--repo is required")
    thresholds = parse_thresholds(**threshold_kwargs(args))
    repo = resolve_repo(args.repo)
    decision_paths = DecisionPaths.resolve(
        repo,
        fleet_status_file=args.fleet_status_file,
        handoff_telemetry_file=args.handoff_telemetry_file,
        drill_state_file=args.drill_state_file,
        promotion_state_file=args.promotion_state_file,
        promotion_telemetry_file=args.promotion_telemetry_file,
    )
    paths = CiPaths.resolve(decision_paths, result_file=args.result_file, summary_file=args.summary_file)
    outcome = run_ci(
        paths,
        thresholds,
        now=utc_now(),
        trace_id=new_trace_id(args.trace_id),
        skip_on_missing_evidence=args.skip_on_missing_evidence,
    )
    emit(outcome.payload, args.pretty)
    return 2 if args.fail_on_hold and outcome.hold else 0
