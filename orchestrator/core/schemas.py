"""The JSON Schemas of every v1 contract, generated from the models (written by ``scripts/generate_schemas.py``)."""

from __future__ import annotations

import json
from typing import Any

from orchestrator.core.models import ApplyRecord, OrchestrationResult, PromotionState, SkippedResult
from orchestrator.core.registry.schema import registry_json_schema


def all_schemas() -> dict[str, dict[str, Any]]:
    schemas: dict[str, dict[str, Any]] = {
        "promotion-state.v1.schema.json": PromotionState.model_json_schema(by_alias=True, mode="serialization"),
        "promotion-ci-skipped.v1.schema.json": SkippedResult.model_json_schema(by_alias=True, mode="serialization"),
        "promotion-apply-record.v1.schema.json": ApplyRecord.model_json_schema(by_alias=True, mode="serialization"),
        "promotion-orchestrate-result.v1.schema.json": OrchestrationResult.model_json_schema(
            by_alias=True, mode="serialization"
        ),
        "fleet-registry.v1.schema.json": registry_json_schema(),
    }
    for name, schema in schemas.items():
        schema.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
        schema["$id"] = f"https://github.com/supergent/promotion-rollout/orchestrator/schema/{name}"
    return schemas


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
