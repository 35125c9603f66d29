"""``registry``: validate the fleet registry and print its normalized view (ops-manager-fleet-registry.sh)."""

from __future__ import annotations

import argparse
import sys

from orchestrator.cli import common
from orchestrator.core.registry.view import normalized
from orchestrator.store.registry import load_registry


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common.add_repo(parser)
    common.add_file(parser, "--registry-file", "registry", "Fleet registry JSON")
    parser.add_argument("--loop", help="Only show this loop id.")
    common.add_now(parser)
    common.add_output(parser)


def run(args: argparse.Namespace) -> int:
    now = common.now(args)
    layout = common.layout(args, ("registry",))
    doc = load_registry(layout.registry, now)
    view = normalized(doc, str(layout.registry), args.loop)
    if common.wants_text(args):
        from orchestrator.render.text import print_registry

        print_registry(sys.stdout, view)
    else:
        common.emit(view, args.pretty)
    return 0
