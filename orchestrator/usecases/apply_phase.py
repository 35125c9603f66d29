"""The orchestration's apply phase: the local apply, the GitHub apply, or an apply hook.

A refusal here is the orchestration's status (``refused``), never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from orchestrator.core.apply_request import ApplyRequest
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.models import ApplyRecord, GitHubReport
from orchestrator.core.orchestration import DecisionPhase, NextStep, OrchestrateRequest, apply_request
from orchestrator.hooks.config import HookContext
from orchestrator.hooks.readback import ApplyReadBack
from orchestrator.store.layout import FleetLayout
from orchestrator.usecases.ci import CiOutcome
from orchestrator.usecases.hook_phases import external_apply

if TYPE_CHECKING:  # the planner and the registry rules load only when something is applied
    from orchestrator.core.apply_plan import ApplyPlan


class ApplyHook(Protocol):
    """Replaces the local apply (the GitHub use case commits through the API instead)."""

    def __call__(self, request: ApplyRequest, decision: str, decision_summary: str) -> ApplyPlan: ...

    def github_report(self) -> GitHubReport | None: ...

    def refusal_reason_code(self) -> str | None: ...


@dataclass(frozen=True)
class Applied:
    """What the apply phase produced: a local plan, or a hook's record."""

    plan: ApplyPlan | None = None
    external: ApplyReadBack | None = None

    @property
    def record(self) -> ApplyRecord | None:
        return self.plan.record if self.plan else (self.external.record if self.external else None)

    @property
    def executed(self) -> bool:
        return self.plan is not None or self.external is not None


def _run_apply(
    request: OrchestrateRequest,
    step: NextStep,
    phase: DecisionPhase,
    context: tuple[FleetLayout, datetime, HookContext],
    hook: ApplyHook | None,
    summary: str,
) -> Applied:
    layout, now, hooks = context
    if hooks.hooks.apply is not None:
        return Applied(external=external_apply(hooks.hooks.apply, request, layout, hooks))
    wanted = apply_request(request, str(layout.ci_result), step.overrides)
    if hook is not None:
        return Applied(plan=hook(wanted, phase.decision, summary))
    from orchestrator.usecases.apply import apply_locally

    plan = apply_locally(
        layout,
        wanted,
        decision=phase.decision,
        now=now,
        decision_file=layout.ci_result,
        registry_hook=hooks.hooks.registry,
    )
    return Applied(plan=plan)


def apply_phase(
    ci: CiOutcome | None,
    request: OrchestrateRequest,
    step: NextStep,
    phase: DecisionPhase,
    context: tuple[FleetLayout, datetime, HookContext],
    hook: ApplyHook | None,
) -> tuple[NextStep, Applied]:
    """Apply when the step says so; a refusal becomes the step's status, never an exception."""
    if not step.apply:
        return step, Applied()
    try:
        return step, _run_apply(request, step, phase, context, hook, ci.summary if ci else "")
    except OrchestratorError as exc:
        refused = NextStep(
            apply=False,
            status="refused",
            exit_code=exc.exit_code,
            error=exc.message,
            overrides=step.overrides,
            refusal_code=getattr(exc, "reason_code", None),
        )
        return refused, Applied()
