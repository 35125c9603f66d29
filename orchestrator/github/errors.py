"""Errors of the GitHub layer; all are one-line ``OrchestratorError``s so the CLI contract holds."""

from __future__ import annotations

from orchestrator.core.errors import OrchestratorError


class GitHubError(OrchestratorError):
    """A GitHub API call failed for a reason other than a missing permission."""


class GitHubPermissionError(GitHubError):
    """401/403/404 on an operation: the message names the token permission that is missing."""

    def __init__(self, message: str, *, permission: str, status: int) -> None:
        super().__init__(message)
        self.permission = permission
        self.status = status


class GitHubRateLimitError(GitHubError):
    """The primary rate limit is exhausted for longer than we are willing to wait."""


class GitHubUnavailableError(GitHubError):
    """5xx or network failures that outlived the retry budget."""


class PersistConflictError(GitHubError):
    """The target branch kept moving; we gave up rather than force anything."""


class GovernanceRefused(OrchestratorError):
    """A governance precondition (approval, CI checks) is not met; nothing was changed."""

    def __init__(self, reason_code: str, message: str) -> None:
        super().__init__(f"{message} ({reason_code})")
        self.reason_code = reason_code
        self.detail = " ".join(message.split())
