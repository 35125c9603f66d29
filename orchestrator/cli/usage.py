"""Argument parsing that teaches: one ``error:`` line with a suggestion and the way to ``--help``.

argparse's own errors print the usage block and then ``error:``; here every one is a single line
in the contract's form, naming the close match for a typo (an unknown flag, command or choice)
and ending with ``see promotion-rollout <command> --help``. Help text is wrapped at spaces only,
so a default path is never split in the middle.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from typing import Any, NoReturn

from orchestrator.core.errors import OrchestratorError, close_match, invalid_choice, joined, shown

_ARGUMENT = re.compile(r"argument (?P<name>[^:]+): (?P<rest>.*)", re.DOTALL)
_REQUIRED = "the following arguments are required: "


def help_hint(prog: str) -> str:
    """The end of every usage error: where the whole story is."""
    return f"; see {prog} --help"


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions keep their lines; help text wraps at spaces only (never inside a path or flag)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 30, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, width)

    def _split_lines(self, text: str, width: int) -> list[str]:
        import textwrap  # only for --help

        return textwrap.wrap(" ".join(text.split()), width, break_long_words=False, break_on_hyphens=False)


class Parser(argparse.ArgumentParser):
    """Argument errors become the contract's one-line ``error:`` with exit code 1 (via ``main``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)  # a typo is refused with a suggestion, never guessed
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise OrchestratorError(f"{teach(message)}{help_hint(self.prog)}")

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        choices = action.choices
        if choices is None or value in choices:
            return
        names = [str(choice) for choice in choices]
        if isinstance(action, argparse._SubParsersAction):
            raise argparse.ArgumentError(None, unknown_command(str(value), names))
        raise argparse.ArgumentError(None, invalid_choice(action.dest.replace("_", "-"), str(value), names).message)

    def refuse_unknown(self, extras: Sequence[str]) -> NoReturn:
        """Arguments no flag of this command takes: each unknown flag with its close match."""
        self.error(unknown_arguments(extras, option_strings(self)))


def option_strings(parser: argparse.ArgumentParser) -> list[str]:
    return [flag for action in parser._actions for flag in action.option_strings]


def unknown_command(value: str, commands: Sequence[str]) -> str:
    match = close_match(value, commands)
    hint = f" (did you mean {match}?)" if match else f" (commands: {', '.join(commands)})"
    return f"unknown command {shown(value)}{hint}"


def unknown_arguments(extras: Sequence[str], known: Sequence[str]) -> str:
    """``unrecognized argument --max-failure-rat (did you mean --max-failure-rate?)``.

    When there are unknown flags, the values after them are not listed: they belong to the flag.
    """
    flags = [extra for extra in extras if extra.startswith("-")] or list(extras)
    described = []
    for extra in flags:
        match = close_match(extra.split("=", 1)[0], known) if extra.startswith("-") else None
        described.append(extra + (f" (did you mean {match}?)" if match else ""))
    noun = "argument" if len(described) == 1 else "arguments"
    return f"unrecognized {noun} {joined(described)}"


def teach(message: str) -> str:
    """argparse's message in the contract's words, on one line."""
    message = " ".join(message.split())
    if message.startswith(_REQUIRED):
        names = message.removeprefix(_REQUIRED).split(", ")
        return f"{joined(names)} {'is' if len(names) == 1 else 'are'} required"
    match = _ARGUMENT.fullmatch(message)
    if match is None:
        return message
    name, rest = match["name"].split("/")[-1], match["rest"]
    if rest == "expected one argument":
        return f"{name} needs a value"
    return f"{name}: {rest}"
