"""Which phases an operator replaced with an executable, as typed values built from the variables.

The reference scripts look each phase up in an environment variable and fall back to their own
sibling script; an empty variable counts as unset, as ``${VAR:-default}`` does. Here a set
variable must name an executable file (a path, or a bare name looked up on ``PATH`` as a shell
would); anything else is refused before any phase runs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from orchestrator.core.errors import OrchestratorError

GATES = "OPS_MANAGER_PROMOTION_GATES_SCRIPT"
CI = "OPS_MANAGER_PROMOTION_CI_SCRIPT"
APPLY = "OPS_MANAGER_PROMOTION_APPLY_SCRIPT"
ORCHESTRATE = "OPS_MANAGER_PROMOTION_ORCHESTRATE_SCRIPT"
REGISTRY = "OPS_MANAGER_FLEET_REGISTRY_SCRIPT"
STATUS = "OPS_MANAGER_FLEET_STATUS_SCRIPT"
VARIABLES: tuple[str, ...] = (GATES, CI, APPLY, ORCHESTRATE, REGISTRY, STATUS)
"""Every substitution variable of the reference's promotion scripts."""

TIMEOUT_VARIABLE = "PROMOTION_ROLLOUT_HOOK_TIMEOUT_SECONDS"
DEFAULT_TIMEOUT_SECONDS = 600.0
"""How long one hook may run before it is killed (with its process group) and the phase fails."""
MAX_TIMEOUT_SECONDS = 86400.0


@dataclass(frozen=True)
class Hook:
    """One executable standing in for a phase, and the variable that named it (for messages)."""

    variable: str
    executable: Path
    timeout: float = DEFAULT_TIMEOUT_SECONDS


@dataclass(frozen=True)
class PhaseHooks:
    """The phases replaced for this command; ``None`` runs the phase in process, as without hooks."""

    gates: Hook | None = None
    ci: Hook | None = None
    apply: Hook | None = None
    registry: Hook | None = None
    status: Hook | None = None

    @property
    def any(self) -> bool:
        return any((self.gates, self.ci, self.apply, self.registry, self.status))


NO_HOOKS = PhaseHooks()


def _executable(variable: str, value: str) -> Path:
    """The file ``value`` names, refused unless it is a regular file this process may execute."""
    if "/" not in value:
        found = shutil.which(value)
        if found is None:
            raise OrchestratorError(f"{variable} names no executable: {value} (not found on PATH)")
        return Path(found)
    path = Path(value).absolute()
    if not path.exists():
        raise OrchestratorError(f"{variable} names no executable: {value} (no such file)")
    if not path.is_file():
        raise OrchestratorError(f"{variable} names no executable: {value} (not a regular file)")
    if not os.access(path, os.X_OK):
        raise OrchestratorError(f"{variable} names no executable: {value} (not executable)")
    return path


def parse_timeout(text: str | None) -> float:
    """The hook timeout from its variable; unset or empty means the default."""
    if not text:
        return DEFAULT_TIMEOUT_SECONDS
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= MAX_TIMEOUT_SECONDS:
        raise OrchestratorError(f"{TIMEOUT_VARIABLE} must be a number of seconds above 0 and at most 86400: {text}")
    return value


def phase_hooks(variables: Mapping[str, str], *, used: tuple[str, ...]) -> PhaseHooks:
    """The hooks among ``used`` that ``variables`` set, each checked to name an executable.

    Only the variables the command consults (``used``) are judged, so a variable meant for
    another phase never stops this one.
    """
    timeout = parse_timeout(variables.get(TIMEOUT_VARIABLE))
    hooks: dict[str, Hook] = {}
    fields = {GATES: "gates", CI: "ci", APPLY: "apply", REGISTRY: "registry", STATUS: "status"}
    for variable in used:
        value = variables.get(variable, "")
        if value and variable in fields:
            hooks[fields[variable]] = Hook(variable, _executable(variable, value), timeout)
    return PhaseHooks(**hooks)


@dataclass(frozen=True)
class HookContext:
    """What a use case needs to run hooks as the reference would: which ones, and the flags to forward.

    ``threshold_args`` are the threshold flags exactly as the operator gave them (a hook receives
    only those, in the reference's order); ``trace_given`` says whether the trace id came from the
    operator (``--trace-id`` or ``$OPS_MANAGER_TRACE_ID``) and is forwarded, or was generated here.
    """

    hooks: PhaseHooks = NO_HOOKS
    threshold_args: tuple[str, ...] = ()
    trace_given: bool = True
    pretty: bool = False


NO_HOOK_CONTEXT = HookContext()


def _chains(variables: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Which variables each phase consults: an outer hook hides the inner ones (it inherits them)."""

    def chain(outer: str, inner: tuple[str, ...]) -> tuple[str, ...]:
        return (outer,) if variables.get(outer) else (outer, *inner)

    status = chain(STATUS, (REGISTRY,))
    gates = chain(GATES, status)
    ci = chain(CI, gates)
    apply = chain(APPLY, (REGISTRY,))
    return {"gates": status, "ci": gates, "apply": (REGISTRY,), "orchestrate": (*ci, *apply), "status": (REGISTRY,)}


def hooks_for(command: str, variables: Mapping[str, str]) -> PhaseHooks:
    """The hooks ``command`` runs, judged before anything else happens (``registry`` runs none)."""
    used = tuple(dict.fromkeys(_chains(variables).get(command, ())))
    return phase_hooks(variables, used=used)
