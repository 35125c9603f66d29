"""Command-line entry point: one subcommand per reference script, same flags and exit codes.

Each subcommand lives in ``orchestrator.cli.<name>`` and exposes ``add_arguments`` and ``run``;
modules are imported only when their subcommand is chosen so a dry run stays cheap.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Protocol, cast

from orchestrator import __version__
from orchestrator.cli.usage import Parser, help_hint
from orchestrator.core.errors import InvalidInput, OrchestratorError

DESCRIPTION = """\
Decide whether a fleet's guarded-autonomous rollout may grow, then change the
fleet registry under governance, with an audit trail. A drop-in for the
ops-manager promotion scripts: same flags, same JSON, same exit codes.

The usual order: gates (or ci in a pipeline) says promote or hold and, on
hold, what would have to change; apply expands, resumes or rolls back the
canary share; orchestrate does both in one step; status and registry show the
fleet's state and configuration.

Every command reads the fleet under --repo (files under
<repo>/.superloop/ops-manager/fleet/ by default), prints JSON on stdout
(--format text for a terminal), and exits 0 on success, 1 when refused (one
"error:" line on stderr) and 2 on a hold under --fail-on-hold. Each command
lists its flags with --help.
"""

COMMANDS: dict[str, str] = {
    "gates": "Evaluate the promotion gates and write the promotion state.",
    "ci": "Run the gates as a CI step: skip on missing evidence, result and summary files.",
    "apply": "Expand, resume or roll back the rollout in the fleet registry under governance.",
    "orchestrate": "Decide, then apply or roll back, with one trace id and a summary.",
    "registry": "Validate the fleet registry and print its normalized form.",
    "status": "Derive the fleet status (the autonomous block the gates read) from fleet state.",
    "audit": "Verify the apply telemetry's hash chain (audit verify): name the first tampered line.",
}


class CommandModule(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


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
    parser = Parser(prog="promotion-rollout", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"promotion-rollout {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    chosen = next((a for a in args_list if not a.startswith("-")), None)
    command_parsers: dict[str, Parser] = {}
    for name, help_text in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        command_parsers[name] = command_parser
        if name == chosen:
            _load(name).add_arguments(command_parser)
    args, extras = parser.parse_known_args(args_list)
    if args.command is None:
        parser.error(f"a command is required: {', '.join(COMMANDS)}")
    command = command_parsers[args.command]
    if extras:
        command.refuse_unknown(extras)
    try:
        return _load(args.command).run(args)
    except InvalidInput as exc:  # a flag's value: say where the flag is explained
        raise OrchestratorError(exc.message + help_hint(command.prog)) from exc


if __name__ == "__main__":
    raise SystemExit(main())
