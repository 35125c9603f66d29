"""``orchestrate``: decide, then apply or roll back (drop-in for ops-manager-promotion-orchestrate.sh)."""

from __future__ import annotations

import argparse
import sys

from orchestrator.cli.apply import add_governance, add_seam, parse_step
from orchestrator.cli.ci import add_ci_flags
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
from orchestrator.github.options import GitHubOptions, parse_persist
from orchestrator.runtime.clock import utc_now
from orchestrator.store.layout import resolve_repo
from orchestrator.usecases.ci import CiPaths
from orchestrator.usecases.decide import DecisionPaths, new_trace_id, parse_thresholds
from orchestrator.usecases.orchestrate import (
    APPLY_INTENTS,
    MODES,
    Governance,
    OrchestratePaths,
    OrchestrateRequest,
    orchestrate,
    validate_request,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mode", default="", help="Orchestration mode: dry_run, apply or rollback.")
    parser.add_argument(
        "--apply-intent", default="expand", help="Intent for mode apply: expand or resume. Default: expand"
    )
    parser.add_argument("--expand-step", default="25", help="Canary percentage added by expand (1..100). Default: 25")
    add_repo(parser)
    add_evidence_inputs(parser)
    add_thresholds(parser)
    add_ci_flags(parser)
    parser.add_argument(
        "--promotion-ci-result-file", help=f"Decision result JSON. Default: {FLEET}/promotion-ci-result.json"
    )
    parser.add_argument(
        "--promotion-ci-summary-file",
        help=f"Decision summary markdown. Default: {FLEET}/promotion-ci-summary.md",
    )
    parser.add_argument(
        "--result-file", help=f"Orchestration result JSON. Default: {FLEET}/promotion-orchestrate-result.json"
    )
    parser.add_argument(
        "--summary-file",
        help=f"Orchestration summary markdown. Default: {FLEET}/promotion-orchestrate-summary.md",
    )
    add_seam(parser)
    add_governance(parser)
    github = parser.add_argument_group("GitHub (token from $GITHUB_TOKEN; see docs/github.md)")
    github.add_argument(
        "--persist",
        default="none",
        help="Make the apply durable: none (edit files only), commit (one commit on the branch), "
        "pull-request (a commit on a new branch and a pull request). Default: none",
    )
    github.add_argument(
        "--require-approval",
        action="store_true",
        help="The --approval-ref pull request must be approved by another user.",
    )
    github.add_argument("--approval-team", help="With --require-approval: the approver must be in this team (slug).")
    github.add_argument("--environment", help="Deployment environment. Default: promotion/<fleetId>")
    github.add_argument(
        "--require-checks", default="", help="Check runs (comma or newline separated) that must have succeeded first."
    )
    github.add_argument("--target-branch", help="Branch to commit to. Default: the branch the workflow ran on.")
    add_output(parser)


def github_options(args: argparse.Namespace) -> GitHubOptions | None:
    """The GitHub settings, or None when nothing asks for GitHub (no network, no token needed)."""
    options = GitHubOptions(
        persist=parse_persist(args.persist),
        require_approval=args.require_approval,
        approval_team=args.approval_team or None,
        environment=args.environment or None,
        require_checks=args.require_checks or "",
        target_branch=args.target_branch or None,
    )
    return options if options.active else None


def run(args: argparse.Namespace) -> int:
    if not args.repo:
        raise OrchestratorError("--repo is required")
    if args.mode not in MODES:
        raise OrchestratorError("--mode must be one of dry_run, apply, rollback")
    if args.apply_intent not in APPLY_INTENTS:
        raise OrchestratorError("--apply-intent must be one of expand, resume")
    request = OrchestrateRequest(
        mode=args.mode,
        apply_intent=args.apply_intent,
        expand_step=parse_step(args.expand_step),
        governance=Governance(
            by=args.by, approval_ref=args.approval_ref, rationale=args.rationale, review_by=args.review_by
        ),
        trace_id=new_trace_id(args.trace_id),
        thresholds=parse_thresholds(**threshold_kwargs(args)),
        skip_on_missing_evidence=args.skip_on_missing_evidence,
        fail_on_hold=args.fail_on_hold,
        idempotency_key=args.idempotency_key or None,
        loop_id=args.loop_id or None,
        horizon_ref=args.horizon_ref or None,
        evidence_refs=tuple(ref for ref in args.evidence_ref if ref),
    )
    validate_request(request)
    repo = resolve_repo(args.repo)
    decision_paths = DecisionPaths.resolve(
        repo,
        fleet_status_file=args.fleet_status_file,
        handoff_telemetry_file=args.handoff_telemetry_file,
        drill_state_file=args.drill_state_file,
    )
    ci_paths = CiPaths.resolve(
        decision_paths, result_file=args.promotion_ci_result_file, summary_file=args.promotion_ci_summary_file
    )
    paths = OrchestratePaths.resolve(ci_paths, result_file=args.result_file, summary_file=args.summary_file)
    now = utc_now()
    hook = None
    options = github_options(args)
    if options is not None and request.mode != "dry_run":
        from orchestrator.usecases.github_apply import GitHubApplyHook

        hook = GitHubApplyHook(options, paths.apply, repo=repo, now=now, decision_summary_file=paths.ci.summary_file)
    outcome = orchestrate(request, paths, now=now, apply_hook=hook)
    emit(outcome.result.to_json(), args.pretty)
    if outcome.error:
        sys.stderr.write(f"error: {outcome.error}\n")
    return outcome.exit_code
