"""The JSON type of every block and field the derivation reads, and the check that finds the others.

The derivation itself stays loose (``loose.py``): it must print a status for any input. This
module says, for the same paths, what type each value must have, and which status gates read it;
``find_problems`` walks the state documents along these shapes and records every value of another
type as a ``StatusProblem``. ``null`` and absent values are skipped: they take their v1 defaults.

Adding a read to the derivation means adding its path here; the property tests in
``tests/core/test_fleet_status_strict.py`` replace every object block listed here with other types
and require a hold.
"""

from __future__ import annotations

from typing import Any

from orchestrator.core.evidence.common import is_count
from orchestrator.core.fleet_status.inputs import FleetState
from orchestrator.core.fleet_status.problems import (
    BACKLOG_GATE,
    GOVERNANCE_GATE,
    SAFETY_GATE,
    STATUS_GATES,
    Block,
    Document,
    Items,
    Leaf,
    Members,
    ProblemLog,
    Read,
    Shape,
    StatusProblem,
    Walk,
)
from orchestrator.core.jsonpath import is_number

FLAG = Leaf("true or false", lambda value: isinstance(value, bool))
COUNT = Leaf("a non-negative integer", is_count)
NUMBER = Leaf("a non-negative number", lambda value: is_number(value) and value >= 0)
TEXT = Leaf("a string", lambda value: isinstance(value, str))
TEXTS = Items(TEXT)
ANY_OBJECT = Block()


def counts(*keys: str) -> dict[str, Shape]:
    return dict.fromkeys(keys, COUNT)


def texts(*keys: str) -> dict[str, Shape]:
    return dict.fromkeys(keys, TEXT)


EXECUTION_COUNTS = ("executedCount", "ambiguousCount", "failedCount")

GOVERNANCE_RECORD = Block(
    {
        **texts("actor", "approvalRef", "rationale", "changedAt", "reviewBy"),
        "reviewWindowDays": COUNT,
        "authorityContextPresent": FLAG,
    }
)
AUTOPAUSE = Block(
    {
        "enabled": FLAG,
        "active": FLAG,
        "reasons": TEXTS,
        **counts("lookbackExecutions", "minSampleSize"),
        "ambiguityRateThreshold": NUMBER,
        "failureRateThreshold": NUMBER,
        "metrics": ANY_OBJECT,
    }
)
ROLLOUT = Block(
    {
        "canaryPercent": NUMBER,
        "scopeLoopIds": TEXTS,
        "selectorSalt": TEXT,
        "candidateBuckets": Block(counts("inScopeCount", "inCohortCount", "outOfCohortCount")),
        "pause": Block({"active": FLAG, "manual": FLAG, "reasons": TEXTS, "auto": AUTOPAUSE}),
    }
)
POLICY_STATE = Block(
    {
        "mode": Read(GOVERNANCE_GATE, TEXT),
        "autonomous": Read(
            (*GOVERNANCE_GATE, *SAFETY_GATE),
            Block(
                {
                    "enabled": Read(GOVERNANCE_GATE, FLAG),
                    "governance": Read(GOVERNANCE_GATE, GOVERNANCE_RECORD),
                    "controls": Read(SAFETY_GATE, Block({"safety": Block({"killSwitch": FLAG})})),
                    "rollout": Read(SAFETY_GATE, ROLLOUT),
                }
            ),
        ),
        "manualOnlyCount": Read(BACKLOG_GATE, COUNT),
        "unsuppressedCount": Read(SAFETY_GATE, COUNT),
        "summary": Read(SAFETY_GATE, Block({"byAutonomyReason": Members(COUNT)})),
        **counts("candidateCount", "suppressedCount", "autoEligibleCount"),
        "reasonCodes": TEXTS,
        "candidates": Items(ANY_OBJECT),
        **texts("traceId", "updatedAt"),
    }
)

INTENT = Block(
    {
        **texts("intentId", "status", "transport"),
        "autonomous": Block({"manualOnly": FLAG, "reasons": Read(STATUS_GATES, TEXTS)}),
    }
)
EXECUTION_RESULT = Block(texts("intentId", "status", "reasonCode"))
HANDOFF_STATE = Block(
    {
        "mode": Read(GOVERNANCE_GATE, TEXT),
        "summary": Read(
            BACKLOG_GATE,
            Block(
                counts(
                    "intentCount",
                    "autoEligibleIntentCount",
                    "manualOnlyIntentCount",
                    "pendingConfirmationCount",
                    *EXECUTION_COUNTS,
                )
            ),
        ),
        "intents": Read((*BACKLOG_GATE, *SAFETY_GATE), Items(INTENT)),
        "execution": Read(
            (*BACKLOG_GATE, *SAFETY_GATE),
            Block(
                {
                    **texts("mode", "requestedBy", "requestedAt", "completedAt"),
                    **counts("requestedIntentCount", "executedIntentCount", *EXECUTION_COUNTS),
                    "results": Read(SAFETY_GATE, Items(EXECUTION_RESULT)),
                }
            ),
        ),
        "reasonCodes": TEXTS,
        **texts("traceId", "updatedAt"),
    }
)

LOOP_RESULT = Block(
    {
        **texts("loopId", "status", "reasonCode", "reconcileStatus", "healthStatus", "transitionState"),
        **texts("traceId", "transport"),
        "healthReasonCodes": TEXTS,
        "durationSeconds": NUMBER,
        "sprite": ANY_OBJECT,
        "files": Block(texts("stateFile", "healthFile", "cursorFile", "reconcileTelemetryFile")),
    }
)
FLEET_STATE = Block(
    {
        **texts("fleetId", "status", "startedAt", "updatedAt", "traceId"),
        "reasonCodes": TEXTS,
        **counts("loopCount", "successCount", "failedCount", "skippedCount"),
        "durationSeconds": NUMBER,
        "results": Items(LOOP_RESULT),
    }
)
FLEET_TELEMETRY = Block({**texts("timestamp", "status"), "reasonCodes": TEXTS})
HANDOFF_TELEMETRY = Block(
    {
        **texts("timestamp", "category", "traceId"),
        "execution": Block({"mode": TEXT, **counts("requestedIntentCount", *EXECUTION_COUNTS)}),
        "summary": Block(
            {
                "summary": Block(
                    counts(
                        "intentCount",
                        "autoEligibleIntentCount",
                        "manualOnlyIntentCount",
                        "pendingConfirmationCount",
                        "pendingManualOnlyCount",
                        *EXECUTION_COUNTS,
                    )
                ),
                "reasonCodes": TEXTS,
            }
        ),
    }
)

SHAPES: tuple[tuple[Document, Shape], ...] = (
    ("policy_state", POLICY_STATE),
    ("handoff_state", HANDOFF_STATE),
    ("fleet_state", FLEET_STATE),
    ("fleet_telemetry", FLEET_TELEMETRY),
    ("handoff_telemetry", HANDOFF_TELEMETRY),
)


def _documents(state: FleetState) -> dict[Document, Any]:
    return {
        "policy_state": state.policy,
        "handoff_state": state.handoff,
        "fleet_state": state.fleet,
        "fleet_telemetry": state.latest_reconcile_telemetry,
        "handoff_telemetry": state.latest_handoff_telemetry,
    }


def find_problems(state: FleetState) -> tuple[StatusProblem, ...]:
    """Every wrongly typed block and field the derivation reads, in document order (capped)."""
    log = ProblemLog()
    documents = _documents(state)
    for document, shape in SHAPES:
        value = documents[document]
        if value is not None:
            shape.check(value, Walk(document, "", STATUS_GATES, log))
    return log.problems()
