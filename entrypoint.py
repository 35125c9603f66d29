"""Container entrypoint of the promotion-rollout action.

Maps the action's inputs onto ``promotion-rollout orchestrate`` (run in-process), turns its
one-line ``error:`` into a single ``::error::`` annotation, reads the orchestration result to
set the outputs and uploads the result files as an artifact. The decision logic stays in the
engine; this file only translates between the runner's contract and the command line.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import secrets
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actions_toolkit import core
from actions_toolkit.command import issue

from orchestrator.core.errors import OrchestratorError
from orchestrator.store.layout import DEFAULTS

VALUE_INPUTS: tuple[tuple[str, str], ...] = (
    ("mode", "--mode"),
    ("apply-intent", "--apply-intent"),
    ("expand-step", "--expand-step"),
    ("window-executions", "--window-executions"),
    ("min-sample-size", "--min-sample-size"),
    ("max-ambiguity-rate", "--max-ambiguity-rate"),
    ("max-failure-rate", "--max-failure-rate"),
    ("max-manual-backlog", "--max-manual-backlog"),
    ("max-drill-age-hours", "--max-drill-age-hours"),
    ("idempotency-key", "--idempotency-key"),
    ("trace-id", "--trace-id"),
    ("loop-id", "--loop-id"),
    ("horizon-ref", "--horizon-ref"),
    ("by", "--by"),
    ("approval-ref", "--approval-ref"),
    ("rationale", "--rationale"),
    ("review-by", "--review-by"),
    ("persist", "--persist"),
    ("approval-team", "--approval-team"),
    ("environment", "--environment"),
    ("require-checks", "--require-checks"),
    ("target-branch", "--target-branch"),
)
"""Inputs passed as ``FLAG VALUE`` when not empty (an empty input leaves the engine's default)."""

PATH_INPUTS: tuple[tuple[str, str], ...] = (
    ("fleet-status-file", "--fleet-status-file"),
    ("handoff-telemetry-file", "--handoff-telemetry-file"),
    ("drill-state-file", "--drill-state-file"),
)
"""Inputs naming files: resolved against the workspace and refused when they leave it."""

SWITCH_INPUTS: tuple[tuple[str, str], ...] = (
    ("skip-on-missing-evidence", "--skip-on-missing-evidence"),
    ("fail-on-hold", "--fail-on-hold"),
    ("require-approval", "--require-approval"),
)
"""Boolean inputs passed as a bare flag when true."""

LIST_INPUTS: tuple[tuple[str, str], ...] = (("evidence-refs", "--evidence-ref"),)
"""Multiline inputs: one repeated flag per non-blank line."""

FLAG_TO_INPUT: dict[str, str] = {
    flag: name for name, flag in (*VALUE_INPUTS, *PATH_INPUTS, *SWITCH_INPUTS, *LIST_INPUTS)
} | {"--repo": "repo-path"}

EXIT_HOLD = 2
ARTIFACT_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class InputError(Exception):
    """An input the action refuses; the message is one line naming the input."""


@dataclass(frozen=True)
class ActionInputs:
    """The raw inputs as the toolkit read them, before any path or value interpretation."""

    values: dict[str, str]
    paths: dict[str, str]
    switches: dict[str, bool]
    lists: dict[str, list[str]]
    repo_path: str = "."
    upload_artifact: bool = True
    artifact_name: str = ""
    artifact_retention_days: str = ""
    github_token: str = field(default="", repr=False)


@dataclass(frozen=True)
class Plan:
    """The orchestrate command line and the files it will write, all inside the workspace."""

    argv: list[str]
    workspace: Path
    repo: Path
    result_file: Path
    summary_file: Path
    ci_result_file: Path
    ci_summary_file: Path
    upload_artifact: bool
    artifact_name: str
    retention_days: int | None


@dataclass(frozen=True)
class EngineRun:
    """What one in-process run of the command line produced."""

    exit_code: int
    stdout: str
    stderr: str


def read_inputs() -> ActionInputs:
    """Read every input through the toolkit (``INPUT_<NAME>`` with hyphens kept, as the runner sets)."""
    return ActionInputs(
        values={name: core.get_input(name) for name, _ in VALUE_INPUTS},
        paths={name: core.get_input(name) for name, _ in PATH_INPUTS},
        switches={name: _boolean_input(name, default=False) for name, _ in SWITCH_INPUTS},
        lists={name: list(core.get_multiline_input(name)) for name, _ in LIST_INPUTS},
        repo_path=core.get_input("repo-path") or ".",
        upload_artifact=_boolean_input("upload-artifact", default=True),
        artifact_name=core.get_input("artifact-name"),
        artifact_retention_days=core.get_input("artifact-retention-days"),
        github_token=core.get_input("github-token"),
    )


def _boolean_input(name: str, *, default: bool) -> bool:
    """A YAML 1.2 boolean; an unset input (a local run) takes the action.yml default."""
    if not core.get_input(name):
        return default
    try:
        return bool(core.get_boolean_input(name))
    except TypeError:
        raise InputError(f"input '{name}' must be true or false") from None


def resolve_in_workspace(value: str, workspace: Path, input_name: str) -> Path:
    """The absolute, symlink-free path of ``value``; relative values start at the workspace."""
    root = Path(os.path.realpath(workspace))
    candidate = Path(value) if os.path.isabs(value) else workspace / value
    resolved = Path(os.path.realpath(candidate))
    if resolved != root and root not in resolved.parents:
        raise InputError(f"input '{input_name}' leaves the workspace: {value}")
    return resolved


def parse_retention_days(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise InputError(f"input 'artifact-retention-days' must be a whole number of days, got {value}")
    return int(value)


def default_artifact_name(env: Mapping[str, str], repo_relative: str) -> str:
    """A name unique per job, fleet directory and attempt, so matrix legs and re-runs do not collide."""
    parts = ["promotion-rollout", env.get("GITHUB_JOB", "") or "local"]
    if repo_relative not in ("", "."):
        parts.append(repo_relative)
    parts.append(env.get("GITHUB_RUN_ATTEMPT", "") or "1")
    slug = "-".join(ARTIFACT_NAME_UNSAFE.sub("-", part).strip("-.") for part in parts)
    return re.sub(r"-{2,}", "-", slug)


def check_artifact_name(name: str) -> None:
    """Refuse a bad name before anything runs, not after an apply has already changed the fleet."""
    from orchestrator.action.artifact import validate_artifact_name

    try:
        validate_artifact_name(name)
    except OrchestratorError as exc:
        raise InputError(f"input 'artifact-name' is not usable: {exc.message}") from None


def build_plan(inputs: ActionInputs, workspace: Path, env: Mapping[str, str]) -> Plan:
    """Translate the inputs into the orchestrate argv; pure apart from resolving symlinks.

    Values are joined to their flag (``--by=VALUE``) so one starting with ``-`` stays a value.
    """
    repo = resolve_in_workspace(inputs.repo_path, workspace, "repo-path")
    result_file = repo / DEFAULTS["orchestrate_result"]
    summary_file = repo / DEFAULTS["orchestrate_summary"]
    ci_result_file = repo / DEFAULTS["ci_result"]
    ci_summary_file = repo / DEFAULTS["ci_summary"]
    argv = ["orchestrate", f"--repo={repo}"]
    values = with_action_defaults(inputs.values, env)
    for name, flag in VALUE_INPUTS:
        value = values.get(name, "")
        if value:
            argv.append(f"{flag}={value}")
    for name, flag in PATH_INPUTS:
        value = inputs.paths.get(name, "")
        if value:
            argv.append(f"{flag}={resolve_in_workspace(value, workspace, name)}")
    for name, flag in SWITCH_INPUTS:
        if inputs.switches.get(name, False):
            argv.append(flag)
    for name, flag in LIST_INPUTS:
        argv += [f"{flag}={item}" for item in inputs.lists.get(name, [])]
    argv += [
        f"--result-file={result_file}",
        f"--summary-file={summary_file}",
        f"--promotion-ci-result-file={ci_result_file}",
        f"--promotion-ci-summary-file={ci_summary_file}",
    ]
    repo_relative = os.path.relpath(repo, os.path.realpath(workspace))
    artifact_name = inputs.artifact_name or default_artifact_name(env, repo_relative)
    if inputs.upload_artifact:
        check_artifact_name(artifact_name)
    return Plan(
        argv=argv,
        workspace=Path(os.path.realpath(workspace)),
        repo=repo,
        result_file=result_file,
        summary_file=summary_file,
        ci_result_file=ci_result_file,
        ci_summary_file=ci_summary_file,
        upload_artifact=inputs.upload_artifact,
        artifact_name=artifact_name,
        retention_days=parse_retention_days(inputs.artifact_retention_days),
    )


def with_action_defaults(values: Mapping[str, str], env: Mapping[str, str]) -> dict[str, str]:
    """Defaults that differ from the command line's: a mutation is committed, by the run's actor.

    A container's checkout is discarded with the job, so apply and rollback persist as a commit
    unless ``persist`` says otherwise; ``by`` falls back to ``GITHUB_ACTOR``.
    """
    resolved = dict(values)
    mutating = resolved.get("mode", "") in ("apply", "rollback")
    if mutating and not resolved.get("persist"):
        resolved["persist"] = "commit"
    if mutating and not resolved.get("by") and env.get("GITHUB_ACTOR"):
        resolved["by"] = env["GITHUB_ACTOR"]
    return resolved


def engine_error(stderr: str, exit_code: int) -> str:
    """The engine's one-line reason, with its flag names rewritten as the action's input names."""
    lines = [line for line in stderr.splitlines() if line.startswith("error: ")]
    if not lines:
        return f"promotion-rollout orchestrate exited with code {exit_code}"
    message = lines[-1].removeprefix("error: ").strip()
    return re.sub(
        r"--[a-z][a-z-]*",
        lambda m: f"input '{FLAG_TO_INPUT[m.group(0)]}'" if m.group(0) in FLAG_TO_INPUT else m.group(0),
        message,
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _canary(result: Mapping[str, Any], side: str) -> str:
    """Canary percent from the result's rollout block, else from the apply record's."""
    for holder in (result, ((result.get("apply") or {}).get("record") or {})):
        rollout = holder.get("rollout") if isinstance(holder, Mapping) else None
        point = rollout.get(side) if isinstance(rollout, Mapping) else None
        if isinstance(point, Mapping) and point.get("canaryPercent") is not None:
            return _text(point["canaryPercent"])
    return ""


def outputs_from_result(result: Mapping[str, Any], plan: Plan) -> dict[str, str]:
    """The step outputs, as strings, from the orchestration result JSON."""
    summary = result.get("summary") or {}
    github = result.get("github") or {}
    decision = _text(result.get("decision"))
    return {
        "decision": decision,
        "promote": "true" if decision == "promote" else "false",
        "status": _text(result.get("status")),
        "failed-gates": ",".join(_text(g) for g in summary.get("failedGates") or []),
        "reason-codes": ",".join(_text(c) for c in summary.get("reasonCodes") or []),
        "trace-id": _text(result.get("traceId")),
        "canary-percent-before": _canary(result, "before"),
        "canary-percent-after": _canary(result, "after"),
        "result-file": os.path.relpath(plan.result_file, plan.workspace),
        "summary-file": os.path.relpath(plan.summary_file, plan.workspace),
        "commit-sha": _text(github.get("commitSha")),
        "pull-request-url": _text(github.get("pullRequestUrl")),
    }


def hold_message(outputs: Mapping[str, str]) -> str:
    gates = outputs.get("failed-gates", "").replace(",", ", ") or "none reported"
    reasons = outputs.get("reason-codes", "").replace(",", ", ") or "none reported"
    return f"promotion decision is hold (fail-on-hold): failed gates: {gates}; reason codes: {reasons}"


def one_line(message: str) -> str:
    return " ".join(message.split())


def run_engine(argv: Sequence[str], main: Callable[[list[str]], int] | None = None) -> EngineRun:
    """Run the command line in this process with its output captured, never on the runner's streams."""
    if main is None:
        from orchestrator.cli import main as cli_main

        main = cli_main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except Exception as exc:
            traceback.print_exc(file=err)
            err.write(f"error: internal error in the engine: {type(exc).__name__}: {exc}\n")
            code = 1
    return EngineRun(exit_code=code, stdout=out.getvalue(), stderr=err.getvalue())


def print_untrusted(title: str, text: str) -> None:
    """Log text from inputs or files inside a stop-commands block, so no line of it acts as a command."""
    if not text.strip():
        return
    token = secrets.token_hex(16)
    while token in text:
        token = secrets.token_hex(16)
    core.start_group(title)
    issue("stop-commands", token)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    issue(token)
    core.end_group()
    sys.stdout.flush()


def read_result(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"could not read the orchestration result: {type(exc).__name__}") from None
    if not isinstance(data, dict):
        raise InputError("the orchestration result is not a JSON object")
    return data


def _fingerprint(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def upload(plan: Plan) -> dict[str, str]:
    """Upload the result JSON and both summaries; empty outputs when the runner gave no artifact service."""
    from orchestrator.action.artifact import ArtifactServiceUnavailable, upload_artifact

    files = [f for f in (plan.result_file, plan.summary_file, plan.ci_summary_file) if f.is_file()]
    root = Path(os.path.commonpath([str(f.parent) for f in files]))
    try:
        result = upload_artifact(plan.artifact_name, files, root, retention_days=plan.retention_days)
    except ArtifactServiceUnavailable as exc:
        core.warning(f"artifact upload skipped: {exc.message}; the result files stay in the workspace")
        return {"artifact-id": "", "artifact-url": ""}
    if result is None:
        core.notice("artifact upload skipped: the runner provided no artifact service (local run)")
        return {"artifact-id": "", "artifact-url": ""}
    return {"artifact-id": str(result.artifact_id), "artifact-url": result.url or ""}


def fail(message: str, exit_code: int = 1) -> None:
    """Report one ``::error::`` annotation and exit; a hold keeps the engine's exit code 2."""
    try:
        core.set_failed(one_line(message))
    except SystemExit:
        raise SystemExit(exit_code) from None


def run(env: Mapping[str, str]) -> int:
    """One action run: inputs, engine, outputs, artifact, then at most one failure annotation.

    Whenever the engine wrote a fresh result (a preview, an apply, a hold, a refusal) the outputs
    are set and the record is uploaded before the step fails, so a refused or held run still
    leaves its evidence; without a fresh result only the error is reported.
    """
    inputs = read_inputs()
    if inputs.github_token:
        core.set_secret(inputs.github_token)
        os.environ["GITHUB_TOKEN"] = inputs.github_token
    workspace = Path(env.get("GITHUB_WORKSPACE") or os.getcwd())
    plan = build_plan(inputs, workspace, env)
    before = _fingerprint(plan.result_file)
    engine = run_engine(plan.argv)
    print_untrusted("promotion-rollout orchestrate", engine.stdout)
    diagnostics = "\n".join(line for line in engine.stderr.splitlines() if not line.startswith("error: "))
    print_untrusted("promotion-rollout diagnostics", diagnostics)

    if _fingerprint(plan.result_file) in (None, before):
        if engine.exit_code == 0:
            fail(f"the engine wrote no orchestration result at {plan.result_file}")
        fail(engine_error(engine.stderr, engine.exit_code), engine.exit_code)
    outputs = outputs_from_result(read_result(plan.result_file), plan)
    for name, value in outputs.items():
        core.set_output(name, value)
    upload_error = ""
    if plan.upload_artifact:
        try:
            for name, value in upload(plan).items():
                core.set_output(name, value)
        except OrchestratorError as exc:
            upload_error = f"artifact upload failed: {exc.message}"
    if engine.exit_code == 0 and not upload_error:
        return 0
    reasons = []
    if engine.exit_code == EXIT_HOLD:
        reasons.append(hold_message(outputs))
    elif engine.exit_code != 0:
        reasons.append(engine_error(engine.stderr, engine.exit_code))
    if upload_error:
        reasons.append(upload_error)
    fail("; ".join(reasons), engine.exit_code or 1)
    return 1


def main() -> int:
    try:
        return run(os.environ)
    except InputError as exc:
        fail(str(exc))
    except Exception as exc:
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        fail(str(message))
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
