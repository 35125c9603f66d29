"""Errors that map onto the command-line contract (exit 1, one line on stderr)."""

from __future__ import annotations


class OrchestratorError(Exception):
    """Bad input or a refused operation: reported as ``error: <message>`` with exit code 1.

    The message must be a single line; callers never need to add a prefix.
    """

    exit_code = 1

    def __init__(self, message: str) -> None:
        one_line = " ".join(str(message).split())
        super().__init__(one_line)
        self.message = one_line


class HoldError(OrchestratorError):
    """A hold under ``--fail-on-hold``: the result is still written, exit code 2."""

    exit_code = 2
