"""``orchestrate``: decide, then apply or roll back (drop-in for ops-manager-promotion-orchestrate.sh)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from orchestrator.cli import common
from orchestrator.core.apply_request import parse_expand_step, parse_rollback_to
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.orchestration import (
    APPLY_INTENTS,
    EXIT_HOLD,
    MODES,
    Governance,
    OrchestrateRequest,
    parse_apply_intent,
    parse_mode,
    validate_request,
)
from orchestrator.github.options import GitHubOptions, parse_persist
from orchestrator.runtime.environment import environment, trace_id
from orchestrator.store.freeze_calendar import read_freeze_calendar
from orchestrator.usecases.orchestrate import OrchestrationOutcome, orchestrate

FILE_KEYS = (*common.EVIDENCE_KEYS, "ci_result", "ci_summary", "orchestrate_result", "orchestrate_summary")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mode",
        required=True,
        metavar="{" + ",".join(MODES) + "}",
        help="Orchestration mode (required): dry_run decides and previews; apply decides, then expands or"
        " resumes on promote; rollback pauses autonomous expansion and keeps the canary share for a later"
        " resume, whatever the decision.",
    )
    parser.add_argument(
        "--apply-intent", default="expand", choices=APPLY_INTENTS, help="Intent for mode apply. Default: expand"
    )
    parser.add_argument("--expand-step", default="25", help="Canary percentage added by expand (1..100). Default: 25")
    parser.add_argument(
        "--rollback-to",
        metavar="PERCENT",
        help="With --mode rollback: also set the canary share to PERCENT (0..100). Default: keep the share.",
    )
    common.add_repo(parser)
    common.add_evidence_inputs(parser)
    common.add_thresholds(parser)
    common.add_ci_flags(parser)
    common.add_file(parser, "--promotion-ci-result-file", "ci_result", "Decision result JSON")
    common.add_file(parser, "--promotion-ci-summary-file", "ci_summary", "Decision summary markdown")
    common.add_file(parser, "--result-file", "orchestrate_result", "Orchestration result JSON")
    common.add_file(parser, "--summary-file", "orchestrate_summary", "Orchestration summary markdown")
    common.add_seam(parser)
    common.add_governance(parser)
    common.add_binding(parser)
    common.add_freeze(parser)
    common.add_decision_ttl(parser)
    add_github(parser)
    common.add_now(parser)
    common.add_output(parser)


def add_github(parser: argparse.ArgumentParser) -> None:
    github = parser.add_argument_group("GitHub (token from $GITHUB_TOKEN; see docs/github.md)")
    github.add_argument(
        "--persist",
        default="none",
        choices=("none", "commit", "pull-request"),
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


def github_options(args: argparse.Namespace) -> GitHubOptions:
    return GitHubOptions(
        persist=parse_persist(args.persist),
        require_approval=args.require_approval,
        approval_team=args.approval_team or None,
        environment=args.environment or None,
        require_checks=args.require_checks or "",
        target_branch=args.target_branch or None,
    )


def request_from(args: argparse.Namespace, now: datetime) -> OrchestrateRequest:
    """The typed request; every flag is judged here, before any file is read."""
    mode = parse_mode(args.mode)
    request = OrchestrateRequest(
        mode=mode,
        apply_intent=parse_apply_intent(args.apply_intent),
        expand_step=parse_expand_step(args.expand_step),
        governance=Governance(
            by=args.by,
            approval_ref=args.approval_ref,
            rationale=args.rationale,
            review_by=common.review_by(args) if mode != "dry_run" else args.review_by,
        ),
        trace_id=trace_id(args.trace_id),
        thresholds=common.thresholds(args),
        skip_on_missing_evidence=args.skip_on_missing_evidence,
        fail_on_hold=args.fail_on_hold,
        idempotency_key=args.idempotency_key or None,
        loop_id=args.loop_id or None,
        horizon_ref=args.horizon_ref or None,
        evidence_refs=tuple(ref for ref in args.evidence_ref if ref),
        rollback_to=parse_rollback_to(args.rollback_to),
        binding=common.binding(args),
        decision_ttl_hours=common.decision_ttl(args),
        allow_broken_audit_chain=args.allow_broken_audit_chain,
        freeze_calendar=read_freeze_calendar(args.freeze_calendar),
        break_glass_ref=args.break_glass_approval_ref or None,
    )
    validate_request(request, now)
    return request


def run(args: argparse.Namespace) -> int:
    common.require_repo(args)
    now = common.now(args)
    request = request_from(args, now)
    options = github_options(args)
    layout = common.layout(args, FILE_KEYS)
    hooks = common.hook_context("orchestrate", args)
    apply_hook = hooks.hooks.apply
    if apply_hook is not None and request.rollback_to is not None and request.mode == "rollback":
        raise OrchestratorError(
            f"{apply_hook.variable} cannot be combined with --rollback-to (the hook has no such flag)"
        )
    hook = None
    if options.active and request.mode != "dry_run":
        if apply_hook is not None:
            raise OrchestratorError(
                f"{apply_hook.variable} cannot be combined with --persist, --require-approval or --require-checks"
            )
        from orchestrator.usecases.github_apply import GitHubApplyHook

        hook = GitHubApplyHook(options, layout, now=now, env=environment())
    outcome = orchestrate(request, layout, now=now, apply_hook=hook, hooks=hooks)
    if outcome.ci is not None and not outcome.ci.external:
        common.publish_summary(outcome.ci.summary)
    common.publish_summary(outcome.summary)
    common.warn(outcome.plan.warnings if outcome.plan else [])
    show(args, outcome)
    return outcome.exit_code


def show(args: argparse.Namespace, outcome: OrchestrationOutcome) -> None:
    """The result on stdout; on stderr the refusal (exit 1) or the held gates (exit 2)."""
    if common.wants_text(args):
        from orchestrator.render.text import print_orchestration

        print_orchestration(sys.stdout, outcome.result, outcome.ci.state if outcome.ci else None)
    else:
        common.emit(outcome.payload, args.pretty)
    if outcome.exit_code == EXIT_HOLD:
        common.report_hold(args, outcome.result.summary.failed_gates)
    elif outcome.error:
        sys.stderr.write(f"error: {outcome.error}\n")
