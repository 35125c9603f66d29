"""Editing the registry text in place, so an apply shows up in ``git diff`` as the values it changed."""

from __future__ import annotations

from typing import Any

from orchestrator.core.errors import OrchestratorError
from orchestrator.core.json_edit import JsonEditError, set_values
from orchestrator.core.models import GovernanceRecord, RolloutPoint

_ROLLOUT = ("policy", "autonomous", "rollout")
_GOVERNANCE = ("policy", "autonomous", "governance")


def edit_registry(text: str, updates: list[tuple[tuple[str, ...], Any]]) -> str:
    """The registry text with only ``updates`` changed: order, unknown keys and layout are kept."""
    try:
        return set_values(text, updates)
    except JsonEditError as exc:
        raise OrchestratorError(f"cannot edit fleet registry: {exc}") from exc


def edit_rollout(text: str, point: RolloutPoint, governance: GovernanceRecord) -> str:
    """The only values an apply writes: the rollout point, and who changed it, why and until when."""
    return edit_registry(
        text,
        [
            ((*_ROLLOUT, "canaryPercent"), point.canary_percent),
            ((*_ROLLOUT, "pause", "manual"), point.manual_pause),
            ((*_GOVERNANCE, "actor"), governance.actor),
            ((*_GOVERNANCE, "approvalRef"), governance.approval_ref),
            ((*_GOVERNANCE, "rationale"), governance.rationale),
            ((*_GOVERNANCE, "changedAt"), governance.changed_at),
            ((*_GOVERNANCE, "reviewBy"), governance.review_by),
        ],
    )
