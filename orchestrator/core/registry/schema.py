"""The registry's JSON Schema contract, as typed dicts.

``schema/fleet-registry.v1.schema.json`` is generated from these classes, so the contract the
engine validates against and the file operators' editors read cannot drift apart. Class names and
docstrings appear in the generated schema: renaming or documenting a class changes the contract.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal, NotRequired, Required

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from orchestrator.core.registry.messages import Violation, schema_violation

Category = Literal["reconcile_failed", "health_critical", "health_degraded"]
NonEmpty = Annotated[str, Field(min_length=1)]
Count = Annotated[int, Field(ge=0)]
Positive = Annotated[int, Field(ge=1)]
Rate = Annotated[float, Field(ge=0, le=1)]

_CLOSED = ConfigDict(extra="forbid", strict=True)
_OPEN = ConfigDict(extra="allow", strict=True)


class Loop(TypedDict):
    __pydantic_config__ = _OPEN  # type: ignore[misc]
    loopId: NonEmpty
    enabled: NotRequired[bool]
    transport: NotRequired[Literal["local", "sprite_service"]]
    sprite: NotRequired[dict[str, Any]]
    service: NotRequired[dict[str, Any]]
    metadata: NotRequired[dict[str, Any]]


class NoiseControls(TypedDict, total=False):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    dedupeWindowSeconds: Count


class Allow(TypedDict, total=False):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    categories: list[Category]
    intents: list[Literal["cancel"]]


class AutonomyThresholds(TypedDict, total=False):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    minSeverity: Literal["critical", "warning", "info"]
    minConfidence: Literal["high", "medium", "low"]


class Safety(TypedDict, total=False):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    maxActionsPerRun: Count
    maxActionsPerLoop: Count
    cooldownSeconds: Count
    killSwitch: bool


class Governance(TypedDict, total=False):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    actor: NonEmpty
    approvalRef: NonEmpty
    rationale: NonEmpty
    changedAt: NonEmpty
    reviewBy: NonEmpty


class Scope(TypedDict, total=False):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    loopIds: list[NonEmpty]


class Selector(TypedDict, total=False):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    salt: NonEmpty


class Pause(TypedDict, total=False):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    manual: bool


class AutoPause(TypedDict, total=False):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    enabled: bool
    lookbackExecutions: Positive
    minSampleSize: Positive
    ambiguityRateThreshold: Rate
    failureRateThreshold: Rate


Clock = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_FreezeClock = TypedDict("_FreezeClock", {"from": Clock, "to": Clock}, total=False)


class FreezeWindow(_FreezeClock, total=False):
    """A change-freeze window: one-off (start, end) or recurring (every, days, from, to, timeZone)."""

    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    reason: Required[NonEmpty]
    start: NonEmpty
    end: NonEmpty
    every: Literal["day", "week"]
    days: list[Day]
    timeZone: NonEmpty


DURATION_PATTERN = r"^([0-9]+d([0-9]+h)?([0-9]+m)?([0-9]+s)?|[0-9]+h([0-9]+m)?([0-9]+s)?|[0-9]+m([0-9]+s)?|[0-9]+s)$"
"""A duration as core.bake reads it: 6h, 90m, 1d12h (days, hours, minutes, seconds in that order)."""


class Bake(TypedDict, total=False):
    """Bake time and fresh evidence before the next expansion (the gates' --min-bake, --min-runs-since-expand)."""

    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    minDuration: Annotated[str, Field(pattern=DURATION_PATTERN)]
    minRunsSinceExpand: Positive


class Rollout(TypedDict, total=False):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    canaryPercent: Annotated[int, Field(ge=0, le=100)]
    scope: Scope
    selector: Selector
    pause: Pause
    autoPause: AutoPause
    bake: Bake
    freeze: list[FreezeWindow]


class Autonomous(TypedDict, total=False):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    allow: Allow
    thresholds: AutonomyThresholds
    safety: Safety
    governance: Governance
    rollout: Rollout


class Policy(TypedDict, total=False):
    __pydantic_config__ = _OPEN  # type: ignore[misc]
    mode: Literal["advisory", "guarded_auto"]
    suppressions: dict[str, list[Category]]
    noiseControls: NoiseControls
    autonomous: Autonomous


class FleetRegistry(TypedDict):
    """The operator's ``registry.v1.json``."""

    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    schemaVersion: Literal["v1"]
    fleetId: NotRequired[NonEmpty]
    loops: Annotated[list[Loop], Field(min_length=1)]
    policy: NotRequired[Policy]


@cache
def registry_adapter() -> TypeAdapter[FleetRegistry]:
    """Built on first use: a dry run never validates a registry, so it never pays for this."""
    return TypeAdapter(FleetRegistry)


def registry_json_schema() -> dict[str, Any]:
    """The published schema: the adapter's output plus the dialect and title editors show."""
    schema = registry_adapter().json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Ops Manager Fleet Registry (v1)"
    return schema


def schema_violations(doc: Any) -> list[Violation]:
    """Every schema violation, in the reference's words for its field, with pydantic's detail."""
    try:
        registry_adapter().validate_python(doc)
    except ValidationError as exc:
        return [schema_violation(item) for item in exc.errors(include_url=False)]
    return []
