"""What the action writes to the job log: untrusted text fenced off, and at most one error annotation.

The runner acts on any log line shaped like ``::command::``. Text that comes from inputs or files
(the result JSON, warnings) is printed inside a ``::stop-commands::`` block with a random token,
so no line of it can act as a command; the action's own commands go through the toolkit.
"""

from __future__ import annotations

import contextlib
import io
import secrets
import sys
from collections.abc import Iterator

from actions_toolkit import core
from actions_toolkit.command import issue


def one_line(message: str) -> str:
    return " ".join(message.split())


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


@contextlib.contextmanager
def contained(title: str) -> Iterator[None]:
    """Anything a library prints while the block runs is logged afterwards as untrusted text."""
    captured = io.StringIO()
    try:
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            yield
    finally:
        print_untrusted(title, captured.getvalue())


def fail(message: str, exit_code: int = 1) -> int:
    """Report the run's one ``::error::`` annotation (a single line) and return the exit code."""
    core.error(one_line(message))
    sys.stdout.flush()
    return exit_code
