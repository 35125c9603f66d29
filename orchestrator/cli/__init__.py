"""Command-line entry point: one subcommand per reference script, same flags and exit codes.

Each subcommand lives in ``orchestrator.cli.<name>`` and exposes ``add_parser`` and ``run``;
modules are imported only when their subcommand is chosen so a dry run stays cheap.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn, Protocol, cast

from orchestrator import __version__
from orchestrator.core.errors import OrchestratorError

COMMANDS: dict[str, str] = {
    "gates": "Evaluate the promotion gates and write the promotion state.",
    "ci": "Run the gates as a CI step: skip on missing evidence, result and summary files.",
    "apply": "Expand, resume or roll back the rollout in the fleet registry under governance.",
    "orchestrate": "Decide, then apply or roll back, with one trace id and a summary.",
    "registry": "Validate the fleet registry and print its normalized form.",
    "status": "Derive the fleet status (the autonomous block the gates read) from fleet state.",
}


class CommandModule(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


class _Parser(argparse.ArgumentParser):
    """Argument errors become the contract's one-line ``error:`` with exit code 1."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(f"error: {' '.join(message.split())}\n")
        raise SystemExit(1)


def _load(name: str) -> CommandModule:
    return cast(CommandModule, importlib.import_module(f"orchestrator.cli.{name}"))


def _check_text(args: Sequence[str]) -> None:
    """Arguments become JSON and file names: each must be text (UTF-8), without NUL bytes."""
    for position, arg in enumerate(args, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise OrchestratorError(f"argument {position} is not valid UTF-8") from None
        if "\x00" in arg:
            raise OrchestratorError(f"argument {position} contains a NUL byte")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; whatever happens, the result is an exit code and at most one ``error:`` line."""
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except OrchestratorError as exc:
        sys.stderr.write(f"error: {exc.message}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
    except Exception as exc:  # the last guard: a bug must still be one line, never a traceback
        sys.stderr.write(
            f"error: internal error ({type(exc).__name__}); nothing more was done."
            " This is a bug: please report it with the command you ran\n"
        )
        return 1


def _main(args_list: list[str]) -> int:
    _check_text(args_list)
    parser = _Parser(prog="promotion-rollout", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"promotion-rollout {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = next((a for a in args_list if not a.startswith("-")), None)
    for name, help_text in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            _load(name).add_arguments(command_parser)
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_help(sys.stderr)
        sys.stderr.write("error: a command is required\n")
        return 1
    return _load(args.command).run(args)


if __name__ == "__main__":
    raise SystemExit(main())
