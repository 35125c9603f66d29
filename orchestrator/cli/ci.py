"""``ci``: the decision as a CI step (drop-in for ops-manager-promotion-ci.sh)."""

from __future__ import annotations

import argparse
import sys

from orchestrator.cli import common
from orchestrator.runtime.environment import trace_id
from orchestrator.usecases.ci import run_ci


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common.add_repo(parser)
    common.add_evidence_inputs(parser)
    common.add_decision_outputs(parser)
    common.add_file(parser, "--summary-file", "ci_summary", "Markdown summary output")
    common.add_file(parser, "--result-file", "ci_result", "JSON result output")
    common.add_thresholds(parser)
    parser.add_argument("--trace-id", help="Trace id for this decision. Default: $OPS_MANAGER_TRACE_ID or a UUID.")
    common.add_ci_flags(parser)
    common.add_now(parser)
    common.add_output(parser)


def run(args: argparse.Namespace) -> int:
    common.require_repo(args)
    now = common.now(args)
    thresholds = common.thresholds(args)
    layout = common.layout(args, (*common.EVIDENCE_KEYS, *common.DECISION_KEYS, "ci_summary", "ci_result"))
    hooks = common.hook_context("ci", args)
    outcome = run_ci(
        layout,
        thresholds,
        now=now,
        trace_id=trace_id(args.trace_id),
        skip_on_missing_evidence=args.skip_on_missing_evidence,
        fail_on_hold=args.fail_on_hold,
        hooks=hooks,
    )
    common.publish_summary(outcome.summary)
    if common.wants_text(args):
        from orchestrator.render.text import print_ci

        print_ci(sys.stdout, outcome.payload, outcome.state)
    else:
        common.emit(outcome.payload, args.pretty)
    if args.fail_on_hold and outcome.hold:
        common.report_hold(args, outcome.payload.get("summary", {}).get("failedGates", []))
        return 2
    return 0
