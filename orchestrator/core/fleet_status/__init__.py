"""Fleet status derivation: the v1 status (and its ``autonomous`` block) from raw fleet state.

The gates decide promotions from the ``autonomous`` block, so the derivation is a pure function
of the parsed state and an explicit evaluation time: no file access and no clock reads, which
keeps the review-deadline boundaries exactly testable. Inputs are loose JSON (other tools write
them), so every accessor tolerates missing or mistyped values instead of raising; absent values
fall back the way the v1 contract defines. A mistyped value is not silently read as empty,
though: each one is recorded in ``FleetStatus.problems``, which the gates' evidence turns into
errors (hold). Where two inputs record the same fact differently, the safe one wins.

Modules: ``inputs`` (what is read), ``governance`` (posture), ``outcomes`` (handoff and rollup),
``safety`` (rollout, autopause, suppression paths), ``signals`` (facts recorded in more than one
place), ``autonomous`` and ``sections`` (the blocks), ``model`` (the typed result and its exact
JSON form), ``shapes`` and ``problems`` (the type each read value must have, and what was not),
``derive`` (the entry point).
"""

from orchestrator.core.fleet_status.derive import derive_fleet_status
from orchestrator.core.fleet_status.governance import (
    REVIEW_DUE_SOON_WINDOW,
    GovernanceEvaluation,
    GovernancePosture,
    evaluate_governance,
)
from orchestrator.core.fleet_status.inputs import FleetFiles, FleetState
from orchestrator.core.fleet_status.model import (
    AutonomousStatus,
    AutopauseStatus,
    FleetStatus,
    GovernanceStatus,
    OutcomeRollup,
    RolloutState,
    RolloutStatus,
    SafetyGateDecisions,
    SuppressionPaths,
)
from orchestrator.core.fleet_status.problems import StatusProblem

__all__ = [
    "REVIEW_DUE_SOON_WINDOW",
    "AutonomousStatus",
    "AutopauseStatus",
    "FleetFiles",
    "FleetState",
    "FleetStatus",
    "GovernanceEvaluation",
    "GovernancePosture",
    "GovernanceStatus",
    "OutcomeRollup",
    "RolloutState",
    "RolloutStatus",
    "SafetyGateDecisions",
    "StatusProblem",
    "SuppressionPaths",
    "derive_fleet_status",
    "evaluate_governance",
]
