"""Hooks inside the decision and the apply: the fleet status, the registry check, the gates.

``evaluate_decision`` is ``decide.evaluate`` with the reference's two substitutions on the way to
the fleet status: ``OPS_MANAGER_FLEET_STATUS_SCRIPT`` prints the status (read as strictly as a
status file), or ``OPS_MANAGER_FLEET_REGISTRY_SCRIPT`` must accept the registry the derived
status reads. ``registry_views`` is the apply's registry check before and after its edit.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from orchestrator.core.errors import OrchestratorError
from orchestrator.core.evidence.fleet_status import read_fleet_status
from orchestrator.core.models import PromotionState, RolloutPoint, Thresholds
from orchestrator.hooks.config import Hook, PhaseHooks
from orchestrator.hooks.readback import RegistryReadBack, parse_document, registry_readback
from orchestrator.hooks.runner import run_hook, scratch_copy
from orchestrator.store.layout import FleetLayout
from orchestrator.usecases import decide as decide_usecase


def check_registry(hook: Hook, layout: FleetLayout, registry_file: Path | None = None) -> RegistryReadBack:
    """Run the registry hook on ``registry_file`` (default: the fleet's) and read its view."""
    target = registry_file or layout.registry
    run = run_hook(hook, ["--repo", str(layout.repo), "--registry-file", str(target)])
    if run.exit_code != 0:
        raise run.failure()
    return registry_readback(parse_document(run.stdout, hook.variable, "registry view"), hook.variable)


def _status_from_hook(hook: Hook, layout: FleetLayout) -> object:
    run = run_hook(hook, ["--repo", str(layout.repo)])
    if run.exit_code != 0:
        raise OrchestratorError(f"failed to read fleet status: {run.failure().message}")
    return parse_document(run.stdout, hook.variable, "fleet status")


def _evaluate_with_status(
    layout: FleetLayout, thresholds: Thresholds, hook: Hook, *, now: datetime, trace_id: str
) -> PromotionState:
    """The gates over the status the hook printed and the fleet's own handoff and drill evidence."""
    status = read_fleet_status(_status_from_hook(hook, layout), f"{hook.variable} output")
    return decide_usecase.evaluate(layout, thresholds, now=now, trace_id=trace_id, status=status)


def evaluate_decision(
    layout: FleetLayout, thresholds: Thresholds, hooks: PhaseHooks, *, now: datetime, trace_id: str
) -> PromotionState:
    """``decide.evaluate``, honouring the status and registry hooks when the status is derived."""
    if layout.fleet_status is None and hooks.status is not None:
        return _evaluate_with_status(layout, thresholds, hooks.status, now=now, trace_id=trace_id)
    if layout.fleet_status is None and hooks.registry is not None:
        check_registry(hooks.registry, layout)
    return decide_usecase.evaluate(layout, thresholds, now=now, trace_id=trace_id)


def _agrees(view: RegistryReadBack, point: RolloutPoint) -> bool:
    canary = 100 if view.canary_percent is None else view.canary_percent
    manual = bool(view.manual_pause)
    return canary == point.canary_percent and manual == point.manual_pause


def registry_views(hook: Hook, layout: FleetLayout, planned_text: str, after: RolloutPoint) -> None:
    """The reference's two registry checks of an apply: the registry now, then the edited one.

    The edited registry goes to the hook in a private temporary file, before anything is written;
    its view must show the rollout the apply planned, or nothing is written.
    """
    try:
        now_view = check_registry(hook, layout)
    except OrchestratorError as exc:
        raise OrchestratorError(f"failed to read/validate fleet registry: {exc.message}") from None
    if now_view.mode != "guarded_auto":
        raise OrchestratorError("promotion apply requires policy.mode guarded_auto")
    with scratch_copy(planned_text) as scratch:
        try:
            edited = check_registry(hook, layout, scratch)
        except OrchestratorError as exc:
            raise OrchestratorError(f"mutated registry failed validation: {exc.message}") from None
    if not _agrees(edited, after):
        raise OrchestratorError(
            f"{hook.variable} reads the mutated registry as canaryPercent {edited.canary_percent},"
            f" manual pause {edited.manual_pause}; the apply planned {after.canary_percent}, {after.manual_pause}"
        )
