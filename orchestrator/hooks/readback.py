"""What the phases read back from a hook, checked before it is trusted (fail closed).

The reference reads only a few fields of each hook's output (``jq '.summary.decision // ...'``)
and its own tests' stubs emit just those, so a hook need not produce a whole v1 document. The
fields that are read must be there with the right JSON type, though, and agree with each other
and with what was asked: anything else is one ``error:`` line naming the variable. Documents
are strict JSON (UTF-8, no NaN, no repeated key) and one object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from orchestrator.core import strictjson
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.models import ApplyRecord, Decision, Intent

DECISIONS: tuple[Decision, ...] = ("promote", "hold", "skipped")


class InvalidHookOutput(OrchestratorError):
    """A hook's output failed its check; the message names the variable and the field."""


def _invalid(variable: str, what: str, problem: str) -> InvalidHookOutput:
    return InvalidHookOutput(f"{variable} produced an invalid {what}: {problem}")


def parse_document(data: bytes, variable: str, what: str) -> dict[str, Any]:
    """One JSON object from ``data`` (a hook's stdout or a file it wrote)."""
    try:
        doc = strictjson.loads(data)
    except orjson.JSONDecodeError:
        raise _invalid(variable, what, "not one JSON document") from None
    except ValueError as exc:
        raise _invalid(variable, what, str(exc)) from None
    if not isinstance(doc, dict):
        raise _invalid(variable, what, "not a JSON object")
    return doc


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _optional(doc: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> bool:
    """``key`` is absent, null, or of ``kind`` (a bool never counts as a number)."""
    value = doc.get(key)
    if value is None:
        return True
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        return False
    return isinstance(value, kind)


@dataclass(frozen=True)
class DecisionReadBack:
    """The decision a hook recorded: what the orchestration and the CI summary read from it."""

    document: dict[str, Any]
    decision: Decision
    failed_gates: list[str]
    reason_codes: list[str]
    trace_id: str | None


def _check_schema_version(doc: dict[str, Any], variable: str, what: str) -> None:
    if "schemaVersion" in doc and doc["schemaVersion"] != "v1":
        raise _invalid(variable, what, 'schemaVersion must be "v1"')


def _summary_lists(summary: dict[str, Any], variable: str, what: str) -> tuple[list[str], list[str]]:
    lists: list[list[str]] = []
    for key in ("failedGates", "reasonCodes"):
        value = summary.get(key, [])
        if not _string_list(value):
            raise _invalid(variable, what, f"summary.{key} must be a list of strings")
        lists.append(list(value))
    return lists[0], lists[1]


def decision_readback(doc: dict[str, Any], variable: str, what: str = "decision") -> DecisionReadBack:
    """``summary.decision`` one of promote, hold, skipped, with lists of strings beside it.

    A ``promote`` that names failed gates, or a ``promote`` flag that disagrees with the
    decision, is a contradiction and refused rather than read either way.
    """
    _check_schema_version(doc, variable, what)
    summary = doc.get("summary")
    if not isinstance(summary, dict):
        raise _invalid(variable, what, "summary must be an object")
    decision = summary.get("decision")
    if decision not in DECISIONS:
        raise _invalid(variable, what, "summary.decision must be one of promote, hold, skipped")
    failed, reasons = _summary_lists(summary, variable, what)
    if "promote" in summary and summary["promote"] is not (decision == "promote"):
        raise _invalid(variable, what, "summary.promote contradicts summary.decision")
    if decision == "promote" and failed:
        raise _invalid(variable, what, "summary.decision is promote but summary.failedGates is not empty")
    if not _optional(doc, "traceId", str):
        raise _invalid(variable, what, "traceId must be a string")
    return DecisionReadBack(
        document=doc, decision=decision, failed_gates=failed, reason_codes=reasons, trace_id=doc.get("traceId")
    )


@dataclass(frozen=True)
class ApplyReadBack:
    """The apply record a hook printed: verbatim, and typed when it is a whole v1 record."""

    document: dict[str, Any]
    intent: Intent
    record: ApplyRecord | None
    trace_id: str | None
    loop_id: str | None
    horizon_ref: str | None
    evidence_refs: list[str]
    files: dict[str, str]


def _check_apply_fields(doc: dict[str, Any], variable: str) -> None:
    what = "apply record"
    _check_schema_version(doc, variable, what)
    if doc.get("status", "applied") != "applied":
        raise _invalid(variable, what, 'status must be "applied"')
    for key in ("traceId", "loopId", "horizonRef", "idempotencyKey"):
        if not _optional(doc, key, str):
            raise _invalid(variable, what, f"{key} must be a string or null")
    if not _string_list(doc.get("evidenceRefs", [])):
        raise _invalid(variable, what, "evidenceRefs must be a list of strings")
    files = doc.get("files", {})
    if not isinstance(files, dict) or not all(isinstance(v, str | None) for v in files.values()):
        raise _invalid(variable, what, "files must be an object of strings")
    if not _optional(doc, "replayed", bool):
        raise _invalid(variable, what, "replayed must be a boolean")


def _typed_record(doc: dict[str, Any]) -> ApplyRecord | None:
    """The record as our model when it is a complete v1 apply record, else ``None``."""
    try:
        return ApplyRecord.model_validate(doc, strict=True, by_alias=True)
    except ValueError:
        return None


def apply_readback(doc: dict[str, Any], variable: str, intent: Intent) -> ApplyReadBack:
    """An apply record for the intent that was asked for; a record of another intent is refused."""
    _check_apply_fields(doc, variable)
    if doc.get("intent") != intent:
        raise _invalid(variable, "apply record", f"intent must be {intent!r}, the intent that was asked for")
    files = {key: value for key, value in doc.get("files", {}).items() if isinstance(value, str)}
    return ApplyReadBack(
        document=doc,
        intent=intent,
        record=_typed_record(doc),
        trace_id=doc.get("traceId"),
        loop_id=doc.get("loopId"),
        horizon_ref=doc.get("horizonRef"),
        evidence_refs=list(doc.get("evidenceRefs", [])),
        files=files,
    )


def _at(doc: dict[str, Any], *path: str) -> Any:
    value: Any = doc
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


@dataclass(frozen=True)
class RegistryReadBack:
    """The normalized registry a registry hook printed: its policy mode and rollout point."""

    mode: str
    canary_percent: int | None
    manual_pause: bool | None


def registry_readback(doc: dict[str, Any], variable: str) -> RegistryReadBack:
    """A normalized registry view: a non-empty ``fleetId``, ``loops`` a list, ``policy.mode`` a string."""
    what = "registry view"
    _check_schema_version(doc, variable, what)
    if not isinstance(doc.get("fleetId"), str) or not doc["fleetId"]:
        raise _invalid(variable, what, "fleetId must be a non-empty string")
    if not isinstance(doc.get("loops"), list):
        raise _invalid(variable, what, "loops must be a list")
    mode = _at(doc, "policy", "mode")
    if not isinstance(mode, str):
        raise _invalid(variable, what, "policy.mode must be a string")
    canary = _at(doc, "policy", "autonomous", "rollout", "canaryPercent")
    manual = _at(doc, "policy", "autonomous", "rollout", "pause", "manual")
    if canary is not None and (isinstance(canary, bool) or not isinstance(canary, int)):
        raise _invalid(variable, what, "policy.autonomous.rollout.canaryPercent must be an integer")
    if manual is not None and not isinstance(manual, bool):
        raise _invalid(variable, what, "policy.autonomous.rollout.pause.manual must be a boolean")
    return RegistryReadBack(mode=mode, canary_percent=canary, manual_pause=manual)
