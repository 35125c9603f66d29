"""``registry``: validate the fleet registry and print its normalized view (ops-manager-fleet-registry.sh)."""

from __future__ import annotations

import argparse

from orchestrator.cli import common
from orchestrator.core.registry.view import normalized
from orchestrator.runtime.clock import utc_now
from orchestrator.store.registry import load_registry


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common.add_repo(parser)
    common.add_file(parser, "--registry-file", "registry", "Fleet registry JSON")
    parser.add_argument("--loop", help="Only show this loop id.")
    common.add_output(parser)


def run(args: argparse.Namespace) -> int:
    layout = common.layout(args, ("registry",))
    doc = load_registry(layout.registry, utc_now())
    common.emit(normalized(doc, str(layout.registry), args.loop), args.pretty)
    return 0
