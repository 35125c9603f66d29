"""The committed JSON Schemas are the ones the models generate, and real outputs validate against them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from orchestrator.core.schemas import all_schemas, render

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "orchestrator" / "schema"


@pytest.mark.parametrize("name", sorted(all_schemas()))
def test_committed_schema_is_generated(name: str) -> None:
    committed = (SCHEMA_DIR / name).read_text()
    assert committed == render(all_schemas()[name]), f"run: python scripts/generate_schemas.py ({name} is stale)"


def test_outputs_validate_against_schemas(tmp_path: Path) -> None:
    repo = tmp_path / "fleet repo"
    shutil.copytree(ROOT / "examples/fleet", repo)
    subprocess.run(
        [sys.executable, str(ROOT / "examples/tools/make_evidence.py"), str(repo), "--drills-only"], check=True
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestrator",
            "orchestrate",
            "--repo",
            str(repo),
            "--mode",
            "apply",
            "--by",
            "ci",
            "--approval-ref",
            "CHG-1",
            "--rationale",
            "schema check",
            "--review-by",
            "2099-01-01T00:00:00Z",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    fleet = repo / ".superloop/ops-manager/fleet"
    pairs = {
        "promotion-state.v1.schema.json": fleet / "promotion-state.json",
        "promotion-apply-record.v1.schema.json": fleet / "promotion-apply-state.json",
        "promotion-orchestrate-result.v1.schema.json": fleet / "promotion-orchestrate-result.json",
        "fleet-registry.v1.schema.json": fleet / "registry.v1.json",
    }
    for schema_name, document in pairs.items():
        schema = json.loads((SCHEMA_DIR / schema_name).read_text())
        jsonschema.validate(json.loads(document.read_text()), schema)


def test_registry_schema_rejects_what_reference_schema_rejects() -> None:
    schema = json.loads((SCHEMA_DIR / "fleet-registry.v1.schema.json").read_text())
    base = {"schemaVersion": "v1", "loops": [{"loopId": "a"}]}
    jsonschema.validate(base, schema)
    for bad in (
        {**base, "fleetId": ""},
        {**base, "extra": 1},
        {**base, "loops": []},
        {**base, "policy": {"autonomous": {"rollout": {"canaryPercent": 101}}}},
        {**base, "policy": {"autonomous": {"governance": {"actor": "x", "other": 1}}}},
        {**base, "policy": {"mode": "yolo"}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
