"""Deployment record: one GitHub deployment per persisted apply, with its status trail.

The deployment points at the commit that holds the mutation; statuses link back to the run
(``log_url``) so the environment's history on GitHub leads to the evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from github.Deployment import Deployment
from github.Repository import Repository

from orchestrator.github.client import github_call

DEPLOYMENTS_WRITE = "deployments: write"
DESCRIPTION_LIMIT = 140
StatusState = Literal["in_progress", "queued", "pending", "success", "failure", "error", "inactive"]


@dataclass(frozen=True)
class DeploymentRecord:
    deployment_id: int
    environment: str
    sha: str
    states: tuple[str, ...]


def default_environment(fleet_id: str) -> str:
    return f"promotion/{fleet_id}"


def deployment_payload(
    *,
    intent: str,
    canary_before: int | float,
    canary_after: int | float,
    trace_id: str,
    decision: str,
) -> dict[str, object]:
    """The payload shape every promotion deployment carries, so environments can be compared."""
    return {
        "intent": intent,
        "canary": {"before": canary_before, "after": canary_after},
        "traceId": trace_id,
        "decision": decision,
    }


def _short(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= DESCRIPTION_LIMIT else one_line[: DESCRIPTION_LIMIT - 3] + "..."


class DeploymentRecorder:
    """Creates the deployment and appends statuses; every call names ``deployments: write`` on denial."""

    def __init__(
        self,
        repo: Repository,
        *,
        environment: str,
        log_url: str | None,
        environment_url: str | None = None,
    ) -> None:
        self._repo = repo
        self._environment = environment
        self._log_url = log_url
        self._environment_url = environment_url

    def start(self, *, sha: str, payload: Mapping[str, object], description: str) -> Deployment:
        with github_call(f"creating a deployment in environment {self._environment}", DEPLOYMENTS_WRITE):
            return self._repo.create_deployment(
                ref=sha,
                task="deploy",
                auto_merge=False,
                required_contexts=[],
                payload=dict(payload),
                environment=self._environment,
                description=_short(description),
                transient_environment=False,
            )

    def status(self, deployment: Deployment, state: StatusState, description: str) -> None:
        body: dict[str, object] = {
            "state": state,
            "description": _short(description),
            "environment": self._environment,
            "auto_inactive": state == "success",
        }
        if self._log_url:
            body["log_url"] = self._log_url
        if self._environment_url or self._log_url:
            body["environment_url"] = self._environment_url or self._log_url
        with github_call(f"setting deployment {deployment.id} to {state}", DEPLOYMENTS_WRITE):
            deployment.requester.requestJsonAndCheck(
                "POST",
                f"{deployment.url}/statuses",
                input=body,
                headers={"Accept": "application/vnd.github+json"},
            )


def record(
    recorder: DeploymentRecorder,
    *,
    sha: str,
    payload: Mapping[str, object],
    description: str,
    outcome: Literal["success", "failure", "queued"],
    outcome_description: str,
) -> DeploymentRecord:
    """Create the deployment, mark it in progress, then settle it on ``outcome``."""
    deployment = recorder.start(sha=sha, payload=payload, description=description)
    states: list[str] = []
    if outcome != "queued":
        recorder.status(deployment, "in_progress", description)
        states.append("in_progress")
    recorder.status(deployment, outcome, outcome_description)
    states.append(outcome)
    return DeploymentRecord(deployment.id, deployment.environment, sha, tuple(states))
