"""The numbers behind the summaries' charts: the reliability window and the canary history.

Pure views: the reliability window is the handoff runs the decision judged, the canary history the
apply telemetry records the store read. A chart holds numbers (formatted here) and the templates'
fixed labels only, never text from a file or an operator, so nothing in a Mermaid block can be
steered by evidence. The tables beside the charts carry the same numbers (and the escaped times).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from orchestrator.core.evidence.handoff_rules import RunCounts
from orchestrator.core.models import Thresholds

HISTORY_LIMIT = 30
"""The most recent applies the canary history shows."""


def _number(value: float) -> str:
    """A percentage with at most one decimal, as Mermaid and the table show it."""
    text = f"{value:.1f}"
    return text.removesuffix(".0")


def _share(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole > 0 else 0.0


@dataclass(frozen=True)
class WindowRow:
    run: int
    line: int
    requested: int
    failed: int
    ambiguous: int
    failed_share: str
    ambiguous_share: str


@dataclass(frozen=True)
class ReliabilityChart:
    """Per run, oldest first: failed and ambiguous share of its requested intents, against the thresholds."""

    rows: list[WindowRow]
    failed: list[str]
    ambiguous: list[str]
    max_failure: str
    max_ambiguity: str
    y_max: int

    @property
    def labels(self) -> list[str]:
        return [str(row.run) for row in self.rows]


def _y_max(values: Iterable[float]) -> int:
    """A round top for the y axis with some room above the highest value (5 to 100)."""
    highest = max(values, default=0.0)
    return max(5, min(100, math.ceil(highest * 1.25 / 5) * 5))


def reliability_chart(runs: Sequence[RunCounts], thresholds: Thresholds) -> ReliabilityChart | None:
    if not runs:
        return None
    failed = [_share(run.failed, run.requested) for run in runs]
    ambiguous = [_share(run.ambiguous, run.requested) for run in runs]
    max_failure, max_ambiguity = 100.0 * thresholds.max_failure_rate, 100.0 * thresholds.max_ambiguity_rate
    rows = [
        WindowRow(index, run.line, run.requested, run.failed, run.ambiguous, _number(f), _number(a))
        for index, (run, f, a) in enumerate(zip(runs, failed, ambiguous, strict=True), start=1)
    ]
    return ReliabilityChart(
        rows=rows,
        failed=[_number(value) for value in failed],
        ambiguous=[_number(value) for value in ambiguous],
        max_failure=_number(max_failure),
        max_ambiguity=_number(max_ambiguity),
        y_max=_y_max([*failed, *ambiguous, max_failure, max_ambiguity]),
    )


@dataclass(frozen=True)
class ApplyRow:
    number: int
    timestamp: str
    intent: str
    before: int
    after: int
    paused: bool
    replayed: bool


@dataclass(frozen=True)
class CanaryHistory:
    """The last applies, oldest first: canary share before and after each."""

    rows: list[ApplyRow]
    total: int

    @property
    def labels(self) -> list[str]:
        return [str(row.number) for row in self.rows]

    @property
    def before(self) -> list[int]:
        return [row.before for row in self.rows]

    @property
    def after(self) -> list[int]:
        return [row.after for row in self.rows]


def _percent(point: Any) -> int | None:
    value = point.get("canaryPercent") if isinstance(point, Mapping) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100 else None


def _apply_row(number: int, record: Mapping[str, Any]) -> ApplyRow | None:
    """One apply's canary move; ``None`` for a record without a readable before and after."""
    rollout = record.get("rollout")
    if not isinstance(rollout, Mapping):
        return None
    before, after = _percent(rollout.get("before")), _percent(rollout.get("after"))
    if before is None or after is None:
        return None
    pause = rollout.get("after")
    return ApplyRow(
        number=number,
        timestamp=str(record.get("timestamp", "")),
        intent=str(record.get("intent", "")),
        before=before,
        after=after,
        paused=isinstance(pause, Mapping) and pause.get("manualPause") is True,
        replayed=record.get("replayed") is True,
    )


def canary_history(records: Sequence[Mapping[str, Any]], limit: int = HISTORY_LIMIT) -> CanaryHistory | None:
    """The apply telemetry's records as a history of the canary share (the last ``limit``)."""
    rows = [row for number, record in enumerate(records, start=1) if (row := _apply_row(number, record))]
    if not rows:
        return None
    return CanaryHistory(rows=rows[-limit:], total=len(rows))
