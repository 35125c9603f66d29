"""Free text from operators stays text: one line, no control characters.

Governance fields and references end up in commit messages, pull requests, summaries and JSON
that other tools parse. A newline in ``by`` would forge a ``Co-authored-by:`` trailer; a carriage
return or an escape sequence would rewrite what a terminal or a log viewer shows. The reference's
contract never needs them, so they are refused at input, before anything runs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from orchestrator.core.errors import InvalidInput

_LINE_BREAKS = {"\u2028", "\u2029", "\x85"}


def _has_control(value: str) -> bool:
    return any(ch in _LINE_BREAKS or unicodedata.category(ch) == "Cc" for ch in value)


def check_one_line(option: str, value: str | None) -> None:
    """Refuse a value with a line break or another control character, naming its option."""
    if value and _has_control(value):
        raise InvalidInput(option, "must be one line of text without control characters")


def check_all(fields: Iterable[tuple[str, str | None]]) -> None:
    for option, value in fields:
        check_one_line(option, value)
