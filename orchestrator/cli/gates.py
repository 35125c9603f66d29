"""``gates``: evaluate the five promotion gates (drop-in for ops-manager-promotion-gates.sh)."""

from __future__ import annotations

import argparse
import sys

from orchestrator.cli import common
from orchestrator.runtime.environment import trace_id
from orchestrator.usecases.decide import record_decision
from orchestrator.usecases.hook_checks import evaluate_decision


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common.add_repo(parser)
    common.add_evidence_inputs(parser)
    common.add_decision_outputs(parser)
    common.add_thresholds(parser)
    parser.add_argument("--trace-id", help="Trace id for this decision. Default: $OPS_MANAGER_TRACE_ID or a UUID.")
    parser.add_argument(
        "--fail-on-hold", action="store_true", help="Exit 2 when the decision is hold (stderr names the failed gates)."
    )
    common.add_now(parser)
    common.add_output(parser)


def run(args: argparse.Namespace) -> int:
    common.require_repo(args)
    now = common.now(args)
    layout = common.layout(args, (*common.EVIDENCE_KEYS, *common.DECISION_KEYS))
    thresholds = common.thresholds(args)
    hooks = common.hook_context("gates", args).hooks
    state = evaluate_decision(layout, thresholds, hooks, now=now, trace_id=trace_id(args.trace_id))
    payload = record_decision(state, layout)
    if common.wants_text(args):
        from orchestrator.render.text import print_decision

        print_decision(sys.stdout, state)
    else:
        common.emit(payload, args.pretty)
    if args.fail_on_hold and state.summary.decision == "hold":
        common.report_hold(args, state.summary.failed_gates)
        return 2
    return 0
