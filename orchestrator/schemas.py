"""Generate the JSON Schemas in ``schema/`` from the models (``python -m orchestrator.schemas``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from orchestrator.models import ApplyRecord, OrchestrationResult, PromotionState, SkippedResult
from orchestrator.registry import registry_json_schema

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"


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
        schema["$id"] = f"https://github.com/supergent/promotion-rollout/schema/{name}"
    return schemas


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else SCHEMA_DIR
    target.mkdir(parents=True, exist_ok=True)
    for name, schema in all_schemas().items():
        (target / name).write_text(render(schema))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
