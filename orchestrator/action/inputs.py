"""The action's inputs: read once through the toolkit, then judged into typed values before anything runs.

``read_inputs`` only reads (``INPUT_<NAME>`` with hyphens kept, as the runner sets them);
``parse_settings`` turns them into the use case's ``OrchestrateRequest``, the ``FleetLayout``,
the ``GitHubOptions`` (with the token) and the artifact settings, refusing a bad value with an
``InvalidInput`` that names it. No file is written and no API is called until every input passed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from actions_toolkit import core

from orchestrator.action.artifact.archive import validate_artifact_name
from orchestrator.action.artifact.service import MAX_RETENTION_DAYS
from orchestrator.core.apply_request import parse_expand_step
from orchestrator.core.digest import DEFAULT_DECISION_TTL_HOURS, DecisionBinding, parse_hours
from orchestrator.core.errors import InvalidInput, MissingInputs, OrchestratorError, joined
from orchestrator.core.orchestration import (
    Governance,
    OrchestrateRequest,
    parse_apply_intent,
    parse_mode,
    validate_request,
)
from orchestrator.core.thresholds import parse_thresholds
from orchestrator.github.options import GitHubOptions, parse_persist
from orchestrator.runtime.environment import trace_id
from orchestrator.store.freeze_calendar import read_freeze_calendar
from orchestrator.store.layout import FleetLayout

PATH_INPUTS: Mapping[str, str] = {
    "fleet-status-file": "fleet_status",
    "handoff-telemetry-file": "handoff_telemetry",
    "drill-state-file": "drill_state",
}
"""Inputs naming files, and the ``FleetLayout`` field each overrides; resolved inside the workspace."""

THRESHOLD_INPUTS: tuple[str, ...] = (
    "window-executions",
    "min-sample-size",
    "max-ambiguity-rate",
    "max-failure-rate",
    "max-manual-backlog",
    "max-drill-age-hours",
    "min-bake",
    "min-runs-since-expand",
    "confidence",
    "min-attempts",
)
"""Inputs the gates read as thresholds (parsed by ``core.thresholds``)."""

TEXT_INPUTS: tuple[str, ...] = (
    *THRESHOLD_INPUTS,
    *PATH_INPUTS,
    "mode",
    "apply-intent",
    "expand-step",
    "repo-path",
    "idempotency-key",
    "trace-id",
    "loop-id",
    "horizon-ref",
    "by",
    "approval-ref",
    "rationale",
    "review-by",
    "persist",
    "approval-team",
    "environment",
    "require-checks",
    "target-branch",
    "artifact-name",
    "artifact-retention-days",
    "freeze-calendar",
    "break-glass-approval-ref",
    "expect-evidence-digest",
    "max-decision-age",
    "decision-ttl",
)
"""Inputs read as one trimmed string each (empty when unset)."""

SWITCH_INPUTS: Mapping[str, bool] = {
    "skip-on-missing-evidence": False,
    "fail-on-hold": False,
    "require-approval": False,
    "upload-artifact": True,
    "allow-broken-audit-chain": False,
}
"""Boolean inputs and the action.yml default an unset one (a local run) takes."""

LIST_INPUTS: tuple[str, ...] = ("evidence-refs",)
"""Multiline inputs: one value per non-blank line."""

INPUT_NAMES: Mapping[str, str] = {"repo": "repo-path", "evidence-ref": "evidence-refs"}
"""The action's name of a setting where it differs from the command line's option."""

ARTIFACT_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class RawInputs:
    """The inputs as the runner set them, before any interpretation."""

    text: Mapping[str, str] = field(default_factory=dict)
    evidence_refs: tuple[str, ...] = ()
    github_token: str = field(default="", repr=False)

    def get(self, name: str) -> str:
        return self.text.get(name, "")


@dataclass(frozen=True)
class ArtifactSettings:
    upload: bool
    name: str
    retention_days: int | None


@dataclass(frozen=True)
class ActionSettings:
    """Everything one run needs, judged: the workspace, the request, the layout, GitHub and the artifact."""

    workspace: Path
    request: OrchestrateRequest
    layout: FleetLayout
    github: GitHubOptions
    artifact: ArtifactSettings


def input_name(option: str) -> str:
    """The action input that carries a command-line option's value."""
    return INPUT_NAMES.get(option, option)


def input_message(error: InvalidInput) -> str:
    """A refused value, worded with the action's input name; every missing input is named at once.

    ``inputs 'approval-ref', 'rationale' and 'review-by' are required for mode apply``.
    """
    if isinstance(error, MissingInputs) and len(error.options) > 1:
        names = joined([f"'{input_name(option)}'" for option in error.options])
        return f"inputs {names} are {error.problem.removeprefix('is ')}"
    return f"input '{input_name(error.option)}' {error.problem}"


def read_inputs() -> RawInputs:
    """Read every input through the toolkit; nothing is judged yet."""
    text = {name: core.get_input(name) for name in (*TEXT_INPUTS, *SWITCH_INPUTS)}
    return RawInputs(
        text=text,
        evidence_refs=tuple(core.get_multiline_input("evidence-refs")),
        github_token=core.get_input("github-token"),
    )


def parse_boolean(raw: RawInputs, name: str) -> bool:
    """A YAML 1.2 core-schema boolean; an unset input takes the action.yml default."""
    value = raw.get(name)
    if not value:
        return SWITCH_INPUTS[name]
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    raise InvalidInput(name, "must be true or false")


def resolve_in_workspace(value: str, workspace: Path, name: str) -> Path:
    """The absolute, symlink-free path of ``value``; relative values start at the workspace."""
    root = Path(os.path.realpath(workspace))
    candidate = Path(value) if os.path.isabs(value) else workspace / value
    resolved = Path(os.path.realpath(candidate))
    if resolved != root and root not in resolved.parents:
        raise InvalidInput(name, f"leaves the workspace: {value}")
    return resolved


def with_action_defaults(raw: RawInputs, env: Mapping[str, str]) -> dict[str, str]:
    """Defaults that differ from the command line's: a mutation is committed, by the run's actor.

    A container's checkout is discarded with the job, so apply and rollback persist as a commit
    unless ``persist`` says otherwise; ``by`` falls back to ``GITHUB_ACTOR``.
    """
    text = {name: raw.get(name) for name in TEXT_INPUTS}
    if text["mode"] in ("apply", "rollback"):
        text["persist"] = text["persist"] or "commit"
        text["by"] = text["by"] or env.get("GITHUB_ACTOR", "")
    return text


def default_artifact_name(env: Mapping[str, str], repo_relative: str) -> str:
    """A name unique per job, fleet directory and attempt, so matrix legs and re-runs do not collide."""
    parts = ["promotion-rollout", env.get("GITHUB_JOB", "") or "local"]
    if repo_relative not in ("", "."):
        parts.append(repo_relative)
    parts.append(env.get("GITHUB_RUN_ATTEMPT", "") or "1")
    slug = "-".join(ARTIFACT_NAME_UNSAFE.sub("-", part).strip("-.") for part in parts)
    return re.sub(r"-{2,}", "-", slug)


def parse_retention_days(value: str) -> int | None:
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_RETENTION_DAYS:
        raise InvalidInput(
            "artifact-retention-days", f"must be a whole number of days from 1 to {MAX_RETENTION_DAYS}, got {value}"
        )
    return int(value)


def artifact_settings(raw: RawInputs, repo_relative: str, env: Mapping[str, str]) -> ArtifactSettings:
    """Refuse a bad name or retention before anything runs, not after an apply changed the fleet."""
    upload = parse_boolean(raw, "upload-artifact")
    name = raw.get("artifact-name") or default_artifact_name(env, repo_relative)
    if upload:
        try:
            validate_artifact_name(name)
        except OrchestratorError as exc:
            raise InvalidInput("artifact-name", f"is not usable: {exc.message}") from None
    return ArtifactSettings(
        upload=upload, name=name, retention_days=parse_retention_days(raw.get("artifact-retention-days"))
    )


def orchestrate_request(text: Mapping[str, str], raw: RawInputs, now: datetime) -> OrchestrateRequest:
    """The typed request, judged in the command line's order; a mutation's review-by must lie ahead."""
    mode = parse_mode(text["mode"])
    apply_intent = parse_apply_intent(text["apply-intent"] or "expand")
    request = OrchestrateRequest(
        mode=mode,
        apply_intent=apply_intent,
        expand_step=parse_expand_step(text["expand-step"] or "25"),
        governance=Governance(
            by=text["by"], approval_ref=text["approval-ref"], rationale=text["rationale"], review_by=text["review-by"]
        ),
        trace_id=trace_id(text["trace-id"] or None),
        thresholds=parse_thresholds(**{name.replace("-", "_"): text[name] for name in THRESHOLD_INPUTS}),
        skip_on_missing_evidence=parse_boolean(raw, "skip-on-missing-evidence"),
        fail_on_hold=parse_boolean(raw, "fail-on-hold"),
        idempotency_key=text["idempotency-key"] or None,
        loop_id=text["loop-id"] or None,
        horizon_ref=text["horizon-ref"] or None,
        evidence_refs=tuple(ref for ref in raw.evidence_refs if ref),
        break_glass_ref=text["break-glass-approval-ref"] or None,
        binding=DecisionBinding(
            expect_digest=text["expect-evidence-digest"] or None,
            max_age_hours=parse_hours(text["max-decision-age"], "max-decision-age"),
        ),
        decision_ttl_hours=parse_hours(text["decision-ttl"], "decision-ttl") or DEFAULT_DECISION_TTL_HOURS,
        allow_broken_audit_chain=parse_boolean(raw, "allow-broken-audit-chain"),
    )
    validate_request(request, now)
    return request


def github_options(text: Mapping[str, str], raw: RawInputs) -> GitHubOptions:
    return GitHubOptions(
        persist=parse_persist(text["persist"] or "none"),
        require_approval=parse_boolean(raw, "require-approval"),
        approval_team=text["approval-team"] or None,
        environment=text["environment"] or None,
        require_checks=text["require-checks"],
        target_branch=text["target-branch"] or None,
        token=raw.github_token or None,
    )


def parse_settings(raw: RawInputs, workspace: Path, env: Mapping[str, str], now: datetime) -> ActionSettings:
    """Every input judged, paths first (nothing may leave the workspace), then values, then the layout."""
    text = with_action_defaults(raw, env)
    root = Path(os.path.realpath(workspace))
    repo_value = text["repo-path"] or "."
    repo = resolve_in_workspace(repo_value, workspace, "repo-path")
    overrides = {
        key: str(resolve_in_workspace(text[name], workspace, name)) for name, key in PATH_INPUTS.items() if text[name]
    }
    artifact = artifact_settings(raw, os.path.relpath(repo, root), env)
    request = orchestrate_request(text, raw, now)
    if text["freeze-calendar"]:
        calendar = resolve_in_workspace(text["freeze-calendar"], workspace, "freeze-calendar")
        request = replace(request, freeze_calendar=read_freeze_calendar(calendar))
    options = github_options(text, raw)
    if not repo.is_dir():
        raise InvalidInput("repo-path", f"is not a directory: {repo_value}")
    return ActionSettings(
        workspace=root,
        request=request,
        layout=FleetLayout.resolve(str(repo), overrides),
        github=options,
        artifact=artifact,
    )
