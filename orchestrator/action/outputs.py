"""The step outputs, as strings, read from the typed orchestration result of this run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from orchestrator.action.artifact.service import UploadResult
from orchestrator.core.models import OrchestrationResult, RolloutPoint
from orchestrator.store.layout import FleetLayout

RESULT_OUTPUTS: tuple[str, ...] = (
    "decision",
    "promote",
    "status",
    "failed-gates",
    "reason-codes",
    "trace-id",
    "canary-percent-before",
    "canary-percent-after",
    "result-file",
    "summary-file",
    "commit-sha",
    "pull-request-url",
    "evidence-digest",
    "decision-expires-at",
)
"""Outputs set from the result whenever the use case produced one."""

ARTIFACT_OUTPUTS: tuple[str, ...] = ("artifact-id", "artifact-url")
"""Outputs set from the upload; empty when nothing was uploaded."""


def canary_percent(result: OrchestrationResult, side: Literal["before", "after"]) -> str:
    """Canary percent from the result's rollout, else from the apply record's; empty when unknown."""
    record = result.apply.record
    for rollout in (result.rollout, record.rollout if record else None):
        if rollout is not None:
            point: RolloutPoint = getattr(rollout, side)
            return str(point.canary_percent)
    return ""


def workspace_path(path: Path | None, workspace: Path) -> str:
    """``path`` relative to the workspace, as a workflow's later steps open it; empty without one."""
    return os.path.relpath(path, workspace) if path is not None else ""


def result_outputs(result: OrchestrationResult, layout: FleetLayout | None, workspace: Path) -> dict[str, str]:
    """Every output the result answers, in the order action.yml lists them.

    ``layout`` is ``None`` when the result and summary files were not written (a refused run whose
    fleet folder cannot be used): ``result-file`` and ``summary-file`` are empty then.
    """
    github = result.github
    return {
        "decision": result.decision,
        "promote": "true" if result.decision == "promote" else "false",
        "status": result.status,
        "failed-gates": ",".join(result.summary.failed_gates),
        "reason-codes": ",".join(result.summary.reason_codes),
        "trace-id": result.trace_id or "",
        "canary-percent-before": canary_percent(result, "before"),
        "canary-percent-after": canary_percent(result, "after"),
        "result-file": workspace_path(layout.orchestrate_result if layout else None, workspace),
        "summary-file": workspace_path(layout.orchestrate_summary if layout else None, workspace),
        "commit-sha": (github.commit_sha or "") if github else "",
        "pull-request-url": (github.pull_request_url or "") if github else "",
        "evidence-digest": result.evidence_digest or "",
        "decision-expires-at": result.decision_expires_at or "",
    }


def artifact_outputs(upload: UploadResult | None) -> dict[str, str]:
    if upload is None:
        return dict.fromkeys(ARTIFACT_OUTPUTS, "")
    return {"artifact-id": str(upload.artifact_id), "artifact-url": upload.url or ""}


def hold_message(result: OrchestrationResult) -> str:
    """The failure of a hold under fail-on-hold: which gates failed and why."""
    gates = ", ".join(result.summary.failed_gates) or "none reported"
    reasons = ", ".join(result.summary.reason_codes) or "none reported"
    return f"promotion decision is hold (fail-on-hold): failed gates: {gates}; reason codes: {reasons}"
