"""One action run: inputs, the orchestrate use case, outputs, job summary, artifact, at most one error.

Every input is judged before the use case runs, so a refused input changes nothing. Whenever the
use case ran (a preview, an apply, a hold, a refusal) the outputs are set, the summaries appended
and the record uploaded before the step fails, so a refused or held run still leaves its evidence.
Any failure, expected or not, is one ``::error::`` line and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from actions_toolkit import core

from orchestrator.action import publish
from orchestrator.action.inputs import ActionSettings, input_message, parse_settings, read_inputs
from orchestrator.action.log import contained, fail, print_untrusted
from orchestrator.action.outputs import artifact_outputs, hold_message, result_outputs
from orchestrator.core.errors import InvalidInput, OrchestratorError
from orchestrator.core.jsontext import dumps
from orchestrator.core.orchestration import EXIT_HOLD
from orchestrator.hooks.config import VARIABLES as HOOK_VARIABLES
from orchestrator.runtime.clock import utc_now
from orchestrator.runtime.environment import environment
from orchestrator.usecases.orchestrate import ApplyHook, OrchestrationOutcome, orchestrate


def workspace_of(env: Mapping[str, str]) -> Path:
    return Path(env.get("GITHUB_WORKSPACE") or os.getcwd())


def apply_hook(settings: ActionSettings, now: datetime, env: Mapping[str, str]) -> ApplyHook | None:
    """The GitHub apply when a mutation asks for GitHub (persist, approval, checks); else the local one."""
    if not settings.github.active or settings.request.mode == "dry_run":
        return None
    from orchestrator.usecases.github_apply import GitHubApplyHook

    return GitHubApplyHook(settings.github, settings.layout, now=now, env=env)


def execute(settings: ActionSettings, now: datetime, env: Mapping[str, str]) -> OrchestrationOutcome:
    """The use case, with anything a library prints kept out of the runner's command channel."""
    with contained("promotion-rollout diagnostics"):
        outcome = orchestrate(settings.request, settings.layout, now=now, apply_hook=apply_hook(settings, now, env))
    print_untrusted("promotion-rollout orchestrate", dumps(outcome.result.to_json(), pretty=True))
    warnings = outcome.plan.warnings if outcome.plan else []
    print_untrusted("promotion-rollout warnings", "".join(f"warning: {w}\n" for w in warnings))
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


def run(env: Mapping[str, str]) -> int:
    """Inputs, use case, then outputs, summary and artifact; returns the exit code."""
    warn_ignored_hooks(env)
    raw = read_inputs()
    if raw.github_token:
        core.set_secret(raw.github_token)
    now = utc_now()
    settings = parse_settings(raw, workspace_of(env), env, now)
    outcome = execute(settings, now, env)
    for name, value in result_outputs(outcome.result, settings.layout, settings.workspace).items():
        core.set_output(name, value)
    problems = [failure(outcome), publish.append_step_summary(outcome)]
    if settings.artifact.upload:
        uploaded, upload_problem = publish.upload(outcome, settings.layout, settings.artifact, env)
        problems.append(upload_problem)
        for name, value in artifact_outputs(uploaded).items():
            core.set_output(name, value)
    reasons = [problem for problem in problems if problem]
    if not reasons:
        return 0
    return fail("; ".join(reasons), outcome.exit_code or 1)


def main() -> int:
    """The container's entry: every failure becomes one ``::error::`` annotation."""
    try:
        return run(environment())
    except InvalidInput as exc:
        return fail(input_message(exc))
    except OrchestratorError as exc:
        return fail(exc.message)
    except Exception as exc:
        return fail(f"internal error in the action: {type(exc).__name__}: {exc}")
