"""The v1 JSON contracts as pydantic models; ``schema/`` is generated from them.

Field names follow the reference scripts' JSON exactly (camelCase, and ``manual_backlog`` where the
fleet status uses it). New fields may be added; none are renamed or dropped.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

SCHEMA_VERSION: Literal["v1"] = "v1"

Decision = Literal["promote", "hold", "skipped"]
DecisionSeen = Literal["promote", "hold", "skipped", "unknown"]
"""What an apply or orchestration acted on; ``unknown`` when a rollback went ahead without a readable decision."""
GateStatus = Literal["pass", "fail"]
Intent = Literal["expand", "resume", "rollback"]
Mode = Literal["dry_run", "apply", "rollback"]
OrchestrationStatus = Literal["preview", "applied", "rolled_back", "held", "refused"]


class Contract(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True, defer_build=True)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class EvidenceError(Contract):
    """Why a piece of evidence was not accepted: which file, which line (JSONL) and which field."""

    file: str
    field: str
    message: str
    line: int | None = None
    gate: str = Field(exclude=True, default="")


class Thresholds(Contract):
    window_executions: int = 20
    min_sample_size: int = 20
    max_ambiguity_rate: float = 0.2
    max_failure_rate: float = 0.2
    max_manual_backlog: int = 5
    max_drill_age_hours: int = 168
    min_bake_seconds: int | None = None
    min_runs_since_expand: int | None = None
    confidence: float | None = None
    min_attempts: int | None = None


class PromotionSource(Contract):
    repo_path: str
    fleet_status_source: Literal["file", "generated"]
    fleet_status_file: str | None
    handoff_telemetry_file: str
    drill_state_file: str
    promotion_state_file: str
    promotion_telemetry_file: str


class DecisionSummary(Contract):
    decision: Decision
    promote: bool
    gate_pass_count: int
    gate_fail_count: int
    failed_gates: list[str]
    reason_codes: list[str]


class GateBase(Contract):
    status: GateStatus
    reasons: list[str]


class GovernanceGate(GateBase):
    posture: str | None
    blocks_autonomous: bool
    reason_codes: list[str]


class BakeAssessment(Contract):
    """Bake time and fresh evidence since the last expansion (``--min-bake``, ``--min-runs-since-expand``)."""

    last_expand_at: str | None
    expansion_unreadable: bool = False
    min_bake_seconds: int | None = None
    bake_ends_at: str | None = None
    bake_elapsed: bool = True
    min_runs_since_expand: int | None = None
    runs_since_expand: int | None = None
    more_runs_needed: int = 0


class ConfidenceAssessment(Contract):
    """One-sided Wilson upper bounds of the judged rates at ``level`` (``--confidence``)."""

    level: float
    attempts: int
    min_attempts: int
    failure_upper_bound: float
    ambiguity_upper_bound: float
    conclusive: bool
    more_clean_attempts: int | None


class OutcomeReliabilityGate(GateBase):
    sample_runs: int
    attempted: int
    executed: int
    ambiguous: int
    failed: int
    ambiguity_rate: float
    failure_rate: float
    bake: BakeAssessment | None = None
    confidence: ConfidenceAssessment | None = None


class ManualBacklogGate(GateBase):
    manual_backlog: int | None


class SafetySuppressionGate(GateBase):
    autopause_active: bool
    missing_paths: list[str]
    by_path: dict[str, Any] | None


class DrillAssessment(Contract):
    """What the drill gate concluded for one required drill (added in v1 by this implementation)."""

    id: str
    status: str | None
    completed_at: str | None
    age_hours: float | None
    entries: int


class DrillRecencyGate(GateBase):
    required_drills: list[str]
    drills: list[Any]
    assessments: list[DrillAssessment] = []


class Gates(Contract):
    governance: GovernanceGate
    outcome_reliability: OutcomeReliabilityGate
    manual_backlog: ManualBacklogGate
    safety_suppression: SafetySuppressionGate
    drill_recency: DrillRecencyGate


class PromotionState(Contract):
    """The decision (``gates`` output, ``promotion-state.json``, ``promotion-ci-result.json``)."""

    schema_version: Literal["v1"] = SCHEMA_VERSION
    generated_at: str
    trace_id: str
    source: PromotionSource
    thresholds: Thresholds
    summary: DecisionSummary
    gates: Gates
    evidence_errors: list[EvidenceError] = []
    evidence_digest: str | None = None
    """sha256 over the canonical evidence, thresholds and rollout state the decision saw (``core.digest``)."""
    expires_at: str | None = None
    """``generatedAt`` plus the decision's lifetime (``--decision-ttl``): not to be acted on after."""


class SkippedSource(Contract):
    repo_path: str


class SkippedSummary(Contract):
    decision: Literal["skipped"] = "skipped"
    promote: Literal[False] = False
    reason_codes: list[str]
    missing_evidence_paths: list[str]
    failed_gates: list[str] = []


class SkippedResult(Contract):
    """The ``ci`` result when evidence is missing and ``--skip-on-missing-evidence`` is set."""

    schema_version: Literal["v1"] = SCHEMA_VERSION
    generated_at: str
    trace_id: str | None = None
    source: SkippedSource
    summary: SkippedSummary


class GovernanceRecord(Contract):
    actor: str
    approval_ref: str
    rationale: str
    changed_at: str
    review_by: str


class RolloutPoint(Contract):
    canary_percent: int
    manual_pause: bool


class RolloutChange(Contract):
    canary_percent: bool
    manual_pause: bool


class RolloutTransition(Contract):
    before: RolloutPoint
    after: RolloutPoint
    changed: RolloutChange


class ApplyFiles(Contract):
    registry_file: str
    promotion_state_file: str
    apply_state_file: str
    apply_telemetry_file: str


class ApplyRecord(Contract):
    """One governed mutation of the rollout; the apply state and each apply telemetry line."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, extra="allow", defer_build=True
    )

    schema_version: Literal["v1"] = SCHEMA_VERSION
    timestamp: str
    category: Literal["promotion_apply"] = "promotion_apply"
    fleet_id: str
    trace_id: str
    loop_id: str | None
    horizon_ref: str | None
    evidence_refs: list[str]
    idempotency_key: str | None
    status: Literal["applied"] = "applied"
    intent: Intent
    expand_step: int | None = None
    decision: DecisionSeen
    governance: GovernanceRecord
    rollout: RolloutTransition
    files: ApplyFiles
    reason_codes: list[str] = []
    replayed: bool = False
    previous_hash: str | None = None
    """The ``hash`` of the apply telemetry's last record when this one was appended (``core.audit``)."""
    hash: str | None = None
    """sha256 over this record's canonical JSON without ``hash``."""


class OrchestrationSummary(Contract):
    failed_gates: list[str]
    reason_codes: list[str]


class OrchestrationApply(Contract):
    executed: bool
    intent: Intent | None
    idempotency_key: str | None
    record: ApplyRecord | None
    replayed: bool = False


class OrchestrationFiles(Contract):
    result_file: str
    summary_file: str
    promotion_ci_result_file: str
    promotion_ci_summary_file: str


class OrchestrationRollout(Contract):
    """The rollout an apply moved (``before`` → ``after``) and where the registry stands now (``current``).

    For a replay, ``before`` and ``after`` are the recorded apply's and ``current`` may differ from
    ``after``: the fleet moved since.
    """

    before: RolloutPoint
    after: RolloutPoint
    current: RolloutPoint | None = None


class GitHubDeployment(Contract):
    id: int
    environment: str
    sha: str
    states: list[str]


class GitHubReport(Contract):
    """What the GitHub persistence did: the commit or pull request, its attempts and the deployment."""

    commit_sha: str | None
    pull_request_url: str | None
    branch: str
    attempts: int
    rebuilt: int
    deployment: GitHubDeployment | None


class FreezeStatus(Contract):
    """A change freeze holding when the orchestration ran (``core.freeze``): an expand or resume is refused

    unless ``breakGlassApprovalRef`` names a second approval; a rollback is always allowed.
    """

    window: str
    reason: str
    ends_at: str
    break_glass_approval_ref: str | None = None


class OrchestrationResult(Contract):
    """The ``orchestrate`` result (``promotion-orchestrate-result.json``)."""

    schema_version: Literal["v1"] = SCHEMA_VERSION
    timestamp: str
    mode: Mode
    status: OrchestrationStatus
    decision: DecisionSeen
    trace_id: str | None
    loop_id: str | None
    horizon_ref: str | None
    evidence_refs: list[str]
    summary: OrchestrationSummary
    apply: OrchestrationApply
    rollout: OrchestrationRollout | None = None
    overrides: list[str] = []
    decision_error: str | None = None
    error: str | None = None
    refusal_reason_code: str | None = None
    github: GitHubReport | None = None
    freeze: FreezeStatus | None = None
    files: OrchestrationFiles
    evidence_digest: str | None = None
    """The decision's ``evidenceDigest`` (what an apply job passes as ``--expect-evidence-digest``)."""
    decision_expires_at: str | None = None
