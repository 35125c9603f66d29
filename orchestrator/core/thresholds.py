"""Gate thresholds from their command-line text, with the reference's validation messages."""

from __future__ import annotations

import re

from orchestrator.core.bake import parse_duration
from orchestrator.core.errors import InvalidInput
from orchestrator.core.models import Thresholds

MAX_COUNT = 1_000_000_000
_INT = re.compile(r"[0-9]+")
_RATE = re.compile(r"[0-9]+(\.[0-9]+)?|\.[0-9]+")


def _int_option(option: str, raw: str | None, default: int, minimum: int) -> int:
    if raw is None or raw == "":
        return default
    if not _INT.fullmatch(raw) or len(raw.lstrip("0")) > 10 or not minimum <= int(raw.lstrip("0") or "0") <= MAX_COUNT:
        raise InvalidInput(option, f"must be an integer >= {minimum}")
    return int(raw.lstrip("0") or "0")


def _rate_option(option: str, raw: str | None, default: float) -> float:
    if raw is None or raw == "":
        return default
    if not _RATE.fullmatch(raw) or not 0 <= float(raw) <= 1:
        raise InvalidInput(option, "must be a number between 0 and 1")
    return float(raw)


def _optional_int(option: str, raw: str | None, minimum: int) -> int | None:
    return None if raw is None or raw == "" else _int_option(option, raw, 0, minimum)


def _confidence(raw: str | None) -> float | None:
    """A confidence level in [0.5, 1): 0.95 asks for a one-sided 95 % upper bound."""
    if raw is None or raw == "":
        return None
    if not _RATE.fullmatch(raw) or not 0.5 <= float(raw) < 1:
        raise InvalidInput("confidence", "must be a number from 0.5 up to but not including 1, like 0.95", got=raw)
    return float(raw)


def parse_thresholds(
    *,
    window_executions: str | None = None,
    min_sample_size: str | None = None,
    max_ambiguity_rate: str | None = None,
    max_failure_rate: str | None = None,
    max_manual_backlog: str | None = None,
    max_drill_age_hours: str | None = None,
    min_bake: str | None = None,
    min_runs_since_expand: str | None = None,
    confidence: str | None = None,
    min_attempts: str | None = None,
) -> Thresholds:
    """Every threshold parsed and range-checked; an empty value keeps the reference's default (the
    bake and confidence options: off)."""
    return Thresholds(
        window_executions=_int_option("window-executions", window_executions, 20, 1),
        min_sample_size=_int_option("min-sample-size", min_sample_size, 20, 1),
        max_ambiguity_rate=_rate_option("max-ambiguity-rate", max_ambiguity_rate, 0.2),
        max_failure_rate=_rate_option("max-failure-rate", max_failure_rate, 0.2),
        max_manual_backlog=_int_option("max-manual-backlog", max_manual_backlog, 5, 0),
        max_drill_age_hours=_int_option("max-drill-age-hours", max_drill_age_hours, 168, 1),
        min_bake_seconds=parse_duration("min-bake", min_bake),
        min_runs_since_expand=_optional_int("min-runs-since-expand", min_runs_since_expand, 1),
        confidence=_confidence(confidence),
        min_attempts=_optional_int("min-attempts", min_attempts, 1),
    )
