"""The orchestration use case: decide, then apply or roll back, under one trace id, with a result and summary.

The rules (what a decision lets happen, which overrides a rollback records) are pure and live in
``core.orchestration``; this module runs the phases through the store and writes the record.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orchestrator.core.apply_request import merged_evidence_refs
from orchestrator.core.charts import CanaryHistory, canary_history
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.jsontext import dumps
from orchestrator.core.models import (
    OrchestrationApply,
    OrchestrationFiles,
    OrchestrationResult,
    OrchestrationRollout,
    OrchestrationSummary,
    RolloutPoint,
)
from orchestrator.core.next_steps import next_steps
from orchestrator.core.orchestration import (
    DecisionPhase,
    NextStep,
    OrchestrateRequest,
    bound_step,
    next_step,
    validate_request,
)
from orchestrator.core.registry.document import parse_registry_text, rollout_point
from orchestrator.core.replay import describe_replay, parse_apply_log
from orchestrator.core.timestamps import format_ts
from orchestrator.hooks.config import NO_HOOK_CONTEXT, HookContext
from orchestrator.render.markdown import render
from orchestrator.store.files import atomic_write, read_text_if_exists
from orchestrator.store.layout import FleetLayout, display_path, display_text
from orchestrator.store.registry import read_registry_text
from orchestrator.usecases.apply_phase import Applied, apply_phase
from orchestrator.usecases.apply_phase import ApplyHook as ApplyHook
from orchestrator.usecases.ci import CiOutcome, run_ci
from orchestrator.usecases.freeze import freeze_preview
from orchestrator.usecases.hook_phases import external_ci

if TYPE_CHECKING:  # the planner and the registry rules load only when something is applied
    from orchestrator.core.apply_plan import ApplyPlan


@dataclass(frozen=True)
class OrchestrationOutcome:
    """The result written to disk, the summary text and the command's exit code.

    With an apply hook, ``result.apply.record`` holds the hook's record only when it is a whole
    v1 record; ``external_record`` is what the hook printed, verbatim, and ``payload`` (the JSON
    written and printed) carries that, as the reference does.
    """

    result: OrchestrationResult
    exit_code: int
    summary: str
    ci: CiOutcome | None = None
    plan: ApplyPlan | None = None
    external_record: dict[str, Any] | None = None

    @property
    def error(self) -> str | None:
        return self.result.error

    @property
    def payload(self) -> dict[str, Any]:
        """The result as JSON, with an apply hook's record as the hook printed it."""
        payload = self.result.to_json()
        if self.external_record is not None:
            payload["apply"]["record"] = self.external_record
        return payload


def _decide(
    request: OrchestrateRequest, layout: FleetLayout, now: datetime, hooks: HookContext, display_root: Path | None
) -> tuple[CiOutcome | None, DecisionPhase]:
    """The decision phase; a failure is returned, not raised, because a rollback goes on without it."""
    if hooks.hooks.ci is not None:
        return external_ci(hooks.hooks.ci, request, layout, hooks)
    try:
        ci = run_ci(
            layout,
            request.thresholds,
            now=now,
            trace_id=request.trace_id,
            skip_on_missing_evidence=request.skip_on_missing_evidence,
            fail_on_hold=request.fail_on_hold,
            hooks=hooks,
            display_root=display_root,
            decision_ttl_hours=request.decision_ttl_hours,
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


def _rollout(applied: Applied, layout: FleetLayout) -> OrchestrationRollout | None:
    """The applied move (or none) beside the registry's state now, which a replay must not hide.

    A hook's record that is not a whole v1 record says nothing of the move: no rollout then.
    """
    record = applied.record
    if applied.executed and record is None:
        return None
    current = _current_point(layout)
    if record is not None:
        return OrchestrationRollout(before=record.rollout.before, after=record.rollout.after, current=current)
    return OrchestrationRollout(before=current, after=current, current=current) if current else None


def _trace_id(request: OrchestrateRequest, ci: CiOutcome | None, hooks: HookContext) -> str | None:
    """The orchestration's trace id: the operator's or ours, or, when a CI hook decided, the one it recorded."""
    if hooks.hooks.ci is None or hooks.trace_given:
        return request.trace_id
    recorded = ci.payload.get("traceId") if ci else None
    return recorded if isinstance(recorded, str) and recorded else None


def _own_files(applied: Applied) -> list[str | None]:
    """The files and refs an apply names, which join the orchestration's evidence refs."""
    if applied.plan is not None:
        record = applied.plan.record
        return [record.files.promotion_state_file, record.files.apply_state_file, *record.evidence_refs]
    if applied.external is not None:
        files = applied.external.files
        return [files.get("promotionStateFile"), files.get("applyStateFile"), *applied.external.evidence_refs]
    return []


def _seams(request: OrchestrateRequest, applied: Applied, trace_id: str | None) -> dict[str, str | None]:
    """Trace id, loop id and horizon ref: the orchestration's own, else the apply record's."""
    source: Any = applied.external or (applied.plan.record if applied.plan else None)
    return {
        "trace_id": trace_id or (source.trace_id if source else None),
        "loop_id": request.loop_id or (source.loop_id if source else None),
        "horizon_ref": request.horizon_ref or (source.horizon_ref if source else None),
    }


def _result(
    request: OrchestrateRequest,
    layout: FleetLayout,
    now: datetime,
    phase: DecisionPhase,
    step: NextStep,
    applied: Applied,
    hook: ApplyHook | None,
    trace_id: str | None,
) -> OrchestrationResult:
    record = applied.record
    return OrchestrationResult(
        timestamp=format_ts(now),
        mode=request.mode,
        status=step.status,
        decision=phase.decision,
        **_seams(request, applied, trace_id),
        evidence_refs=merged_evidence_refs(
            request.evidence_refs, str(layout.ci_result), str(layout.ci_summary), *_own_files(applied)
        ),
        summary=OrchestrationSummary(failed_gates=phase.failed_gates, reason_codes=phase.reason_codes),
        apply=OrchestrationApply(
            executed=applied.executed,
            intent=applied.external.intent if applied.external else (record.intent if record else None),
            idempotency_key=request.idempotency_key,
            record=record,
            replayed=bool(applied.external.document.get("replayed"))
            if applied.external
            else bool(record and record.replayed),
        ),
        rollout=_rollout(applied, layout),
        overrides=list(step.overrides),
        decision_error=phase.error,
        error=step.error,
        github=hook.github_report() if hook is not None else None,
        refusal_reason_code=(hook.refusal_reason_code() if hook is not None else None) or step.refusal_code,
        files=OrchestrationFiles(
            result_file=str(layout.orchestrate_result),
            summary_file=str(layout.orchestrate_summary),
            promotion_ci_result_file=str(layout.ci_result),
            promotion_ci_summary_file=str(layout.ci_summary),
        ),
    )


def _bound_fields(ci: CiOutcome | None) -> dict[str, Any]:
    """The decision's digest and expiry, as text (none when a hook's decision has none)."""
    digest, expiry = (ci.payload.get("evidenceDigest"), ci.payload.get("expiresAt")) if ci else (None, None)
    return {
        "evidence_digest": digest if isinstance(digest, str) else None,
        "decision_expires_at": expiry if isinstance(expiry, str) else None,
    }


def render_summary(
    result: OrchestrationResult, *, result_file: str, ci_result_file: str, display_root: Path | None, **extra: Any
) -> str:
    """The orchestration summary of ``result``; ``extra`` adds what only an applied run has (record, charts)."""
    return render(
        "orchestrate-summary.md.j2",
        mode=result.mode,
        status=result.status,
        decision=result.decision,
        failed_gates=result.summary.failed_gates,
        reason_codes=result.summary.reason_codes,
        apply_intent=result.apply.intent,
        rollout=result.rollout,
        overrides=result.overrides,
        error=display_text(result.error or result.decision_error or "", display_root) or None,
        trace_id=result.trace_id,
        result_file=result_file,
        ci_result_file=ci_result_file,
        **extra,
    )


def _summary(result: OrchestrationResult, applied: Applied, layout: FleetLayout, display_root: Path | None) -> str:
    plan = applied.plan
    return render_summary(
        result,
        result_file=display_path(layout.orchestrate_result, display_root),
        ci_result_file=display_path(layout.ci_result, display_root),
        display_root=display_root,
        record=applied.record,
        replay_note=describe_replay(plan.record, result.rollout.current if result.rollout else None) if plan else "",
        next_steps=next_steps(result.summary.reason_codes),
        rollback_to=(applied.record.model_extra or {}).get("rollbackTo") if applied.record else None,
        history=_canary_history(layout),
        evidence_digest=result.evidence_digest,
        decision_expires_at=result.decision_expires_at,
        freeze=result.freeze,
    )


def _canary_history(layout: FleetLayout) -> CanaryHistory | None:
    """The canary share over the applies recorded in the apply telemetry, for the summary's chart."""
    try:
        return canary_history(
            parse_apply_log(read_text_if_exists(layout.apply_telemetry, "apply telemetry file")).records
        )
    except OrchestratorError:
        return None


def orchestrate(
    request: OrchestrateRequest,
    layout: FleetLayout,
    *,
    now: datetime,
    apply_hook: ApplyHook | None = None,
    hooks: HookContext = NO_HOOK_CONTEXT,
    display_root: Path | None = None,
) -> OrchestrationOutcome:
    """Run the whole orchestration and write its result and summary; never raises for a refusal.

    ``apply_hook`` (optional) replaces the local apply, e.g. by a commit through the GitHub API;
    ``hooks`` carries the operator's phase hooks (a CI or apply script run in place of a phase);
    ``display_root`` makes the summaries show paths relative to it (the action's workspace).
    """
    validate_request(request, now)
    ci, phase = _decide(request, layout, now, hooks, display_root)
    trace_id = _trace_id(request, ci, hooks)
    acting = replace(request, trace_id=trace_id) if trace_id else request
    step = bound_step(request, next_step(request, phase), ci.payload if ci else None, now)
    step, applied = apply_phase(ci, acting, step, phase, (layout, now, hooks), apply_hook)
    freeze = freeze_preview(request, layout, now)
    result = _result(request, layout, now, phase, step, applied, apply_hook, trace_id)
    if freeze is not None:
        result = result.model_copy(update={"freeze": freeze})
    result = result.model_copy(update=_bound_fields(ci))
    summary = _summary(result, applied, layout, display_root)
    outcome = OrchestrationOutcome(
        result=result,
        exit_code=step.exit_code,
        summary=summary,
        ci=ci,
        plan=applied.plan,
        external_record=applied.external.document if applied.external else None,
    )
    atomic_write(layout.orchestrate_result, dumps(outcome.payload) + "\n")
    atomic_write(layout.orchestrate_summary, summary)
    return outcome
