"""Facts that more than one input records: where two of them disagree, the safe one wins.

The registry is what operators (and ``apply``) last set; the policy and handoff states are what the
policy tool recorded on its last run, so they can lag behind it, and each of them also records a
fact in more than one place. Each function below reads every place a fact is recorded and
resolves a disagreement towards holding:

- ``autonomy_enabled``: autonomy is on only when every recorded mode says ``guarded_auto``
  (the registry's ``policy.mode``, advisory when unset; the policy state's ``mode``, or the handoff
  state's when there is no policy state; the handoff state's ``mode`` when it records one) and the
  policy state does not say ``autonomous.enabled: false``.
- ``registry_review_by``: the registry's review deadline; the governance posture is judged on the
  earlier of it and the policy state's (``governance.evaluate_governance``).
- ``kill_switch_active``: the kill switch is on when the registry, the policy state's controls or
  the policy's tally of candidates blocked by it says so.
- ``manual_pause_active``: paused by an operator when the registry, the policy state's
  ``pause.manual`` or its pause reasons say so (a rollback pauses the registry first).
- ``auto_pause_active``: the autopause is active when its own flag or the rollout's pause reasons
  say so (the evidence reader adds the last rule: either printed copy of the flag holds).
- ``rollout_paused``: the rollout is paused when its own flag, the manual pause or the autopause
  says so.
- ``autopause_enabled``: the autopause counts as enabled unless the policy state disables it and
  the registry does not enable it.

Where no source says the unsafe thing, the recorded value is echoed unchanged (even a mistyped
one, which ``shapes.py`` reports), so a status of consistent inputs prints exactly what it did.
"""

from __future__ import annotations

from typing import Any

from orchestrator.core.fleet_status.loose import arr, echo, fallback, positive
from orchestrator.core.jsonpath import dig, is_number

GUARDED = "guarded_auto"
KILL_SWITCH_REASON = "autonomous_kill_switch_enabled"
MANUAL_PAUSE_REASON = "autonomous_rollout_paused_manual"
AUTO_PAUSE_REASONS: tuple[str, ...] = (
    "autonomous_rollout_paused_auto",
    "autonomous_autopause_ambiguous_spike",
    "autonomous_autopause_failure_spike",
)


def registry_rollout(registry: dict[str, Any]) -> Any:
    return dig(registry, "policy", "autonomous", "rollout")


def autonomy_enabled(registry: dict[str, Any], policy: dict[str, Any] | None, handoff: dict[str, Any] | None) -> bool:
    """``guarded_auto`` in every place that records the mode, and not switched off in the policy."""
    recorded = dig(policy, "mode") if policy is not None else dig(handoff, "mode")
    modes = [fallback(dig(registry, "policy", "mode"), "advisory"), fallback(recorded, "advisory")]
    if dig(handoff, "mode") is not None:
        modes.append(dig(handoff, "mode"))
    switched_off = dig(policy, "autonomous", "enabled") is False
    return all(mode == GUARDED for mode in modes) and not switched_off


def registry_review_by(registry: dict[str, Any]) -> Any:
    """The registry's review deadline (its governance is validated when the registry loads)."""
    return dig(registry, "policy", "autonomous", "governance", "reviewBy")


def kill_switch_active(registry: dict[str, Any], policy: dict[str, Any] | None) -> bool:
    """On when the registry, the policy's controls or its blocked-candidate tally says so."""
    recorded = (
        dig(registry, "policy", "autonomous", "safety", "killSwitch"),
        dig(policy, "autonomous", "controls", "safety", "killSwitch"),
    )
    tallied = dig(policy, "summary", "byAutonomyReason", KILL_SWITCH_REASON)
    return any(flag is True for flag in recorded) or (is_number(tallied) and positive(tallied))


def _reasons(pause: dict[str, Any]) -> list[Any]:
    return arr(pause.get("reasons"))


def manual_pause_active(registry: dict[str, Any], pause: dict[str, Any]) -> Any:
    """``True`` when any source records an operator pause; otherwise the recorded flag."""
    if (
        pause.get("manual") is True
        or dig(registry_rollout(registry), "pause", "manual") is True
        or MANUAL_PAUSE_REASON in _reasons(pause)
    ):
        return True
    return echo(pause.get("manual"), False)


def auto_pause_active(pause: dict[str, Any], auto: dict[str, Any]) -> Any:
    """``True`` when the autopause's flag or the rollout's pause reasons say it paused the rollout."""
    if auto.get("active") is True or any(reason in _reasons(pause) for reason in AUTO_PAUSE_REASONS):
        return True
    return echo(auto.get("active"), False)


def rollout_paused(pause: dict[str, Any], manual: Any, auto: Any) -> Any:
    """``True`` when the rollout's own flag, the manual pause or the autopause says it is paused."""
    if pause.get("active") is True or manual is True or auto is True:
        return True
    return echo(pause.get("active"), False)


def autopause_enabled(registry: dict[str, Any], auto: dict[str, Any]) -> bool:
    """Enabled unless the policy state disables it and the registry does not enable it."""
    recorded = auto.get("enabled")
    if dig(registry_rollout(registry), "autoPause", "enabled") is True:
        return True
    return recorded if isinstance(recorded, bool) else True
