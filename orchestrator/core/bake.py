"""Bake time and fresh evidence: what the reliability gate asks of the time since the last expansion.

``--min-bake DURATION`` holds with ``promotion_bake_not_elapsed`` until that long has passed since
the last expansion: the newest apply record with intent ``expand`` that changed the canary share
(a replay changed nothing and does not count). ``--min-runs-since-expand N`` makes the reliability
window count only the runs recorded after that expansion and holds with
``promotion_fresh_sample_insufficient`` while fewer than ``N`` are. A run is placed by its
``timestamp``; a run without one counts as before the expansion (fail closed). An expansion whose
time cannot be read, or an apply telemetry that cannot be read, leaves the bake unfinished and no
run fresh. With no expansion on record nothing is held back.

Both can also come from the registry (``policy.autonomous.rollout.bake``: ``minDuration``,
``minRunsSinceExpand``); a flag wins over the policy. Off by default: the reference's decisions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from orchestrator.core.errors import InvalidInput
from orchestrator.core.evidence.handoff_rules import RunCounts
from orchestrator.core.models import BakeAssessment, Thresholds
from orchestrator.core.reasons import ReasonCode
from orchestrator.core.timestamps import format_ts, parse_ts

DURATION_PATTERN = r"^([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?$"
"""A duration as ``6h``, ``90m``, ``1d12h``, ``45s``: whole days, hours, minutes, seconds, in that order."""
_DURATION = re.compile(DURATION_PATTERN)
_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
MAX_BAKE_SECONDS = 366 * 86400
DURATION_PROBLEM = "must be a duration like 6h, 90m or 1d12h (at most 366 days)"


def parse_duration(option: str, raw: str | None) -> int | None:
    """Seconds from ``raw`` (``None`` or empty: not given); a zero or malformed duration is refused."""
    if raw is None or raw == "":
        return None
    match = _DURATION.fullmatch(raw) if 0 < len(raw) <= 32 else None
    if match is None:
        raise InvalidInput(option, DURATION_PROBLEM, got=raw)
    seconds = sum(int(part[:-1]) * _UNITS[i][1] for i, part in enumerate(match.groups()) if part)
    if not 0 < seconds <= MAX_BAKE_SECONDS:
        raise InvalidInput(option, DURATION_PROBLEM, got=raw)
    return seconds


def format_duration(seconds: int) -> str:
    """``21600`` → ``6h``, ``5400`` → ``1h30m``: the largest units first, zero parts left out."""
    parts: list[str] = []
    for unit, size in _UNITS:
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


def bake_enabled(thresholds: Thresholds) -> bool:
    return thresholds.min_bake_seconds is not None or thresholds.min_runs_since_expand is not None


def with_policy(thresholds: Thresholds, registry: Mapping[str, Any] | None) -> Thresholds:
    """The thresholds with the registry's ``policy.autonomous.rollout.bake`` filling what no flag set."""
    bake: Any = registry
    for key in ("policy", "autonomous", "rollout", "bake"):
        bake = bake.get(key) if isinstance(bake, Mapping) else None
    if not isinstance(bake, Mapping):
        return thresholds
    option = "policy.autonomous.rollout.bake"
    updates: dict[str, Any] = {}
    duration = bake.get("minDuration")
    if thresholds.min_bake_seconds is None and duration is not None:
        if not isinstance(duration, str):
            raise InvalidInput(f"{option}.minDuration", DURATION_PROBLEM, label=f"{option}.minDuration")
        updates["min_bake_seconds"] = parse_duration(f"{option}.minDuration", duration)
    runs = bake.get("minRunsSinceExpand")
    if thresholds.min_runs_since_expand is None and runs is not None:
        if not isinstance(runs, int) or isinstance(runs, bool) or runs < 1:
            raise InvalidInput(
                f"{option}.minRunsSinceExpand", "must be an integer >= 1", label=f"{option}.minRunsSinceExpand"
            )
        updates["min_runs_since_expand"] = runs
    return thresholds.model_copy(update=updates) if updates else thresholds


@dataclass(frozen=True)
class LastExpansion:
    """The newest expansion on record: ``at`` is ``None`` when there is none; ``unreadable`` when the
    apply telemetry or an expansion's time could not be read (then nothing counts as after it)."""

    at: datetime | None = None
    unreadable: bool = False


def _changed_canary(record: Mapping[str, Any]) -> bool:
    """Whether the record moved the canary share; a record that does not say is taken as having moved it."""
    rollout = record.get("rollout")
    if not isinstance(rollout, Mapping):
        return True
    before, after = rollout.get("before"), rollout.get("after")
    if not isinstance(before, Mapping) or not isinstance(after, Mapping):
        return True
    return bool(before.get("canaryPercent") != after.get("canaryPercent"))


def last_expansion(records: Sequence[Mapping[str, Any]]) -> LastExpansion:
    """The newest (latest ``timestamp``) expansion among the apply telemetry's records."""
    newest: datetime | None = None
    for record in records:
        if record.get("intent") != "expand" or record.get("replayed") is True or not _changed_canary(record):
            continue
        moment = parse_ts(record.get("timestamp"))
        if moment is None:
            return LastExpansion(unreadable=True)
        newest = moment if newest is None else max(newest, moment)
    return LastExpansion(at=newest)


def fresh_runs(
    runs: Sequence[RunCounts], times: Mapping[int, datetime], expansion: LastExpansion | None, thresholds: Thresholds
) -> list[RunCounts]:
    """The runs the reliability window counts: all of them, or with ``min-runs-since-expand`` only those
    recorded (``times``, by line) after the last expansion (``expansion`` ``None``: none on record)."""
    if thresholds.min_runs_since_expand is None or expansion is None:
        return list(runs)
    if expansion.unreadable:
        return []
    at = expansion.at
    if at is None:
        return list(runs)
    return [run for run in runs if run.line in times and times[run.line] > at]


def assess_bake(
    fresh: int, expansion: LastExpansion | None, thresholds: Thresholds, now: datetime | None
) -> tuple[BakeAssessment | None, list[str]]:
    """The bake block of the reliability gate and its reasons; ``fresh`` is the runs since the expansion."""
    if not bake_enabled(thresholds):
        return None, []
    expansion = expansion or LastExpansion()
    reasons: list[str] = []
    ends: datetime | None = None
    elapsed = True
    if thresholds.min_bake_seconds is not None:
        if expansion.at is not None:
            ends = expansion.at + timedelta(seconds=thresholds.min_bake_seconds)
        elapsed = not expansion.unreadable and (ends is None or (now is not None and now >= ends))
        if not elapsed:
            reasons.append(ReasonCode.BAKE_NOT_ELAPSED)
    minimum = thresholds.min_runs_since_expand
    more = max(0, minimum - fresh) if minimum is not None else 0
    if more > 0:
        reasons.append(ReasonCode.FRESH_SAMPLE_INSUFFICIENT)
    block = BakeAssessment(
        last_expand_at=format_ts(expansion.at) if expansion.at is not None else None,
        expansion_unreadable=expansion.unreadable,
        min_bake_seconds=thresholds.min_bake_seconds,
        bake_ends_at=format_ts(ends) if ends is not None else None,
        bake_elapsed=elapsed,
        min_runs_since_expand=minimum,
        runs_since_expand=fresh if minimum is not None else None,
        more_runs_needed=more,
    )
    return block, reasons
