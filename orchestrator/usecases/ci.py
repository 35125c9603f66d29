"""The CI step around the decision: skip on missing evidence, result and summary files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orchestrator.core.hints import gate_rows, what_would_change
from orchestrator.core.jsontext import dumps
from orchestrator.core.models import Decision, PromotionState, SkippedResult, SkippedSource, SkippedSummary, Thresholds
from orchestrator.core.reasons import ReasonCode
from orchestrator.core.timestamps import format_ts
from orchestrator.render.markdown import render
from orchestrator.store.evidence import missing_files
from orchestrator.store.files import atomic_write
from orchestrator.store.layout import FleetLayout
from orchestrator.usecases.decide import evaluate, record_decision


@dataclass(frozen=True)
class CiOutcome:
    payload: dict[str, Any]
    decision: Decision
    state: PromotionState | None
    summary: str

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
) -> CiOutcome:
    """Decide (or skip), then write the result and summary files; the summary is returned for the shells."""
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
            missing_paths=missing,
        )
        _write(layout, payload, summary)
        return CiOutcome(payload=payload, decision="skipped", state=None, summary=summary)

    state = evaluate(layout, thresholds, now=now, trace_id=trace_id)
    payload = record_decision(state, layout)
    summary = render(
        "ci-summary.md.j2",
        skipped=False,
        decision=state.summary.decision,
        failed_gates=state.summary.failed_gates,
        reason_codes=state.summary.reason_codes,
        rows=gate_rows(state),
        changes=what_would_change(state),
        result_file=str(layout.ci_result),
        promotion_state_file=str(layout.promotion_state),
        promotion_telemetry_file=str(layout.promotion_telemetry),
        trace_id=trace_id,
    )
    _write(layout, payload, summary)
    return CiOutcome(payload=payload, decision=state.summary.decision, state=state, summary=summary)


def _write(layout: FleetLayout, payload: dict[str, Any], summary: str) -> None:
    atomic_write(layout.ci_result, dumps(payload) + "\n")
    atomic_write(layout.ci_summary, summary)
