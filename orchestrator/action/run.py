"""One action run: inputs, the orchestrate use case, outputs, job summary, artifact, at most one error.

Every input is judged before the use case runs, so a refused input changes nothing in the fleet.
Every run leaves a record: whenever the use case ran (a preview, an apply, a hold, a refusal) its
result is published; when an input was refused or anything failed before the use case wrote its
result, a refused result with its reason code takes its place (``action/record.py``). Either way
the outputs are set, the summary appended and the record uploaded before the step fails. Files
the run creates or replaces in the workspace belong to the workspace's owner. Any failure,
expected or not, is one ``::error::`` line and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from actions_toolkit import core

from orchestrator.action import publish, record
from orchestrator.action.inputs import ActionSettings, RawInputs, parse_settings, read_inputs, with_action_defaults
from orchestrator.action.log import contained, fail, print_untrusted
from orchestrator.action.outputs import artifact_outputs, hold_message, result_outputs
from orchestrator.action.record import Target
from orchestrator.core.jsontext import dumps
from orchestrator.core.orchestration import EXIT_HOLD
from orchestrator.hooks.config import VARIABLES as HOOK_VARIABLES
from orchestrator.runtime.clock import utc_now
from orchestrator.runtime.environment import environment
from orchestrator.store.ownership import owned_by
from orchestrator.usecases.orchestrate import ApplyHook, OrchestrationOutcome, orchestrate


def workspace_of(env: Mapping[str, str]) -> Path:
    return Path(env.get("GITHUB_WORKSPACE") or os.getcwd())


def apply_hook(settings: ActionSettings, now: datetime, env: Mapping[str, str]) -> ApplyHook | None:
    """The GitHub apply when a mutation asks for GitHub (persist, approval, checks); else the local one."""
    if not settings.github.active or settings.request.mode == "dry_run":
        return None
    from orchestrator.usecases.github_apply import GitHubApplyHook

    return GitHubApplyHook(settings.github, settings.layout, now=now, env=env)


def log_outcome(outcome: OrchestrationOutcome) -> None:
    """The result JSON and any warnings, fenced off from the runner's command channel."""
    print_untrusted("promotion-rollout orchestrate", dumps(outcome.payload, pretty=True))
    warnings = outcome.plan.warnings if outcome.plan else []
    print_untrusted("promotion-rollout warnings", "".join(f"warning: {w}\n" for w in warnings))


def execute(settings: ActionSettings, now: datetime, env: Mapping[str, str]) -> OrchestrationOutcome:
    """The use case, with anything a library prints kept out of the runner's command channel.

    Summaries show paths relative to the workspace; the result JSON keeps them absolute.
    """
    with contained("promotion-rollout diagnostics"):
        outcome = orchestrate(
            settings.request,
            settings.layout,
            now=now,
            apply_hook=apply_hook(settings, now, env),
            display_root=settings.workspace,
        )
    log_outcome(outcome)
    return outcome


def failure(outcome: OrchestrationOutcome) -> str | None:
    """Why the orchestration itself fails the step: a hold under fail-on-hold, or a refusal."""
    if outcome.exit_code == 0:
        return None
    if outcome.exit_code == EXIT_HOLD:
        return hold_message(outcome.result)
    return outcome.error or f"promotion-rollout orchestrate ended with exit code {outcome.exit_code}"


def warn_ignored_hooks(env: Mapping[str, str]) -> None:
    """The action runs every phase itself: a phase-hook variable from the workflow is named, not obeyed."""
    ignored = [name for name in HOOK_VARIABLES if env.get(name)]
    if ignored:
        core.warning(f"the action runs every phase itself and ignores {', '.join(ignored)} (see docs/action.md)")


def publish_run(
    outcome: OrchestrationOutcome, target: Target, env: Mapping[str, str], problems: list[str | None]
) -> int:
    """Outputs, job summary and artifact of one run, then at most one error joining every problem."""
    for name, value in result_outputs(outcome.result, target.layout, target.workspace).items():
        core.set_output(name, value)
    problems = [*problems, publish.append_step_summary(outcome)]
    if target.artifact.upload:
        uploaded, upload_problem = publish.upload(outcome, target.artifact, env)
        problems.append(upload_problem)
        for name, value in artifact_outputs(uploaded).items():
            core.set_output(name, value)
    reasons = [problem for problem in problems if problem]
    if not reasons:
        return 0
    return fail("; ".join(reasons), outcome.exit_code or 1)


def refuse(refusal: record.Refusal, seams: record.Seams, target: Target, now: datetime, env: Mapping[str, str]) -> int:
    """A run that stopped before the use case wrote its result still leaves its record."""
    outcome = record.refused_outcome(refusal, seams, target, now)
    log_outcome(outcome)
    write_problem = record.write_record(outcome, target.layout)
    if write_problem:
        target = Target(workspace=target.workspace, layout=None, artifact=target.artifact, note=target.note)
    return publish_run(outcome, target, env, [refusal.message, write_problem, target.note])


def judged(raw: RawInputs, now: datetime, env: Mapping[str, str]) -> int:
    """Judge the inputs, run the use case and publish; a refusal or failure on the way is recorded."""
    workspace = workspace_of(env)
    text = with_action_defaults(raw, env)
    try:
        settings = parse_settings(raw, workspace, env, now)
    except Exception as exc:
        refusal = record.refusal_of(exc, text, started=False)
        return refuse(
            refusal, record.seams_from_inputs(text), record.target_from_inputs(raw, text, workspace, env), now, env
        )
    target = Target(workspace=settings.workspace, layout=settings.layout, artifact=settings.artifact)
    try:
        outcome = execute(settings, now, env)
    except Exception as exc:
        refusal = record.refusal_of(exc, text, started=True)
        return refuse(refusal, record.seams_from_settings(settings), target, now, env)
    return publish_run(outcome, target, env, [failure(outcome)])


def run(env: Mapping[str, str]) -> int:
    """Inputs, use case, then outputs, summary and artifact; returns the exit code.

    What the run creates or replaces in the workspace gets the workspace's owner (the container
    runs as root; the job's later steps do not).
    """
    warn_ignored_hooks(env)
    raw = read_inputs()
    if raw.github_token:
        core.set_secret(raw.github_token)
    now = utc_now()
    with owned_by(Path(os.path.realpath(workspace_of(env)))):
        return judged(raw, now, env)


def main() -> int:
    """The container's entry: every failure becomes one ``::error::`` annotation.

    ``run`` records every refusal itself; this guard only catches what escapes even that.
    """
    try:
        return run(environment())
    except Exception as exc:
        return fail(f"internal error in the action: {type(exc).__name__}: {exc}")
