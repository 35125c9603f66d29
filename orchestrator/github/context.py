"""The run's GitHub coordinates, read once from the environment Actions provides."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from orchestrator.github.client import DEFAULT_API_URL, validate_api_url
from orchestrator.github.errors import GitHubError

_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class GitHubContext:
    """Everything the GitHub layer needs from the run; the token is kept out of ``repr``."""

    repository: str
    token: str = field(repr=False)
    api_url: str = DEFAULT_API_URL
    server_url: str = "https://github.com"
    run_id: str | None = None
    ref: str | None = None
    sha: str | None = None
    actor: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, token: str | None = None) -> GitHubContext:
        """Read the ``GITHUB_*`` variables of the run.

        The token is ``token`` when given (the action input), else ``GITHUB_TOKEN`` or ``GH_TOKEN``.
        """
        repository = env.get("GITHUB_REPOSITORY", "").strip()
        if not _REPOSITORY.match(repository):
            raise GitHubError("GITHUB_REPOSITORY must name the repository as owner/name")
        token = (token or env.get("GITHUB_TOKEN") or env.get("GH_TOKEN") or "").strip()
        if not token:
            raise GitHubError("a GitHub token is required (set GITHUB_TOKEN or the github-token input)")
        return cls(
            repository=repository,
            token=token,
            api_url=validate_api_url(env.get("GITHUB_API_URL") or DEFAULT_API_URL),
            server_url=(env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/"),
            run_id=env.get("GITHUB_RUN_ID") or None,
            ref=env.get("GITHUB_REF") or None,
            sha=env.get("GITHUB_SHA") or None,
            actor=env.get("GITHUB_ACTOR") or None,
        )

    @property
    def owner(self) -> str:
        return self.repository.split("/", 1)[0]

    @property
    def run_url(self) -> str | None:
        """The link to this workflow run, used as the deployment's log URL."""
        if not self.run_id:
            return None
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"

    def default_branch(self) -> str:
        """The branch the workflow ran on; tags and pull-request refs need an explicit target."""
        if self.ref and self.ref.startswith("refs/heads/"):
            return self.ref.removeprefix("refs/heads/")
        shown = self.ref or "unset"
        raise GitHubError(f"cannot infer the target branch from GITHUB_REF ({shown}); set target-branch")
