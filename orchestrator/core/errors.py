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


class InvalidInput(OrchestratorError):
    """One refused value, kept apart from its wording so each shell names it its own way.

    ``option`` is the setting's name without dashes (``expand-step``) and ``problem`` what is
    wrong with it (``must be an integer between 1 and 100``). The message is the command line's
    (``--expand-step must be ...``); ``label`` replaces ``--<option>`` in it where the command
    line has always used another wording. The action names its own input instead.
    """

    def __init__(self, option: str, problem: str, *, label: str | None = None) -> None:
        self.option = option
        self.problem = " ".join(problem.split())
        super().__init__(f"{label if label is not None else f'--{option}'} {self.problem}")
