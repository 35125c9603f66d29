"""The environment variables the shells honour, read in one place and passed inward as values."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from pathlib import Path


def environment() -> Mapping[str, str]:
    """This process's environment, for the adapters that take it as a mapping (GitHub context)."""
    return os.environ


def trace_id(explicit: str | None = None) -> str:
    """The caller's trace id, else ``OPS_MANAGER_TRACE_ID``, else a fresh UUID (the reference's order)."""
    return explicit or os.environ.get("OPS_MANAGER_TRACE_ID") or str(uuid.uuid4())


def step_summary_path() -> Path | None:
    """``$GITHUB_STEP_SUMMARY`` under Actions (summaries are appended there, as the reference does)."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    return Path(target) if target else None
