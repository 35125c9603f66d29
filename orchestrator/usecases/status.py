"""The status use case: read the fleet's state through the store and derive its status in the core."""

from __future__ import annotations

from datetime import datetime

from orchestrator.core.fleet_status import FleetStatus, derive_fleet_status
from orchestrator.hooks.config import Hook
from orchestrator.store.fleet_state import load_fleet_state
from orchestrator.store.layout import FleetLayout
from orchestrator.usecases.hook_checks import check_registry


def fleet_status(layout: FleetLayout, now: datetime, *, registry_hook: Hook | None = None) -> FleetStatus:
    """The v1 fleet status at ``now`` (review deadlines are judged against that instant).

    With a registry hook (``OPS_MANAGER_FLEET_REGISTRY_SCRIPT``) the hook must first accept the
    registry, as the reference's status script asks it to; a refusal stops here.
    """
    if registry_hook is not None:
        check_registry(registry_hook, layout)
    return derive_fleet_status(load_fleet_state(layout, now), now)
