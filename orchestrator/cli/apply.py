"""``apply``: expand, resume or roll back the rollout (drop-in for ops-manager-promotion-apply.sh)."""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace

from orchestrator.cli.common import FLEET, add_output, add_repo, emit
from orchestrator.core.apply_plan import (
    ApplyPaths,
    ApplyRequest,
    apply_locally,
    merged_evidence_refs,
    read_decision,
    validate_request_fields,
)
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.models import Intent
from orchestrator.core.reasons import ReasonCode
from orchestrator.runtime.clock import utc_now
from orchestrator.store.layout import resolve_repo
from orchestrator.usecases.decide import new_trace_id


def add_governance(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--by", default="", help="Governance actor identity for the mutation.")
    parser.add_argument("--approval-ref", default="", help="Governance approval or change reference.")
    parser.add_argument("--rationale", default="", help="Governance rationale.")
    parser.add_argument("--review-by", default="", help="Governance review deadline, ISO-8601, in the future.")


def add_seam(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--idempotency-key", help="Replay the prior result for this key instead of mutating again.")
    parser.add_argument("--trace-id", help="Trace id. Default: $OPS_MANAGER_TRACE_ID or a UUID.")
    parser.add_argument("--loop-id", help="Loop identifier for seam tracking.")
    parser.add_argument("--horizon-ref", help="Horizon reference for seam tracking.")
    parser.add_argument(
        "--evidence-ref",
        action="append",
        default=[],
        help="Evidence reference; may be repeated; empty ones are ignored.",
    )


def parse_step(raw: str) -> int:
    if not re.fullmatch(r"[0-9]+", raw or "") or not 1 <= int(raw) <= 100:
        raise OrchestratorError("--expand-step must be an integer between 1 and 100")
    return int(raw)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo(parser)
    parser.add_argument("--registry-file", help=f"Fleet registry JSON. Default: {FLEET}/registry.v1.json")
    parser.add_argument("--promotion-state-file", help=f"Decision JSON. Default: {FLEET}/promotion-state.json")
    parser.add_argument(
        "--apply-state-file", help=f"Apply state JSON output. Default: {FLEET}/promotion-apply-state.json"
    )
    parser.add_argument(
        "--apply-telemetry-file",
        help=f"Apply telemetry JSONL. Default: {FLEET}/telemetry/promotion-apply.jsonl",
    )
    parser.add_argument("--intent", default="", help="Mutation intent: expand, resume or rollback.")
    parser.add_argument(
        "--expand-step", default="25", help="Canary percentage added by intent expand (1..100). Default: 25"
    )
    add_seam(parser)
    add_governance(parser)
    add_output(parser)


def run(args: argparse.Namespace) -> int:
    if not args.repo:
        raise OrchestratorError("--repo is required")
    if args.intent not in ("expand", "resume", "rollback"):
        raise OrchestratorError("--intent must be one of expand, resume, rollback")
    intent: Intent = args.intent
    step = parse_step(args.expand_step)
    repo = resolve_repo(args.repo)
    paths = ApplyPaths.resolve(
        repo,
        registry_file=args.registry_file,
        promotion_state_file=args.promotion_state_file,
        apply_state_file=args.apply_state_file,
        apply_telemetry_file=args.apply_telemetry_file,
    )
    request = ApplyRequest(
        intent=intent,
        by=args.by,
        approval_ref=args.approval_ref,
        rationale=args.rationale,
        review_by=args.review_by,
        trace_id=new_trace_id(args.trace_id),
        expand_step=step,
        idempotency_key=args.idempotency_key or None,
        loop_id=args.loop_id or None,
        horizon_ref=args.horizon_ref or None,
        evidence_refs=tuple(merged_evidence_refs(args.evidence_ref, str(paths.promotion_state_file))),
    )
    validate_request_fields(request)
    try:
        decision = read_decision(paths.promotion_state_file)
    except OrchestratorError as exc:
        if intent != "rollback":
            raise
        sys.stderr.write(f"warning: rolling back without a readable decision: {exc.message}\n")
        decision = "unknown"
        request = replace(request, overrides=(ReasonCode.ROLLBACK_DECISION_FAILED_OVERRIDDEN,))
    plan = apply_locally(paths, request, decision=decision, now=utc_now())
    emit(plan.record.to_json(), args.pretty)
    return 0
