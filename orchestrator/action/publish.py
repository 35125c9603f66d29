"""What a run hands back besides its outputs: the job summary and the artifact, both from memory.

The use case returns the rendered summaries and the typed result; they are appended and uploaded
as they are, never re-read from the files the use case wrote (the same bytes, without a race).
"""

from __future__ import annotations

from collections.abc import Mapping

from actions_toolkit import core

from orchestrator.action.artifact.errors import ArtifactServiceUnavailable
from orchestrator.action.artifact.service import UploadResult, upload_artifact
from orchestrator.action.inputs import ArtifactSettings
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.jsontext import dumps
from orchestrator.runtime.environment import step_summary_path
from orchestrator.store.files import append_text
from orchestrator.store.layout import DEFAULTS
from orchestrator.usecases.orchestrate import OrchestrationOutcome


def summaries(outcome: OrchestrationOutcome) -> list[str]:
    """The decision summary (when there was a decision), then the orchestration summary."""
    return [*([outcome.ci.summary] if outcome.ci is not None else []), outcome.summary]


def append_step_summary(outcome: OrchestrationOutcome) -> str | None:
    """Append both summaries once to ``$GITHUB_STEP_SUMMARY``; the reason when that failed."""
    target = step_summary_path()
    if target is None:
        return None
    try:
        for markdown in summaries(outcome):
            append_text(target, markdown)
    except OrchestratorError as exc:
        return f"job summary not written: {exc.message}"
    return None


def artifact_entries(outcome: OrchestrationOutcome) -> dict[str, bytes]:
    """The result JSON and summaries this run produced, named as their files, byte for byte as written.

    These files have fixed names (no input moves them), so a refused run whose fleet folder could
    not be used still uploads them under the same names.
    """
    entries = {
        DEFAULTS["orchestrate_result"].name: (dumps(outcome.payload) + "\n").encode("utf-8"),
        DEFAULTS["orchestrate_summary"].name: outcome.summary.encode("utf-8"),
    }
    if outcome.ci is not None:
        entries[DEFAULTS["ci_summary"].name] = outcome.ci.summary.encode("utf-8")
    return entries


def upload(
    outcome: OrchestrationOutcome, settings: ArtifactSettings, env: Mapping[str, str]
) -> tuple[UploadResult | None, str | None]:
    """Upload the artifact; ``(result, failure)``, where a missing service is a notice or warning, not a failure."""
    try:
        result = upload_artifact(
            settings.name, artifact_entries(outcome), retention_days=settings.retention_days, env=env
        )
    except ArtifactServiceUnavailable as exc:
        core.warning(f"artifact upload skipped: {exc.message}; the result files stay in the workspace")
        return None, None
    except OrchestratorError as exc:
        return None, f"artifact upload failed: {exc.message}"
    if result is None:
        core.notice("artifact upload skipped: the runner provided no artifact service (local run)")
    return result, None
