"""What the derivation reads: the parsed fleet documents and where each came from.

The store loads these (it alone knows the file layout); the core only derives from them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class FleetFiles(BaseModel):
    """Where each input came from; echoed in the status so operators can find the artifacts."""

    model_config = ConfigDict(frozen=True)

    registry_file: str
    fleet_state_file: str
    policy_state_file: str
    fleet_telemetry_file: str
    handoff_state_file: str
    handoff_telemetry_file: str

    def to_json(self) -> dict[str, str]:
        """The status's ``files`` section."""
        return {
            "registryFile": self.registry_file,
            "fleetStateFile": self.fleet_state_file,
            "policyStateFile": self.policy_state_file,
            "fleetTelemetryFile": self.fleet_telemetry_file,
            "handoffStateFile": self.handoff_state_file,
            "handoffTelemetryFile": self.handoff_telemetry_file,
        }


class FleetState(BaseModel):
    """Parsed fleet inputs. ``fleet`` is required; the others are ``None`` when their file is absent.

    The documents stay plain JSON objects because they are written by other tools and echoed
    back largely verbatim; the derivation reads them defensively.
    """

    model_config = ConfigDict(frozen=True)

    repo_path: str
    registry: dict[str, Any]
    fleet: dict[str, Any]
    policy: dict[str, Any] | None = None
    handoff: dict[str, Any] | None = None
    latest_reconcile_telemetry: dict[str, Any] | None = None
    latest_handoff_telemetry: dict[str, Any] | None = None
    files: FleetFiles
