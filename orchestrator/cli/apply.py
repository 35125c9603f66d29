"""``apply``: expand, resume or roll back the rollout (drop-in for ops-manager-promotion-apply.sh)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from orchestrator.cli import common
from orchestrator.core.apply_plan import decision_of
from orchestrator.core.apply_request import (
    INTENTS,
    ApplyRequest,
    merged_evidence_refs,
    parse_expand_step,
    parse_rollback_to,
    validate_intent,
    validate_request_fields,
)
from orchestrator.core.digest import DecisionRefused, check_binding
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.reasons import ReasonCode
from orchestrator.runtime.environment import trace_id
from orchestrator.store.freeze_calendar import read_freeze_calendar
from orchestrator.usecases.apply import apply_locally, read_decision_document

FILE_KEYS = ("registry", "promotion_state", "apply_state", "apply_telemetry")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common.add_repo(parser)
    common.add_file(parser, "--registry-file", "registry", "Fleet registry JSON")
    common.add_file(parser, "--promotion-state-file", "promotion_state", "Decision JSON")
    common.add_file(parser, "--apply-state-file", "apply_state", "Apply state JSON output")
    common.add_file(parser, "--apply-telemetry-file", "apply_telemetry", "Apply telemetry JSONL")
    parser.add_argument(
        "--intent",
        required=True,
        metavar="{" + ",".join(INTENTS) + "}",
        help="Mutation intent (required): expand widens the canary share, resume lifts the pause, rollback"
        " pauses autonomous expansion and keeps the share for a later resume.",
    )
    parser.add_argument(
        "--expand-step", default="25", help="Canary percentage added by intent expand (1..100). Default: 25"
    )
    parser.add_argument(
        "--rollback-to",
        metavar="PERCENT",
        help="With --intent rollback: also set the canary share to PERCENT (0..100). Default: keep the share.",
    )
    common.add_seam(parser)
    common.add_governance(parser)
    common.add_binding(parser)
    common.add_freeze(parser)
    common.add_now(parser)
    common.add_output(parser)


def request_from(args: argparse.Namespace, evidence_file: str) -> ApplyRequest:
    """The typed request; every flag is judged here, before any file is read."""
    request = ApplyRequest(
        intent=validate_intent(args.intent),
        by=args.by,
        approval_ref=args.approval_ref,
        rationale=args.rationale,
        review_by=common.review_by(args),
        trace_id=trace_id(args.trace_id),
        expand_step=parse_expand_step(args.expand_step),
        idempotency_key=args.idempotency_key or None,
        loop_id=args.loop_id or None,
        horizon_ref=args.horizon_ref or None,
        evidence_refs=tuple(merged_evidence_refs(args.evidence_ref, evidence_file)),
        rollback_to=parse_rollback_to(args.rollback_to),
        allow_broken_audit_chain=args.allow_broken_audit_chain,
        freeze_calendar=read_freeze_calendar(args.freeze_calendar),
        break_glass_ref=args.break_glass_approval_ref or None,
    )
    validate_request_fields(request)
    return request


def run(args: argparse.Namespace) -> int:
    common.require_repo(args)
    validate_intent(args.intent)
    parse_expand_step(args.expand_step)
    now = common.now(args)
    layout = common.layout(args, FILE_KEYS)
    request = request_from(args, str(layout.promotion_state))
    registry_hook = common.hook_context("apply", args).hooks.registry
    binding = common.binding(args)
    decision = "unknown"
    try:
        document = read_decision_document(layout.promotion_state)
        decision = decision_of(document)
        if request.intent != "rollback" and binding.active:
            check_binding(document, binding, now)
    except OrchestratorError as exc:
        if isinstance(exc, DecisionRefused):
            raise
        if request.intent != "rollback":
            raise
        common.warn([f"rolling back without a readable decision: {exc.message}"])
        request = replace(request, overrides=(ReasonCode.ROLLBACK_DECISION_FAILED_OVERRIDDEN,))
    plan = apply_locally(
        layout, request, decision=decision, now=now, decision_file=layout.promotion_state, registry_hook=registry_hook
    )
    common.warn(plan.warnings)
    if common.wants_text(args):
        from orchestrator.render.text import print_apply

        print_apply(sys.stdout, plan.record)
    else:
        common.emit(plan.record.to_json(), args.pretty)
    return 0
