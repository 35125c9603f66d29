"""``registry``: validate the fleet registry and print its normalized view (ops-manager-fleet-registry.sh)."""

from __future__ import annotations

import argparse

from orchestrator.cli.common import FLEET, add_output, add_repo, emit
from orchestrator.core.registry import load_registry, normalized
from orchestrator.runtime.clock import utc_now
from orchestrator.store.layout import artifact_path, resolve_repo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo(parser)
    parser.add_argument("--registry-file", help=f"Fleet registry JSON. Default: {FLEET}/registry.v1.json")
    parser.add_argument("--loop", help="Only show this loop id.")
    add_output(parser)


def run(args: argparse.Namespace) -> int:
    repo = resolve_repo(args.repo)
    path = artifact_path(repo, "registry", args.registry_file)
    doc = load_registry(path, utc_now())
    emit(normalized(doc, str(path), args.loop), args.pretty)
    return 0
