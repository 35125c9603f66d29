"""Flags and helpers shared by several subcommands, declared once; subcommands never import each other."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import Any

from orchestrator.core.jsontext import dumps
from orchestrator.core.models import Thresholds
from orchestrator.core.thresholds import parse_thresholds
from orchestrator.hooks.config import HookContext, hooks_for
from orchestrator.runtime.environment import given_trace_id, hook_variables, step_summary_path
from orchestrator.store.files import append_text
from orchestrator.store.layout import DEFAULTS, FleetLayout
from orchestrator.store.layout import require_repo as require_repo_path

THRESHOLD_FLAGS: tuple[tuple[str, str], ...] = (
    ("--window-executions", "Number of most recent autonomous handoff executions to judge. Default: 20"),
    ("--min-sample-size", "Minimum number of autonomous executions required. Default: 20"),
    ("--max-ambiguity-rate", "Highest ambiguity rate (0..1) that still promotes. Default: 0.2"),
    ("--max-failure-rate", "Highest failure rate (0..1) that still promotes. Default: 0.2"),
    ("--max-manual-backlog", "Highest manual backlog that still promotes. Default: 5"),
    ("--max-drill-age-hours", "Oldest age (hours) accepted for required drill evidence. Default: 168"),
)


def default(key: str) -> str:
    """A file's default place, as shown in ``--help``."""
    return f"<repo>/{DEFAULTS[key]}"


def add_file(parser: argparse.ArgumentParser, flag: str, key: str, label: str) -> None:
    """A flag that overrides one file of the fleet layout (``dest`` is the layout field)."""
    parser.add_argument(flag, dest=key, metavar="PATH", help=f"{label}. Default: {default(key)}")


def add_repo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", default="", help="Repository holding the fleet artifacts (required).")


def require_repo(args: argparse.Namespace) -> None:
    """The one ``--repo is required`` check, made before any other input is judged."""
    require_repo_path(args.repo)


def layout(args: argparse.Namespace, keys: Iterable[str]) -> FleetLayout:
    """The fleet layout from ``--repo`` and the file flags this subcommand has (``keys``)."""
    require_repo(args)
    return FleetLayout.resolve(args.repo, {key: getattr(args, key, None) for key in keys})


def add_evidence_inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fleet-status-file",
        dest="fleet_status",
        metavar="PATH",
        help="Precomputed fleet status JSON. Default: derived from the fleet's state, as `status` does.",
    )
    add_file(parser, "--handoff-telemetry-file", "handoff_telemetry", "Handoff telemetry JSONL")
    add_file(parser, "--drill-state-file", "drill_state", "Promotion drill state JSON")


EVIDENCE_KEYS = ("fleet_status", "handoff_telemetry", "drill_state")
DECISION_KEYS = ("promotion_state", "promotion_telemetry")


def add_decision_outputs(parser: argparse.ArgumentParser) -> None:
    add_file(parser, "--promotion-state-file", "promotion_state", "Decision JSON output")
    add_file(parser, "--promotion-telemetry-file", "promotion_telemetry", "Decision telemetry JSONL")


def add_thresholds(parser: argparse.ArgumentParser) -> None:
    for flag, help_text in THRESHOLD_FLAGS:
        parser.add_argument(flag, metavar="N", help=help_text)


def thresholds(args: argparse.Namespace) -> Thresholds:
    values = {flag[2:].replace("-", "_"): getattr(args, flag[2:].replace("-", "_")) for flag, _ in THRESHOLD_FLAGS}
    return parse_thresholds(**values)


def given_thresholds(args: argparse.Namespace) -> tuple[str, ...]:
    """The threshold flags the operator gave, as given and in the reference's order (for a hook)."""
    given: list[str] = []
    for flag, _ in THRESHOLD_FLAGS:
        value = getattr(args, flag[2:].replace("-", "_"), None)
        if value:
            given += [flag, value]
    return tuple(given)


def hook_context(command: str, args: argparse.Namespace) -> HookContext:
    """The phase hooks this command runs (from their variables, each checked) and the flags they get."""
    return HookContext(
        hooks=hooks_for(command, hook_variables()),
        threshold_args=given_thresholds(args),
        trace_given=given_trace_id(getattr(args, "trace_id", None)) is not None,
        pretty=bool(getattr(args, "pretty", False)),
    )


def add_ci_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fail-on-hold", action="store_true", help="Exit 2 when the decision is hold.")
    parser.add_argument(
        "--skip-on-missing-evidence",
        action="store_true",
        help="Report decision skipped and exit 0 when an evidence file is missing.",
    )


def add_governance(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--by", default="", help="Governance actor identity for the mutation.")
    parser.add_argument("--approval-ref", default="", help="Governance approval or change reference.")
    parser.add_argument("--rationale", default="", help="Governance rationale.")
    parser.add_argument("--review-by", default="", help="Governance review deadline, ISO-8601, in the future.")


def add_seam(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--idempotency-key", help="Replay the prior result for this key instead of mutating again.")
    parser.add_argument("--trace-id", help="Trace id. Default: $OPS_MANAGER_TRACE_ID or a UUID.")
    parser.add_argument("--loop-id", help="Loop identifier for seam tracking.")
    parser.add_argument("--horizon-ref", help="Horizon reference for seam tracking.")
    parser.add_argument(
        "--evidence-ref",
        action="append",
        default=[],
        help="Evidence reference; may be repeated; empty ones are ignored.",
    )


def add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pretty", action="store_true", help="Indent the JSON printed on stdout.")


def emit(payload: Any, pretty: bool) -> None:
    sys.stdout.write(dumps(payload, pretty=pretty) + "\n")
    sys.stdout.flush()


def warn(warnings: Iterable[str]) -> None:
    for warning in warnings:
        sys.stderr.write(f"warning: {warning}\n")


def publish_summary(markdown: str) -> None:
    """Append a summary to the Actions step summary when there is one (the reference's behaviour)."""
    target = step_summary_path()
    if target is not None:
        append_text(target, markdown)
