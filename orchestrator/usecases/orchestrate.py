"""The orchestration use case: decide, then apply or roll back, under one trace id, with a result and summary.

The rules (what a decision lets happen, which overrides a rollback records) are pure and live in
``core.orchestration``; this module runs the phases through the store and writes the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from orchestrator.core.apply_request import ApplyRequest, merged_evidence_refs
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.jsontext import dumps
from orchestrator.core.models import (
    ApplyRecord,
    GitHubReport,
    OrchestrationApply,
    OrchestrationFiles,
    OrchestrationResult,
    OrchestrationRollout,
    OrchestrationSummary,
    RolloutPoint,
)
from orchestrator.core.orchestration import (
    DecisionPhase,
    NextStep,
    OrchestrateRequest,
    apply_request,
    next_step,
    validate_request,
)
from orchestrator.core.registry.document import parse_registry_text, rollout_point
from orchestrator.core.replay import describe_replay
from orchestrator.core.timestamps import format_ts
from orchestrator.render.markdown import render
from orchestrator.store.files import atomic_write
from orchestrator.store.layout import FleetLayout
from orchestrator.store.registry import read_registry_text
from orchestrator.usecases.ci import CiOutcome, run_ci

if TYPE_CHECKING:  # the planner and the registry rules load only when something is applied
    from orchestrator.core.apply_plan import ApplyPlan


class ApplyHook(Protocol):
    """Replaces the local apply (the GitHub use case commits through the API instead)."""

    def __call__(self, request: ApplyRequest, decision: str, decision_summary: str) -> ApplyPlan: ...

    def github_report(self) -> GitHubReport | None: ...

    def refusal_reason_code(self) -> str | None: ...


@dataclass(frozen=True)
class OrchestrationOutcome:
    """The result written to disk, the summary text and the command's exit code."""

    result: OrchestrationResult
    exit_code: int
    summary: str
    ci: CiOutcome | None = None
    plan: ApplyPlan | None = None

    @property
    def error(self) -> str | None:
        return self.result.error


def _decide(request: OrchestrateRequest, layout: FleetLayout, now: datetime) -> tuple[CiOutcome | None, DecisionPhase]:
    """The decision phase; a failure is returned, not raised, because a rollback goes on without it."""
    try:
        ci = run_ci(
            layout,
            request.thresholds,
            now=now,
            trace_id=request.trace_id,
            skip_on_missing_evidence=request.skip_on_missing_evidence,
        )
    except OrchestratorError as exc:
        return None, DecisionPhase(decision="unknown", failed_gates=[], reason_codes=[], error=exc.message)
    summary = ci.payload.get("summary", {})
    phase = DecisionPhase(
        decision=ci.decision,
        failed_gates=list(summary.get("failedGates", [])),
        reason_codes=list(summary.get("reasonCodes", [])),
    )
    return ci, phase


def _current_point(layout: FleetLayout) -> RolloutPoint | None:
    """Where the registry in this checkout stands now; ``None`` when it cannot say."""
    try:
        doc = parse_registry_text(read_registry_text(layout.registry), str(layout.registry))
        canary, manual = rollout_point(doc)
    except (OrchestratorError, TypeError, ValueError):
        return None
    return RolloutPoint(canary_percent=canary, manual_pause=manual)


def _rollout(record: ApplyRecord | None, layout: FleetLayout) -> OrchestrationRollout | None:
    """The applied move (or none) beside the registry's state now, which a replay must not hide."""
    current = _current_point(layout)
    if record is not None:
        return OrchestrationRollout(before=record.rollout.before, after=record.rollout.after, current=current)
    return OrchestrationRollout(before=current, after=current, current=current) if current else None


def _run_apply(
    request: ApplyRequest, decision: str, layout: FleetLayout, now: datetime, hook: ApplyHook | None, summary: str
) -> ApplyPlan:
    if hook is not None:
        return hook(request, decision, summary)
    from orchestrator.usecases.apply import apply_locally

    return apply_locally(layout, request, decision=decision, now=now, decision_file=layout.ci_result)


def _apply_phase(
    ci: CiOutcome | None,
    request: OrchestrateRequest,
    step: NextStep,
    phase: DecisionPhase,
    layout: FleetLayout,
    now: datetime,
    hook: ApplyHook | None,
) -> tuple[NextStep, ApplyPlan | None]:
    """Apply when the step says so; a refusal becomes the step's status, never an exception."""
    if not step.apply:
        return step, None
    wanted = apply_request(request, str(layout.ci_result), step.overrides)
    try:
        return step, _run_apply(wanted, phase.decision, layout, now, hook, ci.summary if ci else "")
    except OrchestratorError as exc:
        refused = NextStep(
            apply=False, status="refused", exit_code=exc.exit_code, error=exc.message, overrides=step.overrides
        )
        return refused, None


def _result(
    request: OrchestrateRequest,
    layout: FleetLayout,
    now: datetime,
    phase: DecisionPhase,
    step: NextStep,
    plan: ApplyPlan | None,
    hook: ApplyHook | None,
) -> OrchestrationResult:
    record = plan.record if plan else None
    own_files = (
        [record.files.promotion_state_file, record.files.apply_state_file, *record.evidence_refs] if record else []
    )
    rollout = _rollout(record, layout)
    return OrchestrationResult(
        timestamp=format_ts(now),
        mode=request.mode,
        status=step.status,
        decision=phase.decision,
        trace_id=request.trace_id,
        loop_id=request.loop_id or (record.loop_id if record else None),
        horizon_ref=request.horizon_ref or (record.horizon_ref if record else None),
        evidence_refs=merged_evidence_refs(
            request.evidence_refs, str(layout.ci_result), str(layout.ci_summary), *own_files
        ),
        summary=OrchestrationSummary(failed_gates=phase.failed_gates, reason_codes=phase.reason_codes),
        apply=OrchestrationApply(
            executed=plan is not None,
            intent=record.intent if record else None,
            idempotency_key=request.idempotency_key,
            record=record,
            replayed=bool(record and record.replayed),
        ),
        rollout=rollout,
        overrides=list(step.overrides),
        decision_error=phase.error,
        error=step.error,
        github=hook.github_report() if hook is not None else None,
        refusal_reason_code=hook.refusal_reason_code() if hook is not None else None,
        files=OrchestrationFiles(
            result_file=str(layout.orchestrate_result),
            summary_file=str(layout.orchestrate_summary),
            promotion_ci_result_file=str(layout.ci_result),
            promotion_ci_summary_file=str(layout.ci_summary),
        ),
    )


def _summary(result: OrchestrationResult, plan: ApplyPlan | None, layout: FleetLayout) -> str:
    return render(
        "orchestrate-summary.md.j2",
        mode=result.mode,
        status=result.status,
        decision=result.decision,
        failed_gates=result.summary.failed_gates,
        reason_codes=result.summary.reason_codes,
        apply_intent=result.apply.intent,
        rollout=result.rollout,
        record=plan.record if plan else None,
        replay_note=describe_replay(plan.record, result.rollout.current if result.rollout else None) if plan else "",
        overrides=result.overrides,
        error=result.error or result.decision_error,
        trace_id=result.trace_id,
        result_file=str(layout.orchestrate_result),
        ci_result_file=str(layout.ci_result),
    )


def orchestrate(
    request: OrchestrateRequest, layout: FleetLayout, *, now: datetime, apply_hook: ApplyHook | None = None
) -> OrchestrationOutcome:
    """Run the whole orchestration and write its result and summary; never raises for a refusal.

    ``apply_hook`` (optional) replaces the local apply, e.g. by a commit through the GitHub API.
    """
    validate_request(request, now)
    ci, phase = _decide(request, layout, now)
    step, plan = _apply_phase(ci, request, next_step(request, phase), phase, layout, now, apply_hook)
    result = _result(request, layout, now, phase, step, plan, apply_hook)
    summary = _summary(result, plan, layout)
    atomic_write(layout.orchestrate_result, dumps(result.to_json()) + "\n")
    atomic_write(layout.orchestrate_summary, summary)
    return OrchestrationOutcome(result=result, exit_code=step.exit_code, summary=summary, ci=ci, plan=plan)
