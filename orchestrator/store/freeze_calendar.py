"""The ``--freeze-calendar`` file: read through the store (confined, bounded), judged by ``core.freeze``."""

from __future__ import annotations

from pathlib import Path

from orchestrator.core.freeze import FreezeWindow, calendar_document
from orchestrator.store.files import load_json


def read_freeze_calendar(path: str | Path | None) -> tuple[FreezeWindow, ...]:
    """Every window of the calendar file (``{"freeze": [...]}`` or the bare list); a bad one is refused.

    No path, no windows. A relative path starts at the working directory, as every path flag does.
    """
    if not path:
        return ()
    absolute = Path(path).absolute()
    return calendar_document(load_json(absolute, "freeze calendar"), f"freeze calendar {absolute}")
