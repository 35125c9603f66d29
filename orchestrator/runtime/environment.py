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


def given_trace_id(explicit: str | None = None) -> str | None:
    """The trace id the operator gave (flag, else ``OPS_MANAGER_TRACE_ID``); ``None`` when one would be generated."""
    return explicit or os.environ.get("OPS_MANAGER_TRACE_ID") or None


HOOK_PREFIXES = ("OPS_MANAGER_PROMOTION_", "OPS_MANAGER_FLEET_", "PROMOTION_ROLLOUT_HOOK_")


def hook_variables() -> dict[str, str]:
    """The phase-hook variables that are set (``OPS_MANAGER_*_SCRIPT`` and the hook timeout), by name."""
    return {
        name: value
        for name, value in os.environ.items()
        if value and name.startswith(HOOK_PREFIXES) and (name.endswith("_SCRIPT") or name.endswith("_SECONDS"))
    }


def step_summary_path() -> Path | None:
    """``$GITHUB_STEP_SUMMARY`` under Actions (summaries are appended there, as the reference does)."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    return Path(target) if target else None
