"""The CI step around the decision: skip on missing evidence, result and summary files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from orchestrator.core.charts import reliability_chart
from orchestrator.core.digest import DEFAULT_DECISION_TTL_HOURS, expires_at
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.evidence.handoff_rules import RunCounts
from orchestrator.core.hints import gate_rows, what_would_change
from orchestrator.core.jsontext import dumps
from orchestrator.core.models import Decision, PromotionState, SkippedResult, SkippedSource, SkippedSummary, Thresholds
from orchestrator.core.next_steps import next_steps
from orchestrator.core.reasons import ReasonCode
from orchestrator.core.timestamps import format_ts
from orchestrator.hooks.config import NO_HOOK_CONTEXT, Hook, HookContext
from orchestrator.hooks.readback import DecisionReadBack, decision_readback, parse_document
from orchestrator.hooks.runner import run_hook
from orchestrator.render.markdown import render
from orchestrator.store.evidence import missing_files
from orchestrator.store.files import atomic_write
from orchestrator.store.layout import FleetLayout, display_path, display_text
from orchestrator.usecases.decide import evaluate_with_window, record_decision
from orchestrator.usecases.hook_checks import evaluate_decision


@dataclass(frozen=True)
class CiOutcome:
    payload: dict[str, Any]
    decision: Decision
    state: PromotionState | None
    summary: str
    external: bool = False
    """The whole CI step ran as a hook, which published its own summary."""

    @property
    def hold(self) -> bool:
        return self.decision == "hold"


def missing_evidence(layout: FleetLayout) -> list[str]:
    """The evidence files that are absent (a skip reason under ``--skip-on-missing-evidence``)."""
    return missing_files([layout.fleet_status, layout.handoff_telemetry, layout.drill_state])


def run_ci(
    layout: FleetLayout,
    thresholds: Thresholds,
    *,
    now: datetime,
    trace_id: str,
    skip_on_missing_evidence: bool,
    fail_on_hold: bool = False,
    hooks: HookContext = NO_HOOK_CONTEXT,
    display_root: Path | None = None,
    decision_ttl_hours: float = DEFAULT_DECISION_TTL_HOURS,
) -> CiOutcome:
    """Decide (or skip), then write the result and summary files; the summary is returned for the shells.

    With a gates hook the decision is the hook's (``fail_on_hold`` is forwarded to it); without
    one the gates run here, honouring the status and registry hooks on the way. With
    ``display_root`` the summary shows paths relative to it (the result JSON keeps them absolute).
    """
    missing = missing_evidence(layout)
    if skip_on_missing_evidence and missing:
        skipped = SkippedResult(
            generated_at=format_ts(now),
            trace_id=trace_id,
            source=SkippedSource(repo_path=str(layout.repo)),
            summary=SkippedSummary(reason_codes=[ReasonCode.CI_MISSING_EVIDENCE], missing_evidence_paths=missing),
        )
        payload = skipped.to_json()
        summary = render(
            "ci-summary.md.j2",
            skipped=True,
            decision="skipped",
            reason_codes=payload["summary"]["reasonCodes"],
            missing_paths=[display_path(path, display_root) for path in missing],
            next_steps=next_steps(payload["summary"]["reasonCodes"]),
        )
        _write(layout, payload, summary)
        return CiOutcome(payload=payload, decision="skipped", state=None, summary=summary)

    if hooks.hooks.gates is not None:
        read = _gates_hook(hooks.hooks.gates, layout, hooks, trace_id=trace_id, fail_on_hold=fail_on_hold)
        state, window = _typed_state(read.document), list[RunCounts]()
        payload = read.document
        decision, failed, reasons = read.decision, read.failed_gates, read.reason_codes
        trace_id = read.trace_id or trace_id
    else:
        state, window = _evaluate(layout, thresholds, hooks, now=now, trace_id=trace_id)
        state = state.model_copy(update={"expires_at": expires_at(now, decision_ttl_hours)})
        payload = record_decision(state, layout)
        decision, failed, reasons = state.summary.decision, state.summary.failed_gates, state.summary.reason_codes
    summary = render(
        "ci-summary.md.j2",
        skipped=False,
        decision=decision,
        failed_gates=failed,
        reason_codes=reasons,
        rows=gate_rows(state) if state else [],
        changes=[display_text(change, display_root) for change in what_would_change(state)] if state else [],
        next_steps=next_steps(reasons),
        window=reliability_chart(window, state.thresholds) if state else None,
        result_file=display_path(layout.ci_result, display_root),
        promotion_state_file=display_path(layout.promotion_state, display_root),
        promotion_telemetry_file=display_path(layout.promotion_telemetry, display_root),
        trace_id=trace_id,
        evidence_digest=state.evidence_digest if state else None,
        decision_expires_at=state.expires_at if state else None,
    )
    _write(layout, payload, summary)
    return CiOutcome(payload=payload, decision=decision, state=state, summary=summary)


def _evaluate(
    layout: FleetLayout, thresholds: Thresholds, hooks: HookContext, *, now: datetime, trace_id: str
) -> tuple[PromotionState, list[RunCounts]]:
    """The decision and the reliability window it judged; with a status or registry hook, no window."""
    if layout.fleet_status is not None or (hooks.hooks.status is None and hooks.hooks.registry is None):
        return evaluate_with_window(layout, thresholds, now=now, trace_id=trace_id)
    return evaluate_decision(layout, thresholds, hooks.hooks, now=now, trace_id=trace_id), []


def _typed_state(doc: dict[str, Any]) -> PromotionState | None:
    """A hook's decision as our model when it is a whole v1 promotion state (for the gate table)."""
    try:
        return PromotionState.model_validate(doc, strict=True)
    except ValueError:
        return None


def gates_arguments(layout: FleetLayout, hooks: HookContext, *, trace_id: str, fail_on_hold: bool) -> list[str]:
    """The gates script's flags, in the order the reference's CI step passes them."""
    args = ["--repo", str(layout.repo), "--handoff-telemetry-file", str(layout.handoff_telemetry)]
    args += ["--drill-state-file", str(layout.drill_state), "--promotion-state-file", str(layout.promotion_state)]
    args += ["--promotion-telemetry-file", str(layout.promotion_telemetry)]
    if layout.fleet_status is not None:
        args += ["--fleet-status-file", str(layout.fleet_status)]
    args += hooks.threshold_args
    if hooks.trace_given:
        args += ["--trace-id", trace_id]
    if hooks.pretty:
        args.append("--pretty")
    if fail_on_hold:
        args.append("--fail-on-hold")
    return args


def _gates_hook(
    hook: Hook, layout: FleetLayout, hooks: HookContext, *, trace_id: str, fail_on_hold: bool
) -> DecisionReadBack:
    """Run the gates hook and read its decision from its standard output, as the reference's CI step does.

    Exit 0, or 2 with a ``hold`` under ``--fail-on-hold``, is a decision; any other status, or
    output that is not a valid decision, fails the step without recording anything.
    """
    run = run_hook(hook, gates_arguments(layout, hooks, trace_id=trace_id, fail_on_hold=fail_on_hold))
    try:
        read = decision_readback(parse_document(run.stdout, hook.variable, "decision"), hook.variable)
    except OrchestratorError:
        if run.exit_code != 0:
            raise run.failure() from None
        raise
    held = run.exit_code == 2 and fail_on_hold and read.decision == "hold"
    if run.exit_code != 0 and not held:
        raise run.failure()
    return read


def _write(layout: FleetLayout, payload: dict[str, Any], summary: str) -> None:
    atomic_write(layout.ci_result, dumps(payload) + "\n")
    atomic_write(layout.ci_summary, summary)
