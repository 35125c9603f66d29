"""The GitHub settings of an orchestration, parsed without importing the GitHub client.

A dry run validates ``--persist`` and friends but never talks to GitHub, so it must not pay for
importing PyGithub.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from orchestrator.core.errors import InvalidInput

PersistSetting = Literal["none", "commit", "pull-request"]
PERSIST_MODES: tuple[PersistSetting, ...] = ("none", "commit", "pull-request")


def parse_persist(value: str) -> PersistSetting:
    for mode in PERSIST_MODES:
        if value.strip().lower() == mode:
            return mode
    raise InvalidInput("persist", f"must be one of none, commit, pull-request, got {value!r}", label="persist")


@dataclass(frozen=True)
class GitHubOptions:
    persist: PersistSetting = "none"
    require_approval: bool = False
    approval_team: str | None = None
    environment: str | None = None
    require_checks: str = ""
    target_branch: str | None = None
    token: str | None = None

    @property
    def active(self) -> bool:
        """Whether anything asks for GitHub; otherwise no token or network is needed."""
        return self.persist != "none" or self.require_approval or bool(self.require_checks.strip())
