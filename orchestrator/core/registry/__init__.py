"""The fleet registry: its contract, its validation, its normalized view and its edits.

``schema`` holds the JSON Schema as typed dicts, ``rules`` the reference validator's cross-field
rules, ``document`` parsing and reading the document, ``edit`` editing its text in place, ``view``
the normalized view. The names callers use are re-exported here.
"""

from __future__ import annotations

from orchestrator.core.registry.document import (
    RegistryInvalid,
    fleet_id,
    parse_registry_text,
    policy_mode,
    rollout_point,
)
from orchestrator.core.registry.edit import edit_registry, edit_rollout
from orchestrator.core.registry.rules import validation_errors
from orchestrator.core.registry.schema import registry_json_schema
from orchestrator.core.registry.view import normalized

__all__ = [
    "RegistryInvalid",
    "edit_registry",
    "edit_rollout",
    "fleet_id",
    "normalized",
    "parse_registry_text",
    "policy_mode",
    "registry_json_schema",
    "rollout_point",
    "validation_errors",
]
