"""The apply use case on local files: lock the fleet, finish any interrupted apply, plan, journal, write.

The fleet lock is held across read, plan and write, so concurrent applies serialize and each one
sees the previous one's result.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from orchestrator.core.apply_plan import ApplyPlan, ApplyRequest, decision_of, parse_apply_log, plan_apply
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.models import ApplyFiles
from orchestrator.store import journal
from orchestrator.store.files import atomic_write, exclusive_lock, exists, load_json, read_text_if_exists
from orchestrator.store.layout import FleetLayout
from orchestrator.store.registry import read_registry_text


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
    if not exists(decision_file):
        raise OrchestratorError(f"promotion state file not found: {decision_file}")
    return decision_of(load_json(decision_file, "promotion state"))


def apply_locally(
    layout: FleetLayout, request: ApplyRequest, *, decision: str, now: datetime, decision_file: Path
) -> ApplyPlan:
    """Plan and persist one apply while holding the fleet lock; warnings ride on the plan."""
    with exclusive_lock(layout.registry, "fleet registry file"):
        warnings: list[str] = []
        if journal.recover(layout.journal):
            warnings.append(f"completing an apply that was interrupted (journal {layout.journal})")
        registry_text = read_registry_text(layout.registry)
        log = parse_apply_log(read_text_if_exists(layout.apply_telemetry, "apply telemetry file"))
        plan = plan_apply(
            registry_text=registry_text,
            apply_log=log,
            decision=decision,
            request=request,
            files=record_files(layout, decision_file),
            now=now,
            registry_label=str(layout.registry),
        )
        if plan.telemetry_line is None:
            atomic_write(layout.apply_state, plan.apply_state_text)
        else:
            entry = journal.JournalEntry(
                registry_file=layout.registry,
                registry_text=plan.registry_text,
                telemetry_file=layout.apply_telemetry,
                telemetry_line=plan.telemetry_line,
                state_file=layout.apply_state,
                state_text=plan.apply_state_text,
            )
            journal.commit(layout.journal, entry, registry_now=registry_text)
    return replace(plan, warnings=[*warnings, *plan.warnings]) if warnings else plan
