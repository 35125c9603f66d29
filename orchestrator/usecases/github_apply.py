"""The GitHub apply use case: the apply runs on the branch head and lands as a commit.

``GitHubApplyHook`` is the callable ``orchestrate`` uses in place of the local apply. It runs
the preflight (approval, CI gate) before anything changes, plans the apply with the same pure
``plan_apply`` on the texts at the branch head, commits the three files through the git data API
(rebuilding on conflict), records a deployment, and mirrors the committed texts into the
workspace so later steps see what was committed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from orchestrator.core.apply_plan import ApplyPlan, parse_apply_log, plan_apply
from orchestrator.core.apply_request import ApplyRequest
from orchestrator.core.audit import numbered_lines, verify_chain
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.models import GitHubReport
from orchestrator.github import governance
from orchestrator.github.context import GitHubContext
from orchestrator.github.deployments import deployment_payload
from orchestrator.github.errors import GovernanceRefused
from orchestrator.github.options import GitHubOptions
from orchestrator.github.persist import Mutation, commit_message
from orchestrator.render.markdown import Safe, render
from orchestrator.store.files import atomic_write
from orchestrator.store.layout import FleetLayout, find_checkout
from orchestrator.usecases.apply import apply_locally, record_files


class GitHubApplyHook:
    """The ``apply_hook`` for ``orchestrate``; its report adds the GitHub facts to the result."""

    def __init__(self, options: GitHubOptions, layout: FleetLayout, *, now: datetime, env: Mapping[str, str]) -> None:
        self.options = options
        self.layout = layout
        self.now = now
        self.outputs: governance.GovernanceOutputs | None = None
        self.refusal_code: str | None = None
        workspace = find_checkout(layout.repo, env.get("GITHUB_WORKSPACE"))
        self.registry_key, self.state_key, self.telemetry_key = (
            governance.workspace_path(p, workspace)
            for p in (layout.registry, layout.apply_state, layout.apply_telemetry)
        )
        throttle = env.get("PROMOTION_ROLLOUT_GITHUB_THROTTLE", "1") != "0"
        self.session = governance.open_session(GitHubContext.from_env(env, token=options.token), throttle=throttle)
        self.target = options.target_branch or self.session.context.default_branch()

    def github_report(self) -> GitHubReport | None:
        return self.outputs.report() if self.outputs else None

    def refusal_reason_code(self) -> str | None:
        return self.refusal_code

    def __call__(self, request: ApplyRequest, decision: str, decision_summary: str) -> ApplyPlan:
        options = self.options
        try:
            governance.preflight(
                self.session,
                require_approval=options.require_approval,
                approval_ref=request.approval_ref,
                by=request.by,
                approval_team=options.approval_team,
                require_checks=options.require_checks,
                branch=self.target,
            )
        except GovernanceRefused as exc:
            self.refusal_code = exc.reason_code
            raise
        if options.persist == "none":
            return apply_locally(
                self.layout, request, decision=decision, now=self.now, decision_file=self.layout.ci_result
            )
        keyed = replace(request, idempotency_key=request.idempotency_key or request.trace_id)
        plans: list[ApplyPlan] = []

        def build(texts: Mapping[str, str | None]) -> Mutation:
            plan = self._plan(texts, keyed, decision)
            plans.append(plan)
            return self._mutation(plan, texts.get(self.telemetry_key) or "", keyed, decision)

        def pr_body(mutation: Mutation) -> str:
            """The decision summary was rendered (and escaped) by this run, in memory, so it is embedded as is."""
            return render("pull-request.md.j2", record=plans[-1].record, decision_summary=Safe(decision_summary))

        self.outputs = governance.persist_and_record(
            self.session,
            mode=options.persist,
            paths=[self.registry_key, self.state_key, self.telemetry_key],
            build=build,
            branch=self.target,
            environment=options.environment,
            pr_body=pr_body,
        )
        if options.persist == "commit":
            self._mirror(self.outputs.mutation)
        return plans[-1]

    def _plan(self, texts: Mapping[str, str | None], request: ApplyRequest, decision: str) -> ApplyPlan:
        registry = texts.get(self.registry_key)
        if registry is None:
            raise OrchestratorError(f"fleet registry {self.registry_key} not found on branch {self.target}")
        log_text = texts.get(self.telemetry_key) or ""
        return plan_apply(
            registry_text=registry,
            apply_log=parse_apply_log(log_text),
            chain=verify_chain(numbered_lines(log_text)),
            decision=decision,
            request=request,
            files=record_files(self.layout, self.layout.ci_result),
            now=self.now,
            registry_label=str(self.layout.registry),
        )

    def _mutation(self, plan: ApplyPlan, telemetry: str, request: ApplyRequest, decision: str) -> Mutation:
        record = plan.record
        if plan.telemetry_line is None:
            return Mutation({}, "", record.fleet_id, record.trace_id, changed=False)
        before, after = record.rollout.before.canary_percent, record.rollout.after.canary_percent
        separator = "" if not telemetry or telemetry.endswith("\n") else "\n"
        files = {
            self.registry_key: plan.registry_text,
            self.state_key: plan.apply_state_text,
            self.telemetry_key: f"{telemetry}{separator}{plan.telemetry_line}\n",
        }
        message = commit_message(
            fleet_id=record.fleet_id,
            intent=record.intent,
            canary_before=before,
            canary_after=after,
            actor=request.by,
            approval_ref=request.approval_ref,
            trace_id=record.trace_id,
            record_hash=record.hash,
        )
        payload = deployment_payload(
            intent=record.intent, canary_before=before, canary_after=after, trace_id=record.trace_id, decision=decision
        )
        return Mutation(files, message, record.fleet_id, record.trace_id, payload=payload)

    def _mirror(self, mutation: Mutation) -> None:
        """Write the committed texts into the workspace, so later steps read what the branch holds."""
        for key, local in (
            (self.registry_key, self.layout.registry),
            (self.state_key, self.layout.apply_state),
            (self.telemetry_key, self.layout.apply_telemetry),
        ):
            if key in mutation.files:
                atomic_write(local, mutation.files[key])
