"""The fleet registry: its contract, its validation, its normalized view and its edits.

Two rule sets guard the registry and they disagree in both directions: the JSON Schema (for
example, ``fleetId`` must be non-empty) and the reference validator's cross-field rules (for
example, unique ``loopId`` values). A registry must satisfy both. The schema is expressed as typed
dicts so that ``schema/fleet-registry.v1.schema.json`` is generated from the same source.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Annotated, Any, Literal, NotRequired

import orjson
from pydantic import ConfigDict, Field, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from orchestrator.core.errors import OrchestratorError
from orchestrator.core.json_edit import JsonEditError, set_values
from orchestrator.core.jsonpath import dig, drop_none, is_number
from orchestrator.core.timestamps import parse_ts

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
    schema = registry_adapter().json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Ops Manager Fleet Registry (v1)"
    return schema


def _schema_errors(doc: Any) -> list[str]:
    try:
        registry_adapter().validate_python(doc)
    except ValidationError as exc:
        errors = []
        for item in exc.errors():
            location = ".".join(str(part) for part in item["loc"]) or "$"
            errors.append(f"{location}: {item['msg']}")
        return errors
    return []


def _rule_errors(doc: dict[str, Any], now: datetime, *, require_future_review: bool) -> list[str]:
    """The reference validator's rules that the schema cannot express."""
    errors: list[str] = []
    loops = doc.get("loops")
    declared: set[str] = set()
    if isinstance(loops, list):
        ids = [loop.get("loopId") for loop in loops if isinstance(loop, dict)]
        string_ids = [i for i in ids if isinstance(i, str)]
        if len(string_ids) != len(set(string_ids)):
            errors.append("loopId values must be unique")
        declared = {i for i in string_ids if i}
        for index, loop in enumerate(loops):
            if not isinstance(loop, dict):
                continue
            errors.extend(f"loops[{index}]: {message}" for message in _loop_errors(loop))
    gov = dig(doc, "policy", "autonomous", "governance")
    gov = gov if isinstance(gov, dict) else {}
    changed = parse_ts(gov.get("changedAt"))
    review = parse_ts(gov.get("reviewBy"))
    for key, stamp in (("changedAt", changed), ("reviewBy", review)):
        if gov.get(key) is not None and stamp is None:
            errors.append(f"policy.autonomous.governance.{key} must be an ISO-8601 timestamp when present")
    if changed and review and review <= changed:
        errors.append("policy.autonomous.governance.reviewBy must be after policy.autonomous.governance.changedAt")
    if dig(doc, "policy", "mode") == "guarded_auto":
        for key in ("actor", "approvalRef", "rationale"):
            value = gov.get(key)
            if not (isinstance(value, str) and value):
                errors.append(f"policy.autonomous.governance.{key} is required when policy.mode is guarded_auto")
        for key, stamp in (("changedAt", changed), ("reviewBy", review)):
            if stamp is None:
                errors.append(
                    f"policy.autonomous.governance.{key} must be an ISO-8601 timestamp when policy.mode is guarded_auto"
                )
        if require_future_review and review is not None and review <= now:
            errors.append(
                "policy.autonomous.governance.reviewBy must be in the future when policy.mode is guarded_auto"
            )
    scope_ids = dig(doc, "policy", "autonomous", "rollout", "scope", "loopIds")
    if isinstance(scope_ids, list) and all(isinstance(i, str) for i in scope_ids):
        if len(scope_ids) != len(set(scope_ids)):
            errors.append("policy.autonomous.rollout.scope.loopIds entries must be unique")
        elif any(i and i not in declared for i in scope_ids):
            errors.append("policy.autonomous.rollout.scope.loopIds entries must reference declared loopIds")
    suppressions = dig(doc, "policy", "suppressions")
    if isinstance(suppressions, dict):
        errors.extend(
            f"policy.suppressions.{key} key must reference a declared loopId or *"
            for key in suppressions
            if key != "*" and key not in declared
        )
    return errors


def _loop_errors(loop: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    sprite = loop.get("sprite")
    service = loop.get("service")
    sprite = sprite if isinstance(sprite, dict) else {}
    service = service if isinstance(service, dict) else {}
    sprite_id = sprite.get("id")
    if sprite_id is not None and not (isinstance(sprite_id, str) and sprite_id):
        errors.append("sprite.id must be a non-empty string when present")
    token_env = service.get("tokenEnv")
    if token_env is not None and not (isinstance(token_env, str) and token_env):
        errors.append("service.tokenEnv must be a non-empty string when present")
    attempts = service.get("retryAttempts")
    if attempts is not None and not (is_number(attempts) and attempts >= 1):
        errors.append("service.retryAttempts must be >= 1 when present")
    backoff = service.get("retryBackoffSeconds")
    if backoff is not None and not (is_number(backoff) and backoff >= 0):
        errors.append("service.retryBackoffSeconds must be >= 0 when present")
    if loop.get("transport") == "sprite_service":
        base_url = service.get("baseUrl") or sprite.get("serviceBaseUrl")
        if not (isinstance(base_url, str) and base_url):
            errors.append("sprite_service loops require service.baseUrl or sprite.serviceBaseUrl")
    return errors


def validation_errors(doc: Any, now: datetime, *, require_future_review: bool = True) -> list[str]:
    """Every reason the registry is invalid under the schema or the validator rules."""
    if not isinstance(doc, dict):
        return ["registry must be a JSON object"]
    errors = _schema_errors(doc) + _rule_errors(doc, now, require_future_review=require_future_review)
    return list(dict.fromkeys(errors))


class RegistryInvalid(OrchestratorError):
    def __init__(self, path: str, errors: list[str]) -> None:
        shown = "; ".join(errors[:8])
        more = f" (+{len(errors) - 8} more)" if len(errors) > 8 else ""
        super().__init__(f"invalid fleet registry: {path}: {shown}{more}")
        self.errors = errors


def parse_registry_text(text: str, path: str) -> dict[str, Any]:
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise OrchestratorError(f"invalid fleet registry JSON: {path}") from exc
    if not isinstance(doc, dict):
        raise RegistryInvalid(path, ["registry must be a JSON object"])
    return doc


def rollout_point(doc: dict[str, Any]) -> tuple[int, bool]:
    """Current canary percent (default 100) and manual pause (default false)."""
    rollout = dig(doc, "policy", "autonomous", "rollout") or {}
    canary = rollout.get("canaryPercent", 100)
    manual = (rollout.get("pause") or {}).get("manual", False)
    return int(canary), bool(manual)


def policy_mode(doc: dict[str, Any]) -> str:
    mode = dig(doc, "policy", "mode")
    return mode if isinstance(mode, str) else "advisory"


def fleet_id(doc: dict[str, Any]) -> str:
    value = doc.get("fleetId")
    return value if isinstance(value, str) and value else "default"


def edit_registry(text: str, updates: list[tuple[tuple[str, ...], Any]]) -> str:
    """The registry text with only ``updates`` changed: order, unknown keys and layout are kept."""
    try:
        return set_values(text, updates)
    except JsonEditError as exc:
        raise OrchestratorError(f"cannot edit fleet registry: {exc}") from exc


def normalized(doc: dict[str, Any], source_file: str, loop_filter: str | None) -> dict[str, Any]:
    """The reference's normalized registry view, with defaults filled in for readers.

    Explicit ``false`` flags stay false and unknown loop fields are kept (the reference turns
    ``enabled: false`` into true and drops them). This view is printed, never written back.
    """
    policy = doc.get("policy") or {}
    auto = policy.get("autonomous") or {}
    rollout = auto.get("rollout") or {}
    gov = auto.get("governance") or {}
    loops = []
    for loop in doc.get("loops", []):
        sprite = loop.get("sprite") or {}
        service = loop.get("service") or {}
        entry = dict(loop)
        entry.update(
            {
                "loopId": loop["loopId"],
                "enabled": loop.get("enabled", True),
                "transport": loop.get("transport", "local"),
                "sprite": drop_none(
                    {
                        **sprite,
                        "id": sprite.get("id"),
                        "assignment": sprite.get("assignment"),
                        "serviceBaseUrl": sprite.get("serviceBaseUrl") or service.get("baseUrl"),
                    }
                ),
                "service": drop_none(
                    {
                        **service,
                        "baseUrl": service.get("baseUrl") or sprite.get("serviceBaseUrl"),
                        "tokenEnv": service.get("tokenEnv"),
                        "retryAttempts": service.get("retryAttempts", 3),
                        "retryBackoffSeconds": service.get("retryBackoffSeconds", 1),
                    }
                ),
                "metadata": loop.get("metadata") or {},
            }
        )
        loops.append(entry)
    if loop_filter:
        loops = [loop for loop in loops if loop["loopId"] == loop_filter]
        if not loops:
            raise OrchestratorError(f"loop not found in registry: {loop_filter}")
    changed = parse_ts(gov.get("changedAt"))
    review = parse_ts(gov.get("reviewBy"))
    governance = drop_none(
        {
            "actor": gov.get("actor"),
            "approvalRef": gov.get("approvalRef"),
            "rationale": gov.get("rationale"),
            "changedAt": gov.get("changedAt"),
            "reviewBy": gov.get("reviewBy"),
            "reviewWindowDays": int((review - changed).total_seconds() // 86400) if changed and review else None,
        }
    )
    auto_pause = rollout.get("autoPause") or {}
    allow = auto.get("allow") or {}
    thresholds = auto.get("thresholds") or {}
    safety = auto.get("safety") or {}
    return {
        "schemaVersion": "v1",
        "sourceFile": source_file,
        "fleetId": fleet_id(doc),
        "loops": loops,
        "policy": {
            "mode": policy_mode(doc),
            "suppressions": policy.get("suppressions") or {},
            "noiseControls": {
                "dedupeWindowSeconds": (policy.get("noiseControls") or {}).get("dedupeWindowSeconds", 300)
            },
            "autonomous": {
                "enabled": policy_mode(doc) == "guarded_auto",
                "allow": {
                    "categories": allow.get("categories", ["reconcile_failed", "health_critical"]),
                    "intents": allow.get("intents", ["cancel"]),
                },
                "thresholds": {
                    "minSeverity": thresholds.get("minSeverity", "critical"),
                    "minConfidence": thresholds.get("minConfidence", "high"),
                },
                "safety": {
                    "maxActionsPerRun": safety.get("maxActionsPerRun", 1),
                    "maxActionsPerLoop": safety.get("maxActionsPerLoop", 1),
                    "cooldownSeconds": safety.get("cooldownSeconds", 300),
                    "killSwitch": safety.get("killSwitch", False),
                },
                "governance": governance,
                "rollout": {
                    "canaryPercent": rollout.get("canaryPercent", 100),
                    "scope": {"loopIds": (rollout.get("scope") or {}).get("loopIds", [])},
                    "selector": {"salt": (rollout.get("selector") or {}).get("salt", "fleet-autonomous-rollout-v1")},
                    "pause": {"manual": (rollout.get("pause") or {}).get("manual", False)},
                    "autoPause": {
                        "enabled": auto_pause.get("enabled", True),
                        "lookbackExecutions": auto_pause.get("lookbackExecutions", 5),
                        "minSampleSize": auto_pause.get("minSampleSize", 3),
                        "ambiguityRateThreshold": auto_pause.get("ambiguityRateThreshold", 0.4),
                        "failureRateThreshold": auto_pause.get("failureRateThreshold", 0.4),
                    },
                },
            },
        },
        "loopCount": len(loops),
    }
