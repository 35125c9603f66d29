"""``audit verify``: check the apply telemetry's hash chain and name the first line that was tampered with."""

from __future__ import annotations

import argparse

from orchestrator.cli import common
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.reasons import ReasonCode
from orchestrator.usecases.audit import verify_audit

FILE_KEYS = ("apply_state", "apply_telemetry")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=("verify",),
        help="verify: walk the apply telemetry's hash chain (previousHash, hash); exit 1 naming the first"
        " line that was edited, removed or reordered, else print a short JSON report.",
    )
    common.add_repo(parser)
    common.add_file(parser, "--apply-telemetry-file", "apply_telemetry", "Apply telemetry JSONL")
    common.add_file(
        parser, "--apply-state-file", "apply_state", "Apply state JSON (its hash must be the log's last one)"
    )
    parser.add_argument("--pretty", action="store_true", help="Indent the JSON printed on stdout.")


def run(args: argparse.Namespace) -> int:
    common.require_repo(args)
    layout = common.layout(args, FILE_KEYS)
    report = verify_audit(layout)
    if report.broken is not None:
        raise OrchestratorError(
            f"audit chain broken at line {report.broken.line} of {layout.apply_telemetry}:"
            f" {report.broken.problem} ({ReasonCode.AUDIT_CHAIN_BROKEN.value})"
        )
    common.emit({**report.to_json(), "file": str(layout.apply_telemetry)}, args.pretty)
    return 0
