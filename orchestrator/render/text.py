"""``--format text``: what a command produced, for a person at a terminal (tables and colour, via rich).

JSON stays the default on stdout (the drop-in contract); this is the view for people. Values are
printed as plain text: never read as rich markup or emoji codes, never markdown-escaped, and any
control or formatting character (an escape sequence in a file, a bidi override) is shown as
``\\uXXXX`` instead of being acted on. Colour appears only on a terminal and never under
``$NO_COLOR`` (rich decides both). Imported only when text is asked for, so the JSON path never
pays for rich.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from orchestrator.core.hints import gate_rows, what_would_change
from orchestrator.core.models import ApplyRecord, OrchestrationResult, PromotionState, RolloutPoint
from orchestrator.core.next_steps import next_steps
from orchestrator.core.replay import describe_replay

_HIDDEN = {"Cc", "Cf", "Zl", "Zp"}
_STYLES = {
    "pass": "green",
    "promote": "bold green",
    "applied": "bold green",
    "rolled_back": "bold yellow",
    "preview": "bold cyan",
    "fail": "red",
    "hold": "bold red",
    "held": "bold red",
    "refused": "bold red",
    "skipped": "bold yellow",
    "unknown": "bold red",
}


def clean(value: object) -> str:
    """A value as safe terminal text: hidden and control characters become ``\\uXXXX``."""
    text = "" if value is None else str(value)
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in _HIDDEN else ch for ch in text)


def _text(value: object, style: str = "") -> Text:
    return Text(clean(value), style=style)


PIPE_WIDTH = 120
"""Columns when stdout is not a terminal (a pager, a file): wide enough for the gate table."""


def _console(file: TextIO) -> Console:
    console = Console(file=file, markup=False, emoji=False, highlight=False, soft_wrap=False)
    if not console.is_terminal:
        console.width = PIPE_WIDTH
    return console


def _pairs(rows: Iterable[tuple[str, object]]) -> Table:
    """Label and value, one per line; empty values are left out."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        if value not in (None, "", []):
            grid.add_row(_text(label), value if isinstance(value, Text) else _text(value))
    return grid


def _headline(label: str, value: str, detail: str = "") -> Text:
    line = Text(f"{label}: ", style="bold")
    line.append_text(_text(value.upper(), _STYLES.get(value, "bold")))
    if detail:
        line.append_text(_text(f"  {detail}", "dim"))
    return line


def _listed(values: Sequence[str]) -> str:
    return ", ".join(values) if values else "none"


def _gates(console: Console, state: PromotionState) -> None:
    """The gate table and, on hold, what would have to change."""
    table = Table(title="Gates", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("gate", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("observed", ratio=1, overflow="fold", min_width=12)
    table.add_column("threshold", ratio=1, overflow="fold", min_width=12)
    rows = gate_rows(state)
    widest = max((len(reason) for row in rows for reason in row.reasons), default=1)
    roomy = console.width >= 110  # whole reason codes beside the other columns; else folded
    table.add_column("reasons", overflow="fold", width=min(max(widest, 7), 45) if roomy else None, min_width=12)
    for row in rows:
        style = _STYLES.get(row.status, "")
        reasons = "\n".join(clean(reason) for reason in row.reasons) or "-"
        table.add_row(
            _text(row.name), _text(row.status, style), _text(row.observed), _text(row.threshold), Text(reasons)
        )
    console.print(table)
    steps = what_would_change(state)
    if steps:
        console.print(_text("What would have to change", "bold"))
        for step in steps:
            console.print(_text(f"  - {step}"))
    todo = next_steps(state.summary.reason_codes)
    if todo:
        console.print(_text("What to do next", "bold"))
        for step in todo:
            console.print(_text(f"  - {step}"))


def print_decision(file: TextIO, state: PromotionState) -> None:
    """``gates`` (and ``ci``): the decision, the gate table and what would have to change."""
    console = _console(file)
    summary = state.summary
    passed = f"{summary.gate_pass_count} of {summary.gate_pass_count + summary.gate_fail_count} gates passed"
    console.print(_headline("Decision", summary.decision, passed))
    console.print(_pairs([("trace", state.trace_id), ("generated", state.generated_at)]))
    _gates(console, state)


def print_ci(file: TextIO, payload: Mapping[str, Any], state: PromotionState | None) -> None:
    """``ci``: the decision as ``gates`` shows it, or a skip and the missing evidence, or a hook's decision."""
    if state is not None:
        print_decision(file, state)
        return
    console = _console(file)
    summary = _get(payload, "summary") or {}
    console.print(_headline("Decision", str(summary.get("decision", "unknown"))))
    console.print(
        _pairs(
            [
                ("trace", payload.get("traceId")),
                ("failed gates", ", ".join(map(str, summary.get("failedGates") or []))),
                ("reason codes", ", ".join(map(str, summary.get("reasonCodes") or []))),
                ("missing evidence", "\n".join(map(str, summary.get("missingEvidencePaths") or []))),
            ]
        )
    )


def _point(point: RolloutPoint | None) -> tuple[str, str]:
    if point is None:
        return "?", "?"
    return f"{point.canary_percent}%", "yes" if point.manual_pause else "no"


def _rollout(before: RolloutPoint, after: RolloutPoint, now: RolloutPoint | None, *, show_now: bool) -> Table:
    """The rollout before → after, and where the registry stands now when that may differ."""
    table = Table(title="Rollout", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("")
    table.add_column("before")
    table.add_column("after")
    if show_now:
        table.add_column("now")
    columns = [_point(before), _point(after), *([_point(now)] if show_now else [])]
    for index, label in enumerate(("canary share", "manual pause")):
        cells = [_text(column[index]) for column in columns]
        if columns[0][index] != columns[1][index]:
            cells[1].stylize("bold")
        table.add_row(_text(label), *cells)
    return table


def _current(record: ApplyRecord) -> RolloutPoint | None:
    current = _extra(record, "currentRollout")
    return RolloutPoint.model_validate(current) if isinstance(current, Mapping) else None


def _governance(record: ApplyRecord) -> Table:
    gov = record.governance
    return _pairs(
        [
            ("by", gov.actor),
            ("approval", gov.approval_ref),
            ("rationale", gov.rationale),
            ("changed at", gov.changed_at),
            ("review by", gov.review_by),
        ]
    )


def _extra(record: ApplyRecord, key: str) -> Any:
    return (record.model_extra or {}).get(key)


def _record_facts(record: ApplyRecord) -> Table:
    rollback_to = _extra(record, "rollbackTo")
    return _pairs(
        [
            ("intent", record.intent + (f", canary set to {rollback_to}%" if rollback_to is not None else "")),
            ("decision", record.decision),
            ("fleet", record.fleet_id),
            ("trace", record.trace_id),
            ("idempotency key", record.idempotency_key),
            ("reason codes", ", ".join(record.reason_codes)),
        ]
    )


def print_apply(file: TextIO, record: ApplyRecord) -> None:
    """``apply``: a replay first (when, by whom, where the fleet is now), then the move and its governance."""
    console = _console(file)
    current = _current(record)
    if record.replayed:
        console.print(_headline("Status", "replayed", "nothing was changed now"))
        console.print(_text(describe_replay(record, current), "yellow"))
    else:
        console.print(_headline("Status", "applied", record.timestamp))
    console.print(_record_facts(record))
    console.print(_rollout(record.rollout.before, record.rollout.after, current, show_now=record.replayed))
    console.print(_text("Governance", "bold"))
    console.print(_governance(record))


def print_orchestration(file: TextIO, result: OrchestrationResult, state: PromotionState | None) -> None:
    """``orchestrate``: status, a replay first, the gates, the rollout before → after (and now), governance."""
    console = _console(file)
    console.print(_headline("Status", result.status, f"mode {result.mode}, decision {result.decision}"))
    record = result.apply.record
    if record is not None and record.replayed:
        console.print(_text(describe_replay(record, result.rollout.current if result.rollout else None), "yellow"))
    problem = result.error or result.decision_error
    console.print(
        _pairs(
            [
                ("problem", _text(problem, "red") if problem else None),
                ("trace", result.trace_id),
                ("failed gates", _listed(result.summary.failed_gates)),
                ("overrides", ", ".join(result.overrides)),
                ("result file", result.files.result_file),
            ]
        )
    )
    if state is not None:
        _gates(console, state)
    if result.rollout is not None:
        rollout = result.rollout
        moved = rollout.current is not None and rollout.current != rollout.after
        console.print(_rollout(rollout.before, rollout.after, rollout.current, show_now=moved))
    if record is not None:
        console.print(_text("Governance", "bold"))
        console.print(_governance(record))


def _yes(value: object) -> object:
    return ("yes" if value else "no") if isinstance(value, bool) else value


def _get(document: Mapping[str, Any], *path: str) -> Any:
    value: Any = document
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def print_status(file: TextIO, status: Mapping[str, Any]) -> None:
    """``status``: the fleet, its health, and the autonomous block the gates read, compactly."""
    console = _console(file)
    auto = _get(status, "autonomous") or {}
    rollup = _get(auto, "outcomeRollup") or {}
    console.print(
        _headline("Fleet", str(_get(status, "fleet", "status") or "unknown"), clean(_get(status, "source", "fleetId")))
    )
    health = _get(status, "healthRollup") or {}
    console.print(
        _pairs(
            [
                ("as of", _get(status, "generatedAt")),
                ("health", ", ".join(f"{key} {value}" for key, value in health.items())),
                ("policy mode", _get(auto, "mode")),
                ("autonomy", "enabled" if _get(auto, "enabled") else "not enabled"),
                ("governance", f"{_get(auto, 'governance', 'posture')} until {_get(auto, 'governance', 'until')}"),
                ("canary share", f"{_get(auto, 'rollout', 'canaryPercent')}%"),
                ("paused", "yes" if _get(auto, "rollout", "pause", "active") else "no"),
                ("outcomes", ", ".join(f"{key} {value}" for key, value in rollup.items())),
            ]
        )
    )


def print_registry(file: TextIO, view: Mapping[str, Any]) -> None:
    """``registry``: the fleet, its loops and the autonomous policy, compactly."""
    console = _console(file)
    console.print(_headline("Registry", "valid", clean(view.get("fleetId"))))
    rollout = _get(view, "policy", "autonomous", "rollout") or {}
    gov = _get(view, "policy", "autonomous", "governance") or {}
    console.print(
        _pairs(
            [
                ("file", view.get("sourceFile")),
                ("policy mode", _get(view, "policy", "mode")),
                ("canary share", f"{rollout.get('canaryPercent')}%" if rollout else None),
                ("manual pause", _yes(_get(rollout, "pause", "manual"))),
                (
                    "governance",
                    f"{gov.get('actor')}, {gov.get('approvalRef')}, review by {gov.get('reviewBy')}" if gov else None,
                ),
            ]
        )
    )
    loops: list[Any] = view.get("loops") or []
    table = Table(title=f"Loops ({len(loops)})", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("loop", "transport", "enabled"):
        table.add_column(column)
    for loop in loops:
        if isinstance(loop, Mapping):
            table.add_row(_text(loop.get("loopId")), _text(loop.get("transport")), _text(_yes(loop.get("enabled"))))
    console.print(table)
