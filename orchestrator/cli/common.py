"""Flags and helpers shared by several subcommands, declared once; subcommands never import each other."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from orchestrator.core.errors import InvalidInput
from orchestrator.core.jsontext import dumps
from orchestrator.core.models import Thresholds
from orchestrator.core.thresholds import parse_thresholds
from orchestrator.core.timestamps import parse_ts
from orchestrator.hooks.config import HookContext, hooks_for
from orchestrator.runtime.clock import utc_now
from orchestrator.runtime.environment import given_trace_id, hook_variables, step_summary_path
from orchestrator.store.files import append_text
from orchestrator.store.layout import DEFAULTS, FleetLayout
from orchestrator.store.layout import require_repo as require_repo_path

if TYPE_CHECKING:  # the digest module loads only for the commands that bind a decision
    from orchestrator.core.digest import DecisionBinding

THRESHOLD_FLAGS: tuple[tuple[str, str], ...] = (
    ("--window-executions", "Number of most recent autonomous handoff executions to judge. Default: 20"),
    ("--min-sample-size", "Minimum number of autonomous executions required. Default: 20"),
    ("--max-ambiguity-rate", "Highest ambiguity rate (0..1) that still promotes. Default: 0.2"),
    ("--max-failure-rate", "Highest failure rate (0..1) that still promotes. Default: 0.2"),
    ("--max-manual-backlog", "Highest manual backlog that still promotes. Default: 5"),
    ("--max-drill-age-hours", "Oldest age (hours) accepted for required drill evidence. Default: 168"),
)

BAKE_AND_CONFIDENCE_FLAGS: tuple[tuple[str, str, str], ...] = (
    (
        "--min-bake",
        "DURATION",
        "Hold until this long (6h, 90m, 1d12h) has passed since the last expansion. Default: off,"
        " or the registry's policy.autonomous.rollout.bake.minDuration",
    ),
    (
        "--min-runs-since-expand",
        "N",
        "Judge only runs recorded after the last expansion and hold until there are N. Default: off,"
        " or the registry's policy.autonomous.rollout.bake.minRunsSinceExpand",
    ),
    (
        "--confidence",
        "LEVEL",
        "Promote only when the one-sided Wilson upper bounds of the failure and ambiguity rates at"
        " this level (0.5 up to 1, e.g. 0.95) are within their limits. Default: off",
    ),
    (
        "--min-attempts",
        "N",
        "Minimum attempted intents in the window. Default: off (with --confidence: --min-sample-size)",
    ),
)
"""Options beyond the reference's thresholds (off by default); a gates hook is not given them."""


def default(key: str) -> str:
    """A file's default place, as shown in ``--help``."""
    return f"<repo>/{DEFAULTS[key]}"


def add_file(parser: argparse.ArgumentParser, flag: str, key: str, label: str) -> None:
    """A flag that overrides one file of the fleet layout (``dest`` is the layout field)."""
    parser.add_argument(flag, dest=key, metavar="PATH", help=f"{label}. Default: {default(key)}")


def add_repo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--repo",
        required=True,
        metavar="PATH",
        help="Repository holding the fleet (the folder that contains .superloop/); required.",
    )


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
    for flag, metavar, help_text in BAKE_AND_CONFIDENCE_FLAGS:
        parser.add_argument(flag, metavar=metavar, help=help_text)


def thresholds(args: argparse.Namespace) -> Thresholds:
    flags = [flag for flag, _ in THRESHOLD_FLAGS] + [flag for flag, _, _ in BAKE_AND_CONFIDENCE_FLAGS]
    values = {flag[2:].replace("-", "_"): getattr(args, flag[2:].replace("-", "_"), None) for flag in flags}
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
    parser.add_argument(
        "--fail-on-hold", action="store_true", help="Exit 2 when the decision is hold (stderr names the failed gates)."
    )
    parser.add_argument(
        "--skip-on-missing-evidence",
        action="store_true",
        help="Report decision skipped and exit 0 when an evidence file is missing.",
    )


def add_governance(parser: argparse.ArgumentParser) -> None:
    from orchestrator.core.apply_request import REVIEW_BY_EXAMPLE  # only the mutating commands load it

    parser.add_argument("--by", default="", help="Governance actor identity for the mutation.")
    parser.add_argument("--approval-ref", default="", help="Governance approval or change reference.")
    parser.add_argument("--rationale", default="", help="Governance rationale.")
    parser.add_argument(
        "--review-by",
        default="",
        metavar="TIMESTAMP",
        help=f"Governance review deadline in the future, RFC 3339 like {REVIEW_BY_EXAMPLE}"
        " (a date alone is read as midnight UTC).",
    )


def review_by(args: argparse.Namespace) -> str:
    """``--review-by`` as stored: a date alone becomes its midnight UTC, and the operator is told."""
    from orchestrator.core.apply_request import review_by_from_date

    value: str = args.review_by
    full = review_by_from_date(value)
    if full is None:
        return value
    sys.stderr.write(f"note: --review-by {value} read as {full}\n")
    return full


def add_decision_ttl(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--decision-ttl",
        metavar="HOURS",
        help="How long the decision may be acted on: its expiresAt is generatedAt plus HOURS. Default: 24",
    )


def decision_ttl(args: argparse.Namespace) -> float:
    from orchestrator.core.digest import DEFAULT_DECISION_TTL_HOURS, parse_hours

    hours = parse_hours(getattr(args, "decision_ttl", None), "decision-ttl")
    return DEFAULT_DECISION_TTL_HOURS if hours is None else hours


def add_binding(parser: argparse.ArgumentParser) -> None:
    """The flags that bind an apply to the decision that was reviewed, and to its audit trail."""
    parser.add_argument(
        "--expect-evidence-digest",
        metavar="DIGEST",
        help="Refuse (promotion_evidence_changed) unless the decision acted on has this evidenceDigest, and"
        " refuse (promotion_decision_expired) once its expiresAt has passed. Default: not checked.",
    )
    parser.add_argument(
        "--max-decision-age",
        metavar="HOURS",
        help="Refuse (promotion_decision_expired) a decision generated more than HOURS ago. Default: any age.",
    )
    parser.add_argument(
        "--allow-broken-audit-chain",
        action="store_true",
        help="Append to an apply telemetry whose hash chain is broken (refused by default:"
        " promotion_audit_chain_broken); the record says it was told to.",
    )


def binding(args: argparse.Namespace) -> DecisionBinding:
    """The ``DecisionBinding`` the flags ask for (off when neither flag is given)."""
    from orchestrator.core.digest import DecisionBinding, parse_hours

    digest: str | None = args.expect_evidence_digest
    if digest is not None and (not digest or digest.strip() != digest or len(digest) > 200):
        raise InvalidInput("expect-evidence-digest", "must be a digest like sha256:<64 hex digits>", got=digest)
    return DecisionBinding(expect_digest=digest, max_age_hours=parse_hours(args.max_decision_age, "max-decision-age"))


def add_now(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--now",
        default=None,
        metavar="ISO-8601",
        help="Evaluate as of this instant, e.g. 2026-03-01T00:00:00Z (no offset means UTC),"
        " so a run can be reproduced. Default: the current time.",
    )


def parse_now(text: str | None) -> datetime:
    """The evaluation instant from ``--now``; the wall clock is read only when it is not given."""
    if text is None:
        return utc_now()
    moment = parse_ts(text)
    if moment is None:
        moment = parse_ts(f"{text}Z")
    if moment is None:
        raise InvalidInput("now", "must be an ISO-8601 timestamp like 2026-03-01T00:00:00Z", got=text)
    return moment


def now(args: argparse.Namespace) -> datetime:
    return parse_now(getattr(args, "now", None))


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
    parser.add_argument(
        "--format",
        choices=("json", "text"),
        default="json",
        help="What stdout gets: json (the contract, for pipes and scripts) or text (tables for a"
        " terminal; colour only on a terminal and without $NO_COLOR). Default: json",
    )


def wants_text(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "format", "json") == "text")


def report_hold(args: argparse.Namespace, failed_gates: Iterable[str]) -> None:
    """Under ``--fail-on-hold`` (exit 2) say which gates held, in one line that is not an error.

    Only to a person (a terminal, or ``--format text``): the reference's scripts print nothing
    there, and their own tests read stdout and stderr merged as one JSON document.
    """
    if sys.stderr.isatty() or wants_text(args):
        sys.stderr.write(f"hold: failed gates: {', '.join(failed_gates) or 'none reported'}\n")


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


def add_freeze(parser: argparse.ArgumentParser) -> None:
    """Change-freeze flags of the mutating commands: a calendar file and the break-glass approval."""
    parser.add_argument(
        "--freeze-calendar",
        metavar="PATH",
        help='JSON file of change-freeze windows ({"freeze": [...]}, as policy.autonomous.rollout.freeze);'
        " inside one, expand and resume are refused. Default: only the registry's windows.",
    )
    parser.add_argument(
        "--break-glass-approval-ref",
        metavar="REF",
        help="A second approval (not --approval-ref) that lets an expand or resume through an active freeze;"
        " recorded in the apply record (breakGlass).",
    )
