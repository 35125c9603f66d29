"""The orchestration's two phases as hooks: ``OPS_MANAGER_PROMOTION_CI_SCRIPT`` and ``..._APPLY_SCRIPT``.

Each hook gets the reference orchestrator's flags in its order, as an argument list (free text is
one argument), and what it leaves is read back and checked (``hooks.readback``) before the
orchestration trusts it. A CI hook reports its decision in the result file it was told to write,
which must be written afresh by this run; an apply hook prints its record on standard output.
"""

from __future__ import annotations

from pathlib import Path

from orchestrator.core.errors import OrchestratorError
from orchestrator.core.orchestration import DecisionPhase, OrchestrateRequest
from orchestrator.hooks.config import Hook, HookContext
from orchestrator.hooks.readback import ApplyReadBack, apply_readback, decision_readback, parse_document
from orchestrator.hooks.runner import fingerprint, run_hook
from orchestrator.store.files import exists, read_bytes, read_text_if_exists
from orchestrator.store.layout import DEFAULTS, FleetLayout
from orchestrator.usecases.ci import CiOutcome

EXIT_HOLD = 2


def _given(layout: FleetLayout, key: str, path: Path) -> bool:
    """Whether the operator moved this evidence file (the reference forwards only given flags)."""
    return path != layout.repo / DEFAULTS[key]


def ci_arguments(request: OrchestrateRequest, layout: FleetLayout, hooks: HookContext) -> list[str]:
    """The CI script's flags, in the order the reference's orchestrator passes them."""
    args = ["--repo", str(layout.repo), "--result-file", str(layout.ci_result)]
    args += ["--summary-file", str(layout.ci_summary)]
    if layout.fleet_status is not None:
        args += ["--fleet-status-file", str(layout.fleet_status)]
    if _given(layout, "handoff_telemetry", layout.handoff_telemetry):
        args += ["--handoff-telemetry-file", str(layout.handoff_telemetry)]
    if _given(layout, "drill_state", layout.drill_state):
        args += ["--drill-state-file", str(layout.drill_state)]
    args += hooks.threshold_args
    if request.skip_on_missing_evidence:
        args.append("--skip-on-missing-evidence")
    if request.fail_on_hold:
        args.append("--fail-on-hold")
    if hooks.trace_given:
        args += ["--trace-id", request.trace_id]
    return args


def _read_result(hook: Hook, layout: FleetLayout, before: object) -> dict[str, object]:
    if not exists(layout.ci_result) or fingerprint(layout.ci_result) == before:
        raise OrchestratorError(f"{hook.variable} did not write its decision result: {layout.ci_result}")
    return parse_document(read_bytes(layout.ci_result, "promotion CI result"), hook.variable, "decision result")


def external_ci(
    hook: Hook, request: OrchestrateRequest, layout: FleetLayout, hooks: HookContext
) -> tuple[CiOutcome | None, DecisionPhase]:
    """The decision phase as a hook; a failure is returned as the phase's error (a rollback goes on).

    Exit 0 is a decision; exit 2 under ``--fail-on-hold`` is one only when the result it wrote is
    a ``hold``. Any other status, a result not written by this run, or one that fails its check,
    leaves no decision.
    """
    before = fingerprint(layout.ci_result)
    try:
        run = run_hook(hook, ci_arguments(request, layout, hooks))
        held = run.exit_code == EXIT_HOLD and request.fail_on_hold
        if run.exit_code != 0 and not held:
            raise run.failure()
        read = decision_readback(_read_result(hook, layout, before), hook.variable, "decision result")
        if run.exit_code != 0 and read.decision != "hold":
            raise OrchestratorError(f"{hook.variable} exited with status 2 but its decision is {read.decision}")
    except OrchestratorError as exc:
        return None, DecisionPhase(decision="unknown", failed_gates=[], reason_codes=[], error=exc.message)
    summary = read_text_if_exists(layout.ci_summary, "promotion CI summary")
    ci = CiOutcome(payload=read.document, decision=read.decision, state=None, summary=summary, external=True)
    phase = DecisionPhase(decision=read.decision, failed_gates=read.failed_gates, reason_codes=read.reason_codes)
    return ci, phase


def apply_arguments(request: OrchestrateRequest, layout: FleetLayout, hooks: HookContext) -> list[str]:
    """The apply script's flags, in the order the reference's orchestrator passes them."""
    gov = request.governance
    intent = request.apply_intent if request.mode == "apply" else "rollback"
    args = ["--repo", str(layout.repo), "--promotion-state-file", str(layout.ci_result), "--intent", intent]
    args += ["--by", gov.by, "--approval-ref", gov.approval_ref, "--rationale", gov.rationale]
    args += ["--review-by", gov.review_by]
    if request.mode == "apply" and request.apply_intent == "expand":
        args += ["--expand-step", str(request.expand_step)]
    optional = (
        ("--idempotency-key", request.idempotency_key),
        ("--trace-id", request.trace_id if hooks.trace_given else None),
        ("--loop-id", request.loop_id),
        ("--horizon-ref", request.horizon_ref),
    )
    for flag, value in optional:
        if value:
            args += [flag, value]
    for ref in request.evidence_refs:
        args += ["--evidence-ref", ref]
    return args


def external_apply(hook: Hook, request: OrchestrateRequest, layout: FleetLayout, hooks: HookContext) -> ApplyReadBack:
    """Run the apply hook; a non-zero status is a refusal, and its record must be for the intent asked."""
    run = run_hook(hook, apply_arguments(request, layout, hooks))
    if run.exit_code != 0:
        raise run.failure()
    intent = request.apply_intent if request.mode == "apply" else "rollback"
    return apply_readback(parse_document(run.stdout, hook.variable, "apply record"), hook.variable, intent)
