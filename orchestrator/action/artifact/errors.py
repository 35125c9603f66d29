"""The ways an artifact upload fails; every message is one line and never holds a secret."""

from __future__ import annotations

from orchestrator.core.errors import OrchestratorError


class ArtifactUploadError(OrchestratorError):
    """The artifact could not be uploaded; the message is one line and never holds a secret."""


class ArtifactServiceUnavailable(ArtifactUploadError):
    """This server has no v4 artifact service (GitHub Enterprise Server): skip, do not fail the run."""
