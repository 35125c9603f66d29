"""Orchestration: decide, then apply or roll back, under one trace id, with a result and summary.

Every choice about what runs is made from typed values: free text (rationale, refs) is data and
never reaches an argument list. A rollback is the safety action, so a failed or held decision
does not stop it; the result records why it went ahead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from orchestrator.core.apply_plan import (
    ApplyPaths,
    ApplyPlan,
    ApplyRequest,
    apply_locally,
    merged_evidence_refs,
    require_governance,
)
from orchestrator.core.errors import HoldError, OrchestratorError
from orchestrator.core.models import (
    Intent,
    Mode,
    OrchestrationApply,
    OrchestrationFiles,
    OrchestrationResult,
    OrchestrationRollout,
    OrchestrationStatus,
    OrchestrationSummary,
    RolloutPoint,
    Thresholds,
)
from orchestrator.core.reasons import ReasonCode
from orchestrator.core.registry import parse_registry_text, read_registry_text, rollout_point
from orchestrator.core.timestamps import format_ts
from orchestrator.render.markdown import append_step_summary, render
from orchestrator.store.files import atomic_write, dumps
from orchestrator.store.layout import artifact_path
from orchestrator.usecases.ci import CiOutcome, CiPaths, run_ci

MODES: tuple[Mode, ...] = ("dry_run", "apply", "rollback")
APPLY_INTENTS = ("expand", "resume")


class ApplyHook(Protocol):
    """Replaces the local apply (the GitHub adapter commits through the API instead)."""

    def __call__(self, request: ApplyRequest, decision: str) -> ApplyPlan: ...

    def report(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Governance:
    by: str = ""
    approval_ref: str = ""
    rationale: str = ""
    review_by: str = ""


@dataclass(frozen=True)
class OrchestrateRequest:
    mode: Mode
    apply_intent: Literal["expand", "resume"]
    expand_step: int
    governance: Governance
    trace_id: str
    thresholds: Thresholds
    skip_on_missing_evidence: bool = False
    fail_on_hold: bool = False
    idempotency_key: str | None = None
    loop_id: str | None = None
    horizon_ref: str | None = None
    evidence_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrchestratePaths:
    ci: CiPaths
    apply: ApplyPaths
    result_file: Path
    summary_file: Path

    @classmethod
    def resolve(cls, ci: CiPaths, *, result_file: str | None, summary_file: str | None) -> OrchestratePaths:
        repo = ci.decision.repo
        return cls(
            ci=ci,
            apply=ApplyPaths(
                registry_file=artifact_path(repo, "registry", None),
                promotion_state_file=ci.result_file,
                apply_state_file=artifact_path(repo, "apply_state", None),
                apply_telemetry_file=artifact_path(repo, "apply_telemetry", None),
            ),
            result_file=artifact_path(repo, "orchestrate_result", result_file),
            summary_file=artifact_path(repo, "orchestrate_summary", summary_file),
        )


@dataclass
class OrchestrationOutcome:
    result: OrchestrationResult
    exit_code: int
    error: str | None = None
    ci: CiOutcome | None = None
    plan: ApplyPlan | None = None
    summary: str = ""
    warnings: list[str] = field(default_factory=list)


def validate_request(request: OrchestrateRequest) -> None:
    """Everything that can be refused before any evidence is read."""
    if request.mode not in MODES:
        raise OrchestratorError("--mode must be one of dry_run, apply, rollback")
    if request.apply_intent not in APPLY_INTENTS:
        raise OrchestratorError("--apply-intent must be one of expand, resume")
    if not 1 <= request.expand_step <= 100:
        raise OrchestratorError("--expand-step must be an integer between 1 and 100")
    if request.mode != "dry_run":
        gov = request.governance
        require_governance(gov.by, gov.approval_ref, gov.rationale, gov.review_by, context=f" for mode {request.mode}")


def _current_rollout(paths: ApplyPaths) -> OrchestrationRollout | None:
    try:
        doc = parse_registry_text(read_registry_text(paths.registry_file), paths.registry_file)
        canary, manual = rollout_point(doc)
    except (OrchestratorError, TypeError, ValueError):
        return None
    point = RolloutPoint(canary_percent=canary, manual_pause=manual)
    return OrchestrationRollout(before=point, after=point)


def _apply_refs(plan: ApplyPlan | None) -> list[str]:
    """The apply's own files and references, merged into the orchestration's evidence refs."""
    if plan is None:
        return []
    files = plan.record.files
    return [files.promotion_state_file, files.apply_state_file, *plan.record.evidence_refs]


def _decide(request: OrchestrateRequest, paths: OrchestratePaths, now: datetime) -> tuple[CiOutcome | None, str | None]:
    """The decision phase; a failure is returned, not raised, because a rollback goes on without it."""
    try:
        outcome = run_ci(
            paths.ci,
            request.thresholds,
            now=now,
            trace_id=request.trace_id,
            skip_on_missing_evidence=request.skip_on_missing_evidence,
        )
    except OrchestratorError as exc:
        return None, exc.message
    return outcome, None


def _apply_request(request: OrchestrateRequest, paths: OrchestratePaths, overrides: list[str]) -> ApplyRequest:
    gov = request.governance
    return ApplyRequest(
        intent=request.apply_intent if request.mode == "apply" else "rollback",
        by=gov.by,
        approval_ref=gov.approval_ref,
        rationale=gov.rationale,
        review_by=gov.review_by,
        trace_id=request.trace_id,
        expand_step=request.expand_step,
        idempotency_key=request.idempotency_key,
        loop_id=request.loop_id,
        horizon_ref=request.horizon_ref,
        evidence_refs=tuple(merged_evidence_refs(request.evidence_refs, str(paths.apply.promotion_state_file))),
        overrides=tuple(overrides),
    )


def orchestrate(
    request: OrchestrateRequest,
    paths: OrchestratePaths,
    *,
    now: datetime,
    apply_hook: ApplyHook | None = None,
) -> OrchestrationOutcome:
    """Run the whole orchestration and write its result and summary; never raises for a refusal.

    ``apply_hook`` (optional) replaces the local apply, e.g. by a commit through the GitHub API;
    its ``report()`` is merged into the result.
    """
    validate_request(request)
    rollback = request.mode == "rollback"
    ci, decision_error = _decide(request, paths, now)
    decision = ci.decision if ci else "unknown"
    ci_summary = ci.payload.get("summary", {}) if ci else {}
    failed_gates = list(ci_summary.get("failedGates", []))
    reason_codes = list(ci_summary.get("reasonCodes", []))
    held = ci is not None and ci.hold and request.fail_on_hold

    overrides: list[str] = []
    if rollback and decision_error is not None:
        overrides.append(ReasonCode.ROLLBACK_DECISION_FAILED_OVERRIDDEN)
    if rollback and held:
        overrides.append(ReasonCode.ROLLBACK_HOLD_OVERRIDDEN)

    status: OrchestrationStatus = "preview"
    error: str | None = None
    exit_code = 0
    plan: ApplyPlan | None = None
    if decision_error is not None and not rollback:
        status, exit_code, error = "refused", OrchestratorError.exit_code, decision_error
    elif held and not rollback:
        status, exit_code = "held", HoldError.exit_code
        error = f"decision is hold; failed gates: {', '.join(failed_gates) or 'none'}"
    elif request.mode != "dry_run":
        apply_request = _apply_request(request, paths, overrides)
        try:
            if apply_hook is not None:
                plan = apply_hook(apply_request, decision)
            else:
                plan = apply_locally(paths.apply, apply_request, decision=decision, now=now)
            status = "rolled_back" if rollback else "applied"
        except OrchestratorError as exc:
            status, exit_code, error = "refused", exc.exit_code, exc.message

    intent: Intent | None = plan.record.intent if plan else None
    record = plan.record.to_json() if plan else None
    rollout = (
        OrchestrationRollout(before=plan.record.rollout.before, after=plan.record.rollout.after)
        if plan
        else _current_rollout(paths.apply)
    )
    result = OrchestrationResult(
        timestamp=format_ts(now),
        mode=request.mode,
        status=status,
        decision=decision,
        trace_id=request.trace_id,
        loop_id=request.loop_id or (record or {}).get("loopId"),
        horizon_ref=request.horizon_ref or (record or {}).get("horizonRef"),
        evidence_refs=merged_evidence_refs(
            request.evidence_refs, str(paths.ci.result_file), str(paths.ci.summary_file), *_apply_refs(plan)
        ),
        summary=OrchestrationSummary(failed_gates=failed_gates, reason_codes=reason_codes),
        apply=OrchestrationApply(
            executed=plan is not None, intent=intent, idempotency_key=request.idempotency_key, record=record
        ),
        rollout=rollout,
        overrides=overrides,
        decision_error=decision_error,
        error=error,
        **(apply_hook.report() if apply_hook is not None else {}),
        files=OrchestrationFiles(
            result_file=str(paths.result_file),
            summary_file=str(paths.summary_file),
            promotion_ci_result_file=str(paths.ci.result_file),
            promotion_ci_summary_file=str(paths.ci.summary_file),
        ),
    )
    summary = render(
        "orchestrate-summary.md.j2",
        mode=request.mode,
        status=status,
        decision=decision,
        failed_gates=failed_gates,
        reason_codes=reason_codes,
        apply_intent=intent,
        rollout=rollout,
        record=plan.record if plan else None,
        overrides=overrides,
        error=error or decision_error,
        trace_id=request.trace_id,
        result_file=str(paths.result_file),
        ci_result_file=str(paths.ci.result_file),
    )
    atomic_write(paths.result_file, dumps(result.to_json()) + "\n")
    atomic_write(paths.summary_file, summary)
    append_step_summary(summary)
    return OrchestrationOutcome(
        result=result,
        exit_code=exit_code,
        error=error,
        ci=ci,
        plan=plan,
        summary=summary,
        warnings=list(plan.warnings) if plan else [],
    )
