"""``gates``: evaluate the five promotion gates (drop-in for ops-manager-promotion-gates.sh)."""

from __future__ import annotations

import argparse

from orchestrator.cli import common
from orchestrator.runtime.clock import utc_now
from orchestrator.runtime.environment import trace_id
from orchestrator.usecases.decide import record_decision
from orchestrator.usecases.hook_checks import evaluate_decision


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common.add_repo(parser)
    common.add_evidence_inputs(parser)
    common.add_decision_outputs(parser)
    common.add_thresholds(parser)
    parser.add_argument("--trace-id", help="Trace id for this decision. Default: $OPS_MANAGER_TRACE_ID or a UUID.")
    parser.add_argument("--fail-on-hold", action="store_true", help="Exit 2 when the decision is hold.")
    common.add_output(parser)


def run(args: argparse.Namespace) -> int:
    common.require_repo(args)
    layout = common.layout(args, (*common.EVIDENCE_KEYS, *common.DECISION_KEYS))
    thresholds = common.thresholds(args)
    hooks = common.hook_context("gates", args).hooks
    state = evaluate_decision(layout, thresholds, hooks, now=utc_now(), trace_id=trace_id(args.trace_id))
    common.emit(record_decision(state, layout), args.pretty)
    return 2 if args.fail_on_hold and state.summary.decision == "hold" else 0
