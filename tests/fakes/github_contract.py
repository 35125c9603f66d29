"""The fake GitHub's contract check: every exchange it serves is held to GitHub's OpenAPI description.

``FakeGitHub`` hands each request and its answer to ``ContractCheck.observe``. A request our code
sent that GitHub would not take (an unknown operation or query parameter, a body that does not fit,
a preview media type, no API version) and an answer GitHub would not give (a missing required
field, a wrong type, an undocumented status) are recorded; when the fake's ``with`` block ends they
fail the test, every one listed. So no test passes against a request GitHub refuses, and the fake
cannot drift from GitHub unnoticed.

Without npm the description cannot be installed: the check is then off, unless CI requires it
(``PROMOTION_ROLLOUT_REQUIRE_DOCKER=1``), in which case the fake fails to start.
"""

from __future__ import annotations

import threading

from tests.openapi.contract import Exchange, check_exchange
from tests.openapi.spec import Description, load_description


class ContractViolation(AssertionError):
    """Exchanges with the fake GitHub that do not fit GitHub's OpenAPI description."""


class ContractCheck:
    """Collects every problem of every exchange; ``settle`` raises them at the end of the test."""

    def __init__(self, description: Description | None = None) -> None:
        self.description = description if description is not None else load_description()
        self.violations: list[str] = []
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        return self.description is not None

    def observe(self, exchange: Exchange) -> list[str]:
        """Check one exchange; returns (and keeps) what is wrong with it."""
        if self.description is None:
            return []
        problems = check_exchange(self.description, exchange)
        with self._lock:
            self.violations.extend(problems)
        return problems

    def report(self) -> str:
        version = self.description.version if self.description is not None else "?"
        listed = "\n".join(f"  - {problem}" for problem in self.violations)
        return f"exchanges with the fake GitHub do not fit GitHub's OpenAPI description {version}:\n{listed}"

    def settle(self, pending: BaseException | None) -> None:
        """Fail on any violation; an exception already on its way out gets them as a note instead."""
        if not self.violations:
            return
        if pending is not None:
            pending.add_note(self.report())
            return
        raise ContractViolation(self.report())
