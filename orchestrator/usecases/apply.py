"""The apply use case on local files: lock the fleet, finish any interrupted apply, plan, journal, write.

The fleet lock is held across read, plan and write, so concurrent applies serialize and each one
sees the previous one's result.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from orchestrator.core.apply_plan import ApplyPlan, decision_of, parse_apply_log, plan_apply
from orchestrator.core.apply_request import ApplyRequest
from orchestrator.core.audit import numbered_lines, verify_chain
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.models import ApplyFiles
from orchestrator.core.registry.document import fleet_id, parse_registry_text
from orchestrator.hooks.config import Hook
from orchestrator.store import journal
from orchestrator.store.files import atomic_write, exclusive_lock, exists, load_json, read_text_if_exists
from orchestrator.store.layout import FleetLayout
from orchestrator.store.registry import read_registry_text
from orchestrator.usecases.hook_checks import registry_views


def record_files(layout: FleetLayout, decision_file: Path) -> ApplyFiles:
    """The files an apply record names: the decision it acted on and the three it wrote."""
    return ApplyFiles(
        registry_file=str(layout.registry),
        promotion_state_file=str(decision_file),
        apply_state_file=str(layout.apply_state),
        apply_telemetry_file=str(layout.apply_telemetry),
    )


def read_decision(decision_file: Path) -> str:
    """The decision an apply acts on: ``summary.decision`` of the promotion state file."""
    return decision_of(read_decision_document(decision_file))


def read_decision_document(decision_file: Path) -> Any:
    """The promotion state file an apply acts on, as JSON (its digest and age are judged by the caller)."""
    if not exists(decision_file):
        raise OrchestratorError(f"promotion state file not found: {decision_file}")
    return load_json(decision_file, "promotion state")


def _fleet_of(registry_text: str, label: str) -> str:
    """The fleet id the registry names, for binding the journal; ``default`` when it cannot be read."""
    try:
        return fleet_id(parse_registry_text(registry_text, label))
    except (OrchestratorError, ValueError, TypeError):
        return "default"


def _recover(layout: FleetLayout, request: ApplyRequest, registry_text: str) -> tuple[str, list[str]]:
    """Finish an interrupted apply first; an unusable journal stops all but a rollback."""
    try:
        recovered = journal.recover(
            layout, fleet_id=_fleet_of(registry_text, str(layout.registry)), registry_now=registry_text
        )
    except journal.UnusableJournal as exc:
        if request.intent != "rollback":
            raise
        return registry_text, [f"rolling back past an unusable journal: {exc.message}"]
    if not recovered:
        return registry_text, []
    warning = f"completing an apply that was interrupted (journal {layout.journal})"
    return read_registry_text(layout.registry), [warning]


def _persist(layout: FleetLayout, plan: ApplyPlan, registry_text: str) -> None:
    if plan.telemetry_line is None:
        atomic_write(layout.apply_state, plan.apply_state_text)
        return
    entry = journal.JournalEntry(
        fleet_id=plan.record.fleet_id,
        fleet_root=str(layout.repo),
        registry_digest_before=journal.digest(registry_text),
        registry_text=plan.registry_text,
        telemetry_line=plan.telemetry_line,
        state_text=plan.apply_state_text,
    )
    journal.commit(layout, entry, registry_now=registry_text)


def apply_locally(
    layout: FleetLayout,
    request: ApplyRequest,
    *,
    decision: str,
    now: datetime,
    decision_file: Path,
    registry_hook: Hook | None = None,
) -> ApplyPlan:
    """Plan and persist one apply while holding the fleet lock; warnings ride on the plan.

    With a registry hook (``OPS_MANAGER_FLEET_REGISTRY_SCRIPT``) a mutation is written only after
    the hook accepted the registry before and after the edit, as the reference's apply asks it to.
    """
    with exclusive_lock(layout.registry, "fleet registry file"):
        registry_text, warnings = _recover(layout, request, read_registry_text(layout.registry))
        log_text = read_text_if_exists(layout.apply_telemetry, "apply telemetry file")
        log = parse_apply_log(log_text)
        plan = plan_apply(
            chain=verify_chain(numbered_lines(log_text)),
            registry_text=registry_text,
            apply_log=log,
            decision=decision,
            request=request,
            files=record_files(layout, decision_file),
            now=now,
            registry_label=str(layout.registry),
        )
        if registry_hook is not None and plan.telemetry_line is not None:
            registry_views(registry_hook, layout, plan.registry_text, plan.record.rollout.after)
        _persist(layout, plan, registry_text)
    return replace(plan, warnings=[*warnings, *plan.warnings]) if warnings else plan
