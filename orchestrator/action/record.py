"""The record of a run the use case did not finish: refused inputs, or a failure before its result.

Every run leaves a record (docs/runbook.md). When an input is refused, or anything fails before
the use case wrote its result, the action builds a refused ``OrchestrationResult`` whose
``refusalReasonCode`` (and only reason code) says why, renders its summary with the
orchestration's template, and writes both through the store where the fleet layout can still be
resolved. The shell then sets the outputs, appends the summary and uploads the artifact as it
does for any run. A ``repo-path`` that cannot be used leaves nothing in the workspace; the record
still reaches the outputs, the job summary and the artifact.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from orchestrator.action.artifact.archive import validate_artifact_name
from orchestrator.action.inputs import (
    ActionSettings,
    ArtifactSettings,
    RawInputs,
    default_artifact_name,
    input_message,
    parse_boolean,
    parse_retention_days,
    resolve_in_workspace,
)
from orchestrator.core.errors import InvalidInput, OrchestratorError
from orchestrator.core.freetext import check_one_line
from orchestrator.core.jsontext import dumps
from orchestrator.core.models import (
    Mode,
    OrchestrationApply,
    OrchestrationFiles,
    OrchestrationResult,
    OrchestrationSummary,
)
from orchestrator.core.orchestration import EXIT_REFUSED, parse_mode
from orchestrator.core.reasons import ReasonCode
from orchestrator.core.timestamps import format_ts
from orchestrator.runtime.environment import trace_id as default_trace_id
from orchestrator.store.files import atomic_write
from orchestrator.store.layout import FleetLayout, display_path
from orchestrator.usecases.orchestrate import OrchestrationOutcome, render_summary

GOVERNANCE_INPUTS: tuple[str, ...] = ("by", "approval-ref", "rationale", "review-by")
NOT_WRITTEN = "not written by this run"


@dataclass(frozen=True)
class Refusal:
    """Why the run stopped (the one annotation) and the reason code recorded for it."""

    message: str
    code: ReasonCode


@dataclass(frozen=True)
class Target:
    """Where a run's record goes: the workspace, the fleet layout (``None`` when unusable), the artifact."""

    workspace: Path
    layout: FleetLayout | None
    artifact: ArtifactSettings
    note: str | None = None
    """Said with the failure: the artifact is uploaded under another name than the one asked for."""


@dataclass(frozen=True)
class Seams:
    """What the refused record can still say about the run that was asked for."""

    mode: Mode
    trace_id: str
    loop_id: str | None = None
    horizon_ref: str | None = None
    idempotency_key: str | None = None
    evidence_refs: tuple[str, ...] = ()
    started: bool = False
    """The use case had started: a CI result of this run may exist."""


def refusal_of(exc: Exception, text: Mapping[str, str], *, started: bool) -> Refusal:
    """The one-line reason and the reason code of a run that stopped with ``exc``."""
    if isinstance(exc, InvalidInput):
        missing = (
            text.get("mode") in ("apply", "rollback") and exc.option in GOVERNANCE_INPUTS and "required" in exc.problem
        )
        code = ReasonCode.ACTION_GOVERNANCE_MISSING if missing else ReasonCode.ACTION_INPUT_INVALID
        return Refusal(input_message(exc), code)
    if isinstance(exc, OrchestratorError):
        return Refusal(exc.message, ReasonCode.ACTION_RUN_FAILED if started else ReasonCode.ACTION_INPUT_INVALID)
    message = " ".join(f"internal error in the action: {type(exc).__name__}: {exc}".split())
    return Refusal(message, ReasonCode.ACTION_INTERNAL_ERROR)


# --- what can still be known when the inputs were refused -------------------------------------------


def _one_line(name: str, value: str) -> str | None:
    """``value`` when it is usable in the record (non-empty, one line), else ``None``."""
    try:
        check_one_line(name, value)
    except InvalidInput:
        return None
    return value or None


def seams_from_inputs(text: Mapping[str, str]) -> Seams:
    """Mode, trace id and references as far as they are valid; a refused mode is recorded as ``dry_run``."""
    try:
        mode = parse_mode(text.get("mode", ""))
    except InvalidInput:
        mode = "dry_run"
    return Seams(
        mode=mode,
        trace_id=default_trace_id(_one_line("trace-id", text.get("trace-id", ""))),
        loop_id=_one_line("loop-id", text.get("loop-id", "")),
        horizon_ref=_one_line("horizon-ref", text.get("horizon-ref", "")),
        idempotency_key=_one_line("idempotency-key", text.get("idempotency-key", "")),
    )


def seams_from_settings(settings: ActionSettings) -> Seams:
    request = settings.request
    return Seams(
        mode=request.mode,
        trace_id=request.trace_id,
        loop_id=request.loop_id,
        horizon_ref=request.horizon_ref,
        idempotency_key=request.idempotency_key,
        evidence_refs=request.evidence_refs,
        started=True,
    )


def _layout_or_none(repo_value: str, workspace: Path) -> FleetLayout | None:
    """The layout of ``repo-path`` without the evidence overrides; ``None`` when the path itself is refused."""
    try:
        repo = resolve_in_workspace(repo_value, workspace, "repo-path")
        return FleetLayout.resolve(str(repo)) if repo.is_dir() else None
    except (OrchestratorError, OSError, ValueError):
        return None


def _usable(name: str) -> bool:
    try:
        validate_artifact_name(name)
    except OrchestratorError:
        return False
    return True


def _artifact_or_default(
    raw: RawInputs, env: Mapping[str, str], repo_relative: str
) -> tuple[ArtifactSettings, str | None]:
    """The artifact settings as asked where valid, else the action.yml defaults; a bad name is replaced."""
    try:
        upload = parse_boolean(raw, "upload-artifact")
    except InvalidInput:
        upload = True
    try:
        retention = parse_retention_days(raw.get("artifact-retention-days"))
    except InvalidInput:
        retention = None
    fallback = default_artifact_name(env, repo_relative)
    name = raw.get("artifact-name") or fallback
    if not upload or _usable(name):
        return ArtifactSettings(upload=upload, name=name, retention_days=retention), None
    note = f"the record is uploaded as artifact '{fallback}' because input 'artifact-name' is not usable"
    return ArtifactSettings(upload=upload, name=fallback, retention_days=retention), note


def target_from_inputs(raw: RawInputs, text: Mapping[str, str], workspace: Path, env: Mapping[str, str]) -> Target:
    """Where a refused run's record goes, from inputs that did not all pass."""
    root = Path(os.path.realpath(workspace))
    repo_value = text.get("repo-path") or "."
    layout = _layout_or_none(repo_value, workspace)
    repo_relative = os.path.relpath(layout.repo, root) if layout else os.path.normpath(repo_value)
    artifact, note = _artifact_or_default(raw, env, repo_relative)
    return Target(workspace=root, layout=layout, artifact=artifact, note=note)


# --- the record --------------------------------------------------------------------------------------


def _files(layout: FleetLayout | None) -> OrchestrationFiles:
    """The fleet's files as every result names them (absolute); empty when nothing can be written."""
    if layout is None:
        return OrchestrationFiles(
            result_file="", summary_file="", promotion_ci_result_file="", promotion_ci_summary_file=""
        )
    return OrchestrationFiles(
        result_file=str(layout.orchestrate_result),
        summary_file=str(layout.orchestrate_summary),
        promotion_ci_result_file=str(layout.ci_result),
        promotion_ci_summary_file=str(layout.ci_summary),
    )


def refused_result(refusal: Refusal, seams: Seams, layout: FleetLayout | None, now: datetime) -> OrchestrationResult:
    """The v1 orchestration result of a refused run: nothing decided, nothing applied, one reason code."""
    return OrchestrationResult(
        timestamp=format_ts(now),
        mode=seams.mode,
        status="refused",
        decision="unknown",
        trace_id=seams.trace_id,
        loop_id=seams.loop_id,
        horizon_ref=seams.horizon_ref,
        evidence_refs=sorted(set(seams.evidence_refs)),
        summary=OrchestrationSummary(failed_gates=[], reason_codes=[refusal.code.value]),
        apply=OrchestrationApply(executed=False, intent=None, idempotency_key=seams.idempotency_key, record=None),
        error=refusal.message,
        refusal_reason_code=refusal.code.value,
        files=_files(layout),
    )


def refused_summary(result: OrchestrationResult, layout: FleetLayout | None, root: Path, *, started: bool) -> str:
    """The orchestration summary of a refused run, rendered as ``usecases.orchestrate`` renders any result."""
    return render_summary(
        result,
        result_file=display_path(layout.orchestrate_result, root) if layout else NOT_WRITTEN,
        ci_result_file=display_path(layout.ci_result, root) if layout and started else NOT_WRITTEN,
        display_root=root,
        record=None,
        replay_note="",
    )


def refused_outcome(refusal: Refusal, seams: Seams, target: Target, now: datetime) -> OrchestrationOutcome:
    result = refused_result(refusal, seams, target.layout, now)
    summary = refused_summary(result, target.layout, target.workspace, started=seams.started)
    return OrchestrationOutcome(result=result, exit_code=EXIT_REFUSED, summary=summary)


def write_record(outcome: OrchestrationOutcome, layout: FleetLayout | None) -> str | None:
    """Write the result and summary files through the store; why not, when that failed."""
    if layout is None:
        return None
    try:
        atomic_write(layout.orchestrate_result, dumps(outcome.payload) + "\n")
        atomic_write(layout.orchestrate_summary, outcome.summary)
    except OrchestratorError as exc:
        return f"result not written: {exc.message}"
    return None
