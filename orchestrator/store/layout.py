"""Where every file of a fleet lives, resolved once from the repository root and the operator's overrides.

The reference scripts keep each artifact at a fixed place under ``<repo>/.superloop/ops-manager/fleet/``
and let a flag replace any one of them; an override is read relative to the working directory, as
the scripts' shell would. ``FleetLayout`` is the only place that knows those defaults.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path, PurePosixPath

from orchestrator.core.errors import InvalidInput, OrchestratorError

FLEET_DIR = PurePosixPath(".superloop/ops-manager/fleet")

DEFAULTS: Mapping[str, PurePosixPath] = {
    "registry": FLEET_DIR / "registry.v1.json",
    "fleet_state": FLEET_DIR / "state.json",
    "policy_state": FLEET_DIR / "policy-state.json",
    "handoff_state": FLEET_DIR / "handoff-state.json",
    "reconcile_telemetry": FLEET_DIR / "telemetry/reconcile.jsonl",
    "handoff_telemetry": FLEET_DIR / "telemetry/handoff.jsonl",
    "drill_state": FLEET_DIR / "drills/promotion.v1.json",
    "promotion_state": FLEET_DIR / "promotion-state.json",
    "promotion_telemetry": FLEET_DIR / "telemetry/promotion.jsonl",
    "ci_result": FLEET_DIR / "promotion-ci-result.json",
    "ci_summary": FLEET_DIR / "promotion-ci-summary.md",
    "apply_state": FLEET_DIR / "promotion-apply-state.json",
    "apply_telemetry": FLEET_DIR / "telemetry/promotion-apply.jsonl",
    "orchestrate_result": FLEET_DIR / "promotion-orchestrate-result.json",
    "orchestrate_summary": FLEET_DIR / "promotion-orchestrate-summary.md",
}
"""Each file's place relative to the repository root, keyed by the ``FleetLayout`` field that holds it."""


def require_repo(repo: str) -> None:
    """The one check that a repository was named at all (an empty path would mean the current folder)."""
    if not repo:
        raise InvalidInput("repo", "is required")


def resolve_repo(repo: str) -> Path:
    """The repository as an absolute path, refusing a missing one (the reference's ``cd`` fails)."""
    require_repo(repo)
    path = Path(repo)
    try:
        if path.is_dir():
            return path.resolve()
    except OSError as exc:
        raise OrchestratorError(f"repository path cannot be used: {repo}: {exc.strerror or exc}") from None
    raise OrchestratorError(f"repository path is not a directory: {repo}")


def _place(root: Path, override: str) -> Path:
    """An override as an absolute path whose operator-chosen part has no links left in it.

    Inside the repository nothing is resolved: the store walks those components without following
    any link. Outside it, the folder the operator named is resolved once, here.
    """
    path = Path(os.path.normpath(Path(override).absolute()))
    if path == root or root in path.parents:
        return path
    try:
        return path.parent.resolve() / path.name
    except OSError as exc:
        raise OrchestratorError(f"cannot use the path {override}: {exc.strerror or exc}") from None


@dataclass(frozen=True)
class FleetLayout:
    """Every path of one fleet; built by ``resolve`` and then passed, never recomputed."""

    repo: Path
    registry: Path
    fleet_state: Path
    policy_state: Path
    handoff_state: Path
    reconcile_telemetry: Path
    handoff_telemetry: Path
    drill_state: Path
    promotion_state: Path
    promotion_telemetry: Path
    ci_result: Path
    ci_summary: Path
    apply_state: Path
    apply_telemetry: Path
    orchestrate_result: Path
    orchestrate_summary: Path
    fleet_status: Path | None = None
    """A precomputed fleet status file; ``None`` means the status is derived from the fleet state."""

    @classmethod
    def resolve(cls, repo: str, overrides: Mapping[str, str | None] | None = None) -> FleetLayout:
        """The layout under ``repo``; each non-empty override replaces the default of its field."""
        root = resolve_repo(repo)
        given = {key: value for key, value in (overrides or {}).items() if value}
        unknown = set(given) - set(DEFAULTS) - {"fleet_status"}
        if unknown:
            raise ValueError(f"unknown fleet files: {sorted(unknown)}")
        paths = {
            key: Path(given[key]).absolute() if key in given else root / default for key, default in DEFAULTS.items()
        }
        status = given.get("fleet_status")
        return cls(repo=root, **paths, fleet_status=Path(status).absolute() if status else None)

    @property
    def journal(self) -> Path:
        """The apply journal, beside the registry it guards (an apply is atomic per registry)."""
        return self.registry.with_name(f".{self.registry.name}.promotion-journal")

    def describe(self) -> dict[str, str]:
        """Every path as text, for diagnostics."""
        return {f.name: str(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name) is not None}


def display_path(path: str | Path, root: Path | None) -> str:
    """``path`` as a summary shows it: relative to ``root`` when it lies below it, else unchanged."""
    text = str(path)
    if root is None or not os.path.isabs(text):
        return text
    candidate = Path(os.path.normpath(text))
    if candidate != root and root not in candidate.parents:
        return text
    return candidate.relative_to(root).as_posix() if candidate != root else "."


def display_text(text: str, root: Path | None) -> str:
    """A message with every absolute path below ``root`` shown relative to it."""
    if root is None or root == Path(root.anchor):
        return text
    return re.sub(rf"(?<![^\s'\"(`=:]){re.escape(str(root))}/", "", text)


def find_checkout(repo: Path, workspace: str | None) -> Path:
    """The Actions workspace when given, else the git checkout that holds ``repo``."""
    if workspace:
        return Path(workspace).resolve()
    for candidate in (repo.resolve(), *repo.resolve().parents):
        if (candidate / ".git").exists():
            return candidate
    raise OrchestratorError(f"{repo} is not inside a git checkout; set GITHUB_WORKSPACE")
