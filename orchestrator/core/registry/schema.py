"""The registry's JSON Schema contract, as typed dicts.

``schema/fleet-registry.v1.schema.json`` is generated from these classes, so the contract the
engine validates against and the file operators' editors read cannot drift apart. Class names and
docstrings appear in the generated schema: renaming or documenting a class changes the contract.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal, NotRequired

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


class Rollout(TypedDict, total=False):
    __pydantic_config__ = _CLOSED  # type: ignore[misc]
    canaryPercent: Annotated[int, Field(ge=0, le=100)]
    scope: Scope
    selector: Selector
    pause: Pause
    autoPause: AutoPause


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
