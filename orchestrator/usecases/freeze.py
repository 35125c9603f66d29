"""The change freeze as an orchestration sees it before applying: the registry's windows and the file's.

An apply judges the freeze itself (``core.apply_plan``), on the registry it is about to edit; this
preview only reports it, so a dry run shows the freeze (as a warning, not a refusal) and a result
says which window held and until when. A registry that cannot be read reports no window here: the
apply refuses such a registry anyway.
"""

from __future__ import annotations

from datetime import datetime

from orchestrator.core.errors import OrchestratorError
from orchestrator.core.freeze import FreezeWindow, active_freeze, registry_calendar
from orchestrator.core.models import FreezeStatus
from orchestrator.core.orchestration import OrchestrateRequest
from orchestrator.core.registry.document import parse_registry_text
from orchestrator.store.files import exists
from orchestrator.store.layout import FleetLayout
from orchestrator.store.registry import read_registry_text


def _registry_windows(layout: FleetLayout) -> tuple[FreezeWindow, ...]:
    if not exists(layout.registry):
        return ()
    try:
        return registry_calendar(parse_registry_text(read_registry_text(layout.registry), str(layout.registry)))
    except (OrchestratorError, TypeError, ValueError):
        return ()


def freeze_preview(request: OrchestrateRequest, layout: FleetLayout, now: datetime) -> FreezeStatus | None:
    """The freeze holding at ``now``, if any, and whether a break-glass approval was given for it."""
    freeze = active_freeze((*_registry_windows(layout), *request.freeze_calendar), now)
    if freeze is None:
        return None
    return FreezeStatus(
        window=freeze.label,
        reason=freeze.reason,
        ends_at=freeze.to_json()["endsAt"],
        break_glass_approval_ref=request.break_glass_ref,
    )
