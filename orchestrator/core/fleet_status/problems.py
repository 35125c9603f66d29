"""What the derivation found wrongly typed in the fleet's state documents, and which gates that voids.

The derivation reads other tools' JSON loosely so that ``status`` can always print something, but a
block of the wrong type (``"rollout": 5``, ``"intents": {}``) is read as empty, and an empty block
can look like a fleet with nothing to hold it back. Each such place is recorded as a
``StatusProblem``: the document, the field path inside it, what was wrong, and the status gates
that read that part. ``fleet_status_evidence`` turns every problem into an ``EvidenceError`` on
those gates, so a mistyped status is invalid (hold), never empty (promote).

``null`` and absent values are not problems: the v1 contract gives them their defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from orchestrator.core.evidence.common import BACKLOG, GOVERNANCE, MAX_REPORTED_ERRORS, SAFETY, describe
from orchestrator.core.fleet_status.inputs import FleetFiles

Document = Literal["policy_state", "handoff_state", "fleet_state", "fleet_telemetry", "handoff_telemetry"]

GOVERNANCE_GATE: tuple[str, ...] = (GOVERNANCE,)
BACKLOG_GATE: tuple[str, ...] = (BACKLOG,)
SAFETY_GATE: tuple[str, ...] = (SAFETY,)
STATUS_GATES: tuple[str, ...] = (GOVERNANCE, BACKLOG, SAFETY)
"""A part no single gate owns fails all three status gates: a status misread anywhere is invalid."""

MAX_PROBLEMS = MAX_REPORTED_ERRORS


class StatusProblem(BaseModel):
    """One wrongly typed block or field: where it is, what was wrong, and the gates it voids."""

    model_config = ConfigDict(frozen=True)

    document: Document
    field: str
    message: str
    gates: tuple[str, ...]

    def file(self, files: FleetFiles) -> str:
        """The path of the document the problem is in."""
        return {
            "policy_state": files.policy_state_file,
            "handoff_state": files.handoff_state_file,
            "fleet_state": files.fleet_state_file,
            "fleet_telemetry": files.fleet_telemetry_file,
            "handoff_telemetry": files.handoff_telemetry_file,
        }[self.document]


class ProblemLog:
    """Collects problems, keeping the first ``limit`` and summarising the rest in one more problem.

    The summary carries every gate the dropped problems named, so capping the report never lets a
    gate pass that a dropped problem would have failed.
    """

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.limit = limit
        self.kept: list[StatusProblem] = []
        self.first_dropped: StatusProblem | None = None
        self.dropped_count = 0
        self.dropped_gates: set[str] = set()

    def add(self, document: Document, field: str, message: str, gates: tuple[str, ...]) -> None:
        problem = StatusProblem(document=document, field=field, message=message, gates=gates)
        if len(self.kept) < self.limit:
            self.kept.append(problem)
            return
        self.first_dropped = self.first_dropped or problem
        self.dropped_count += 1
        self.dropped_gates.update(gates)

    def problems(self) -> tuple[StatusProblem, ...]:
        if self.first_dropped is None:
            return tuple(self.kept)
        more = StatusProblem(
            document=self.first_dropped.document,
            field=self.first_dropped.field,
            message=f"and {self.dropped_count} more wrongly typed fields from here on",
            gates=tuple(gate for gate in STATUS_GATES if gate in self.dropped_gates),
        )
        return (*self.kept, more)


# --- the shapes a document is checked against (``shapes.py`` lists them) ----------------------------


MAX_KEY_SHOWN = 40


@dataclass(frozen=True)
class Walk:
    """Where the walk is: the document, the field path so far, the gates reading it, the log."""

    document: Document
    path: str
    gates: tuple[str, ...]
    log: ProblemLog

    def key(self, key: str) -> Walk:
        shown = key if len(key) <= MAX_KEY_SHOWN else key[: MAX_KEY_SHOWN - 3] + "..."
        return Walk(self.document, f"{self.path}.{shown}" if self.path else shown, self.gates, self.log)

    def index(self, index: int) -> Walk:
        return Walk(self.document, f"{self.path}[{index}]", self.gates, self.log)

    def fail(self, expected: str, value: Any) -> None:
        self.log.add(self.document, self.path or "$", f"must be {expected}, found {describe(value)}", self.gates)


class Shape:
    """The type a value must have; ``check`` is only called for values that are not ``null``."""

    def check(self, value: Any, at: Walk) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class Leaf(Shape):
    expected: str
    accepts: Callable[[Any], bool]

    def check(self, value: Any, at: Walk) -> None:
        if not self.accepts(value):
            at.fail(self.expected, value)


@dataclass(frozen=True)
class Block(Shape):
    """An object; only the members the derivation reads are checked."""

    fields: Mapping[str, Shape] = field(default_factory=dict)

    def check(self, value: Any, at: Walk) -> None:
        if not isinstance(value, dict):
            at.fail("an object", value)
            return
        for key, shape in self.fields.items():
            member = value.get(key)
            if member is not None:
                shape.check(member, at.key(key))


@dataclass(frozen=True)
class Members(Shape):
    """An object whose every member has one shape (a tally keyed by reason code)."""

    member: Shape

    def check(self, value: Any, at: Walk) -> None:
        if not isinstance(value, dict):
            at.fail("an object", value)
            return
        for key, member in value.items():
            if member is not None:
                self.member.check(member, at.key(str(key)))


@dataclass(frozen=True)
class Items(Shape):
    """An array; a ``null`` member is wrong too (the derivation would skip it silently)."""

    item: Shape

    def check(self, value: Any, at: Walk) -> None:
        if not isinstance(value, list):
            at.fail("an array", value)
            return
        for index, item in enumerate(value):
            if item is None:
                at.index(index).fail("a value", item)
            else:
                self.item.check(item, at.index(index))


@dataclass(frozen=True)
class Read(Shape):
    """``shape``, read by ``gates`` (instead of the gates of the enclosing block)."""

    gates: tuple[str, ...]
    shape: Shape

    def check(self, value: Any, at: Walk) -> None:
        self.shape.check(value, Walk(at.document, at.path, self.gates, at.log))
