"""Errors that map onto the command-line contract (exit 1, one line on stderr)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

SHOWN_VALUE_LENGTH = 60
_HIDDEN = {"Cc", "Cf", "Zl", "Zp"}
"""Characters a terminal or a log viewer would act on or hide: shown as ``\\uXXXX`` when echoed."""


class OrchestratorError(Exception):
    """Bad input or a refused operation: reported as ``error: <message>`` with exit code 1.

    The message must be a single line; callers never need to add a prefix.
    """

    exit_code = 1

    def __init__(self, message: str) -> None:
        one_line = " ".join(str(message).split())
        super().__init__(one_line)
        self.message = one_line


def shown(value: str) -> str:
    """A refused value as an operator sees it echoed: quoted, escaped, cut at 60 characters."""
    import unicodedata  # only when a value is echoed: the start-up of a clean run stays lean

    cut = value if len(value) <= SHOWN_VALUE_LENGTH else value[:SHOWN_VALUE_LENGTH] + "…"
    quoted = json.dumps(cut, ensure_ascii=False)
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in _HIDDEN else ch for ch in quoted)


def close_match(value: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``value`` was most likely meant to be (a typo), or ``None``."""
    import difflib  # only on a refusal

    matches = difflib.get_close_matches(value, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def joined(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


class InvalidInput(OrchestratorError):
    """One refused value, kept apart from its wording so each shell names it its own way.

    ``option`` is the setting's name without dashes (``expand-step``) and ``problem`` what is
    wrong with it (``must be an integer between 1 and 100``). The message is the command line's
    (``--expand-step must be ...``); ``label`` replaces ``--<option>`` in it where the command
    line has always used another wording. The action names its own input instead.

    ``got`` is the refused value and ``suggestion`` the close match it was probably meant to be;
    the message echoes both after the problem (``(got "150")``, ``(got "aply"; did you mean
    apply?)``), while ``problem`` stays the bare sentence.
    """

    def __init__(
        self,
        option: str,
        problem: str,
        *,
        label: str | None = None,
        got: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        self.option = option
        self.problem = " ".join(problem.split())
        self.got = got
        self.suggestion = suggestion
        name = label if label is not None else f"--{option}"
        super().__init__(f"{name} {self.problem}{_echo(got, suggestion)}")


def _echo(got: str | None, suggestion: str | None) -> str:
    if got is None:
        return ""
    hint = f"; did you mean {suggestion}?" if suggestion else ""
    return f" (got {shown(got)}{hint})"


def invalid_choice(option: str, value: str, choices: Sequence[str]) -> InvalidInput:
    """``--<option> must be one of a, b, c``, with the value given (when any) and its close match."""
    return InvalidInput(
        option,
        f"must be one of {', '.join(choices)}",
        got=value or None,
        suggestion=close_match(value, choices) if value else None,
    )


class MissingInputs(InvalidInput):
    """Several required settings missing at once, all named, in the reference's words for the first:
    ``--by is required for mode apply (so are --approval-ref and --review-by)``.

    ``option`` and ``problem`` name the first one (``is required ...``), so a shell that names one
    setting per refusal still can (and the reference's tests, which look for that sentence, pass);
    ``options`` holds them all.
    """

    def __init__(self, options: Sequence[str], context: str = "") -> None:
        super().__init__(options[0], f"is required{context}")
        self.options = tuple(options)
        if len(options) > 1:
            others = [f"--{option}" for option in options[1:]]
            verb = "is" if len(others) == 1 else "are"
            plural = f"--{options[0]} is required{context} (so {verb} {joined(others)})"
            self.message = " ".join(plural.split())
            self.args = (self.message,)
