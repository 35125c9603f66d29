"""The status use case: read the fleet's state through the store and derive its status in the core."""

from __future__ import annotations

from datetime import datetime

from orchestrator.core.fleet_status import FleetStatus, derive_fleet_status
from orchestrator.store.fleet_state import load_fleet_state
from orchestrator.store.layout import FleetLayout


def fleet_status(layout: FleetLayout, now: datetime) -> FleetStatus:
    """The v1 fleet status at ``now`` (review deadlines are judged against that instant)."""
    return derive_fleet_status(load_fleet_state(layout, now), now)
