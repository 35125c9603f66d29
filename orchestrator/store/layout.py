"""Default artifact locations, all under ``<repo>/.superloop/ops-manager/fleet/`` as the reference uses."""

from __future__ import annotations

from pathlib import Path

FLEET_DIR = Path(".superloop/ops-manager/fleet")

DEFAULTS: dict[str, Path] = {
    "registry": FLEET_DIR / "registry.v1.json",
    "handoff_telemetry": FLEET_DIR / "telemetry/handoff.jsonl",
    "reconcile_telemetry": FLEET_DIR / "telemetry/reconcile.jsonl",
    "drill_state": FLEET_DIR / "drills/promotion.v1.json",
    "promotion_state": FLEET_DIR / "promotion-state.json",
    "promotion_telemetry": FLEET_DIR / "telemetry/promotion.jsonl",
    "ci_summary": FLEET_DIR / "promotion-ci-summary.md",
    "ci_result": FLEET_DIR / "promotion-ci-result.json",
    "apply_state": FLEET_DIR / "promotion-apply-state.json",
    "apply_telemetry": FLEET_DIR / "telemetry/promotion-apply.jsonl",
    "orchestrate_result": FLEET_DIR / "promotion-orchestrate-result.json",
    "orchestrate_summary": FLEET_DIR / "promotion-orchestrate-summary.md",
    "fleet_state": FLEET_DIR / "state.json",
    "policy_state": FLEET_DIR / "policy-state.json",
    "handoff_state": FLEET_DIR / "handoff-state.json",
}


def resolve_repo(repo: str) -> Path:
    """The repository as an absolute path, refusing a missing one (the reference's ``cd`` fails)."""
    from orchestrator.core.errors import OrchestratorError

    if not repo:
        raise OrchestratorError("--repo is required")
    path = Path(repo)
    if not path.is_dir():
        raise OrchestratorError(f"repository path is not a directory: {repo}")
    return path.resolve()


def artifact_path(repo: Path, key: str, override: str | None) -> Path:
    """An operator override (relative to the working directory, as in the scripts) or the default."""
    if override:
        return Path(override).absolute()
    return repo / DEFAULTS[key]
