"""The CI step around the decision: skip on missing evidence, result and summary files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from orchestrator.core.hints import gate_rows, what_would_change
from orchestrator.core.models import PromotionState, SkippedResult, SkippedSource, SkippedSummary, Thresholds
from orchestrator.core.reasons import ReasonCode
from orchestrator.core.timestamps import format_ts
from orchestrator.render.markdown import append_step_summary, render
from orchestrator.store.files import atomic_write, dumps
from orchestrator.store.layout import artifact_path
from orchestrator.usecases.decide import DecisionPaths, evaluate, record_decision


@dataclass(frozen=True)
class CiPaths:
    decision: DecisionPaths
    result_file: Path
    summary_file: Path

    @classmethod
    def resolve(cls, decision: DecisionPaths, *, result_file: str | None, summary_file: str | None) -> CiPaths:
        return cls(
            decision=decision,
            result_file=artifact_path(decision.repo, "ci_result", result_file),
            summary_file=artifact_path(decision.repo, "ci_summary", summary_file),
        )


@dataclass(frozen=True)
class CiOutcome:
    payload: dict[str, Any]
    decision: str
    state: PromotionState | None
    summary: str

    @property
    def hold(self) -> bool:
        return self.decision == "hold"


def missing_evidence(paths: DecisionPaths) -> list[str]:
    candidates = [paths.fleet_status_file, paths.handoff_telemetry_file, paths.drill_state_file]
    return [str(p) for p in candidates if p is not None and not p.is_file()]


def run_ci(
    paths: CiPaths,
    thresholds: Thresholds,
    *,
    now: datetime,
    trace_id: str,
    skip_on_missing_evidence: bool,
) -> CiOutcome:
    """Decide (or skip), then write the result and summary files and the step summary."""
    missing = missing_evidence(paths.decision)
    if skip_on_missing_evidence and missing:
        skipped = SkippedResult(
            generated_at=format_ts(now),
            trace_id=trace_id,
            source=SkippedSource(repo_path=str(paths.decision.repo)),
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
        _write(paths, payload, summary)
        return CiOutcome(payload=payload, decision="skipped", state=None, summary=summary)

    state = evaluate(paths.decision, thresholds, now=now, trace_id=trace_id)
    payload = record_decision(state, paths.decision)
    summary = render(
        "ci-summary.md.j2",
        skipped=False,
        decision=state.summary.decision,
        failed_gates=state.summary.failed_gates,
        reason_codes=state.summary.reason_codes,
        rows=gate_rows(state),
        changes=what_would_change(state),
        result_file=str(paths.result_file),
        promotion_state_file=str(paths.decision.promotion_state_file),
        promotion_telemetry_file=str(paths.decision.promotion_telemetry_file),
        trace_id=trace_id,
    )
    _write(paths, payload, summary)
    return CiOutcome(payload=payload, decision=state.summary.decision, state=state, summary=summary)


def _write(paths: CiPaths, payload: dict[str, Any], summary: str) -> None:
    atomic_write(paths.result_file, dumps(payload) + "\n")
    atomic_write(paths.summary_file, summary)
    append_step_summary(summary)
