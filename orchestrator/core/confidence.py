"""Statistical confidence for the reliability gate (``--confidence``, ``--min-attempts``).

A point rate compared with its threshold lets a small sample promote by luck: 20 clean attempts
"prove" a failure rate of 0. With a confidence level, the gate judges the **one-sided Wilson upper
bound** of each judged rate instead: the largest rate the evidence does not rule out at that
level. The gate promotes only when both bounds are at or below their thresholds and the window
holds at least ``min-attempts`` attempts; otherwise the evidence is *inconclusive*, and
``more_clean_attempts`` solves for how many more clean attempts would make it conclusive.

With no confidence level (the default) nothing here changes a decision: only an explicitly given
``--min-attempts`` is checked, as a sample minimum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import sqrt
from statistics import NormalDist, median_low

from orchestrator.core.evidence.handoff_rules import RunCounts
from orchestrator.core.models import ConfidenceAssessment, Thresholds
from orchestrator.core.reasons import ReasonCode

WEIGHT_CAP = 4
"""As in ``core.gates``: a run weighs at most this many times the median requested count."""
MAX_MORE_ATTEMPTS = 10**12
"""Past this many more attempts the answer is "never" (``None``)."""


@dataclass(frozen=True)
class Rates:
    """The judged rates of the window (``core.gates.JudgedRates``), as plain numbers."""

    ambiguity: float
    failure: float


def z_score(level: float) -> float:
    """The one-sided standard normal quantile for ``level`` (1.645 at 0.95)."""
    return NormalDist().inv_cdf(level)


def wilson_upper(rate: float, attempts: float, level: float) -> float:
    """The one-sided Wilson score upper bound of a proportion ``rate`` observed over ``attempts``.

    No attempts prove nothing: the bound is 1. The bound is never below the point rate nor above 1.
    """
    if attempts <= 0:
        return 1.0
    p = min(max(rate, 0.0), 1.0)
    z = z_score(level)
    z2n = z * z / attempts
    centre = p + z2n / 2
    margin = z * sqrt(p * (1 - p) / attempts + z2n / (4 * attempts))
    return min(1.0, max(p, (centre + margin) / (1 + z2n)))


def more_clean_attempts(bad: float, attempts: float, threshold: float, level: float) -> int | None:
    """The fewest clean attempts to add to ``attempts`` (``bad`` of them failed, or were ambiguous)
    for the upper bound to reach ``threshold``; ``None`` when no number will (a threshold of 0)."""

    def conclusive(more: int) -> bool:
        total = attempts + more
        return wilson_upper(bad / total if total > 0 else 0.0, total, level) <= threshold

    if conclusive(0):
        return 0
    if threshold <= 0:
        return None
    high = 1
    while not conclusive(high):
        if high > MAX_MORE_ATTEMPTS:
            return None
        high *= 2
    low = high // 2  # not conclusive (or 0, which was checked)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if conclusive(middle) else (middle, high)
    return high


def weighed_attempts(runs: Sequence[RunCounts]) -> int:
    """The window's attempts with every run's weight capped as the capped rate counts them (never more
    than the plain sum): the sample size the judged rates rest on, so a huge run cannot buy confidence."""
    sizes = sorted(r.requested for r in runs if r.requested > 0)
    if not sizes:
        return 0
    cap = WEIGHT_CAP * median_low(sizes)
    return sum(min(r.requested, cap) for r in runs)


def assess_confidence(
    runs: Sequence[RunCounts], rates: Rates, thresholds: Thresholds
) -> tuple[ConfidenceAssessment | None, list[str]]:
    """The confidence block of the reliability gate and the reasons it adds (none when it is off)."""
    attempted = sum(r.requested for r in runs)
    if thresholds.confidence is None:
        short = thresholds.min_attempts is not None and attempted < thresholds.min_attempts
        return None, [ReasonCode.AUTONOMOUS_SAMPLE_INSUFFICIENT] if short and attempted > 0 else []
    level = thresholds.confidence
    minimum = thresholds.min_attempts if thresholds.min_attempts is not None else thresholds.min_sample_size
    weighed = weighed_attempts(runs)
    failure = wilson_upper(rates.failure, weighed, level)
    ambiguity = wilson_upper(rates.ambiguity, weighed, level)
    conclusive = attempted >= minimum and failure <= thresholds.max_failure_rate
    conclusive = conclusive and ambiguity <= thresholds.max_ambiguity_rate
    needs = [
        more_clean_attempts(rates.failure * weighed, weighed, thresholds.max_failure_rate, level),
        more_clean_attempts(rates.ambiguity * weighed, weighed, thresholds.max_ambiguity_rate, level),
    ]
    more = None if None in needs else max(minimum - attempted, *(n for n in needs if n is not None))
    assessment = ConfidenceAssessment(
        level=level,
        attempts=attempted,
        min_attempts=minimum,
        failure_upper_bound=failure,
        ambiguity_upper_bound=ambiguity,
        conclusive=conclusive,
        more_clean_attempts=more,
    )
    return assessment, [] if conclusive or attempted == 0 else [ReasonCode.AUTONOMOUS_EVIDENCE_INCONCLUSIVE]
