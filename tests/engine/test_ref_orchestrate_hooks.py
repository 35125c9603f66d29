"""The reference's promotion-orchestrate suite as it is written: CI and apply replaced by stubs.

The reference's five scenarios set ``OPS_MANAGER_PROMOTION_CI_SCRIPT`` and
``OPS_MANAGER_PROMOTION_APPLY_SCRIPT`` to stub scripts; here the stubs are small Python
executables (``hook_stubs``) and the checks are the suite's, in our words. The same suite runs
through bats against the real reference file with ``reference_shims/run_orchestrate_bats.sh``.
After the five scenarios: how each of the two hooks fails (missing, not executable, bad output).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine import hook_stubs as stubs
from tests.engine.engine_support import Fleet, Runner, assert_one_line_error, tree_hashes

CI_VAR = "OPS_MANAGER_PROMOTION_CI_SCRIPT"
APPLY_VAR = "OPS_MANAGER_PROMOTION_APPLY_SCRIPT"
GOVERNANCE = ("--by", "ops-user", "--approval-ref", "CAB-201", "--rationale", "phase11p2-apply")
REVIEW = ("--review-by", "2099-01-01T00:00:00Z")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty repository: with both phases replaced, the engine reads no fleet file."""
    path = tmp_path / "repo"
    path.mkdir()
    return path


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Both stubs installed; every call they get is logged here."""
    ci = stubs.write_stub(tmp_path / "stubs/ci.py", stubs.CI_STUB)
    apply = stubs.write_stub(tmp_path / "stubs/apply.py", stubs.APPLY_STUB)
    monkeypatch.setenv(CI_VAR, str(ci))
    monkeypatch.setenv(APPLY_VAR, str(apply))
    path = tmp_path / "calls.jsonl"
    monkeypatch.setenv("HOOK_STUB_LOG", str(path))
    return path


def _files(tmp_path: Path, name: str) -> tuple[list[str], dict[str, Path]]:
    files = {key: tmp_path / f"{key}-{name}" for key in ("ci.json", "ci.md", "out.json", "out.md")}
    args = ["--promotion-ci-result-file", str(files["ci.json"]), "--promotion-ci-summary-file", str(files["ci.md"])]
    args += ["--result-file", str(files["out.json"]), "--summary-file", str(files["out.md"])]
    return args, files


def _apply_calls(log: Path) -> list[list[str]]:
    return [call for call in stubs.calls(log) if "--intent" in call]


def test_dry_run_previews_the_hooks_decision_and_never_calls_apply(
    cli: Runner, repo: Path, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUB_DECISION", "hold")
    args, files = _files(tmp_path, "dry")
    result = cli("orchestrate", "--repo", str(repo), "--mode", "dry_run", *args)
    assert result.code == 0, result.stderr
    out = stubs.load(files["out.json"])
    assert (out["mode"], out["status"], out["decision"]) == ("dry_run", "preview", "hold")
    assert out["apply"]["executed"] is False
    assert out["traceId"] is None  # no trace id given, and the stub recorded none
    assert out["loopId"] is None
    assert out["horizonRef"] is None
    assert str(files["ci.json"]) in out["evidenceRefs"]
    assert str(files["ci.md"]) in out["evidenceRefs"]
    assert _apply_calls(log) == []
    assert result.json() == out


def test_apply_forwards_intent_step_idempotency_trace_and_seams(
    cli: Runner, repo: Path, log: Path, tmp_path: Path
) -> None:
    args, files = _files(tmp_path, "apply")
    seams = ["--idempotency-key", "idmp-01", "--trace-id", "trace-01", "--loop-id", "loop-a"]
    seams += ["--horizon-ref", "HZ-fleet-promo-v1", "--evidence-ref", "artifact://promotion-window"]
    result = cli(
        "orchestrate", "--repo", str(repo), "--mode", "apply", "--apply-intent", "expand", "--expand-step", "30",
        *seams, *GOVERNANCE, *REVIEW, *args,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    out = stubs.load(files["out.json"])
    assert (out["status"], out["apply"]["executed"], out["apply"]["intent"]) == ("applied", True, "expand")
    assert (out["traceId"], out["loopId"], out["horizonRef"]) == ("trace-01", "loop-a", "HZ-fleet-promo-v1")
    assert "artifact://promotion-window" in out["evidenceRefs"]
    assert str(files["ci.json"]) in out["evidenceRefs"]
    assert out["apply"]["record"]["promotionDecision"] == "promote"  # the hook's record, verbatim
    assert out["rollout"] is None  # a partial record says nothing of the move
    applies = _apply_calls(log)
    assert len(applies) == 1
    assert applies[0] == [
        "--repo", str(repo), "--promotion-state-file", str(files["ci.json"]), "--intent", "expand",
        *GOVERNANCE, *REVIEW, "--expand-step", "30", *seams,
    ]  # fmt: skip


def test_apply_on_hold_is_refused_by_the_apply_hook(
    cli: Runner, repo: Path, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUB_DECISION", "hold")
    args, files = _files(tmp_path, "hold")
    result = cli("orchestrate", "--repo", str(repo), "--mode", "apply", "--apply-intent", "resume", *GOVERNANCE,
                 *REVIEW, *args)  # fmt: skip
    line = assert_one_line_error(result, contains="requires promotion decision promote")
    assert APPLY_VAR in line
    assert "exited with status 7" in line
    out = stubs.load(files["out.json"])
    assert (out["status"], out["apply"]["executed"]) == ("refused", False)


def test_rollback_runs_the_apply_hook_with_intent_rollback_on_hold(
    cli: Runner, repo: Path, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUB_DECISION", "hold")
    args, files = _files(tmp_path, "rollback")
    result = cli("orchestrate", "--repo", str(repo), "--mode", "rollback", *GOVERNANCE, *REVIEW, *args)
    assert result.code == 0, result.stderr
    out = stubs.load(files["out.json"])
    assert (out["status"], out["apply"]["intent"], out["decision"]) == ("rolled_back", "rollback", "hold")
    call = _apply_calls(log)[0]
    assert call[call.index("--intent") + 1] == "rollback"
    assert "--expand-step" not in call


def test_governance_is_required_before_any_hook_runs(cli: Runner, repo: Path, log: Path) -> None:
    before = tree_hashes(repo)
    for mode in ("apply", "rollback"):
        result = cli("orchestrate", "--repo", str(repo), "--mode", mode)
        assert_one_line_error(
            result, contains=f"--by is required for mode {mode} (so are --approval-ref, --rationale and --review-by)"
        )
    assert stubs.calls(log) == []
    assert tree_hashes(repo) == before


# --- beyond the reference suite: the exact CI flags, hold handling, and each hook's failures ---


def test_ci_hook_gets_the_reference_flags_in_order_and_free_text_stays_one_argument(
    cli: Runner, repo: Path, log: Path, tmp_path: Path
) -> None:
    args, files = _files(tmp_path, "flags")
    status = tmp_path / "my status.json"
    rationale = "x --intent expand --expand-step 100; rm -rf /"
    result = cli(
        "orchestrate", "--repo", str(repo), "--mode", "apply", "--fleet-status-file", str(status),
        "--min-sample-size", "7", "--max-failure-rate", "0.10", "--fail-on-hold", "--trace-id", "t-1",
        "--by", "ops-user", "--approval-ref", "CAB-9", "--rationale", rationale, *REVIEW, *args,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    ci_call, apply_call = stubs.calls(log)
    assert ci_call == [
        "--repo", str(repo), "--result-file", str(files["ci.json"]), "--summary-file", str(files["ci.md"]),
        "--fleet-status-file", str(status), "--min-sample-size", "7", "--max-failure-rate", "0.10",
        "--fail-on-hold", "--trace-id", "t-1",
    ]  # fmt: skip
    assert apply_call[apply_call.index("--rationale") + 1] == rationale
    assert apply_call[apply_call.index("--intent") + 1] == "expand"
    assert apply_call[apply_call.index("--expand-step") + 1] == "25"


def test_ci_hook_hold_under_fail_on_hold_is_held_with_exit_2(
    cli: Runner, repo: Path, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUB_DECISION", "hold")
    args, files = _files(tmp_path, "held")
    result = cli("orchestrate", "--repo", str(repo), "--mode", "apply", "--fail-on-hold", *GOVERNANCE, *REVIEW, *args)
    assert result.code == 2
    assert stubs.load(files["out.json"])["status"] == "held"
    assert _apply_calls(log) == []


def test_rollback_goes_on_past_a_failed_ci_hook_and_records_why(
    cli: Runner, repo: Path, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUB_EXIT", "5")
    args, files = _files(tmp_path, "rb")
    result = cli("orchestrate", "--repo", str(repo), "--mode", "rollback", *GOVERNANCE, *REVIEW, *args)
    assert result.code == 0, result.stderr
    out = stubs.load(files["out.json"])
    assert out["status"] == "rolled_back"
    assert "promotion_rollback_decision_failed_overridden" in out["overrides"]
    assert f"{CI_VAR} exited with status 5" in out["decisionError"]


def test_trace_id_recorded_by_the_ci_hook_becomes_the_orchestrations(
    cli: Runner, repo: Path, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUB_TRACE_ID", "from-the-hook")
    args, files = _files(tmp_path, "trace")
    assert cli("orchestrate", "--repo", str(repo), "--mode", "dry_run", *args).code == 0
    assert stubs.load(files["out.json"])["traceId"] == "from-the-hook"


BAD_RESULTS = [
    ("not json", "not one JSON document"),
    ("[1, 2]", "not a JSON object"),
    ('{"summary": {"decision": "maybe"}}', "summary.decision must be one of"),
    ('{"summary": {"decision": "promote", "failedGates": ["governance"]}}', "failedGates is not empty"),
    ('{"summary": {"decision": "hold", "reasonCodes": "x"}}', "summary.reasonCodes must be a list"),
    ('{"summary": {"decision": "promote"}, "summary": {"decision": "hold"}}', "repeats the key"),
    ('{"schemaVersion": "v2", "summary": {"decision": "promote"}}', "schemaVersion"),
]


@pytest.mark.parametrize(("text", "problem"), BAD_RESULTS)
def test_invalid_ci_hook_result_fails_closed(
    cli: Runner, repo: Path, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, problem: str
) -> None:
    monkeypatch.setenv("STUB_RESULT_TEXT", text)
    args, files = _files(tmp_path, "bad")
    result = cli("orchestrate", "--repo", str(repo), "--mode", "apply", *GOVERNANCE, *REVIEW, *args)
    line = assert_one_line_error(result, contains=CI_VAR)
    assert problem in line
    assert stubs.load(files["out.json"])["status"] == "refused"
    assert _apply_calls(log) == []


def test_ci_hook_that_writes_no_result_is_not_taken_for_the_stale_one(
    cli: Runner, repo: Path, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args, files = _files(tmp_path, "stale")
    files["ci.json"].write_text('{"summary": {"decision": "promote"}}')
    monkeypatch.setenv("STUB_WRITE", "0")
    result = cli("orchestrate", "--repo", str(repo), "--mode", "apply", *GOVERNANCE, *REVIEW, *args)
    assert_one_line_error(result, contains=f"{CI_VAR} did not write its decision result")
    assert _apply_calls(log) == []


BAD_RECORDS = [
    ("", "not one JSON document"),
    ('"applied"', "not a JSON object"),
    ('{"intent": "rollback"}', "intent must be 'expand'"),
    ('{"intent": "expand", "status": "failed"}', 'status must be "applied"'),
    ('{"intent": "expand", "evidenceRefs": [1]}', "evidenceRefs must be a list of strings"),
    ('{"intent": "expand", "traceId": 5}', "traceId must be a string or null"),
]


@pytest.mark.parametrize(("text", "problem"), BAD_RECORDS)
def test_invalid_apply_hook_record_fails_closed(
    cli: Runner, repo: Path, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, problem: str
) -> None:
    monkeypatch.setenv("STUB_OUTPUT", text)
    args, files = _files(tmp_path, "badrec")
    result = cli("orchestrate", "--repo", str(repo), "--mode", "apply", *GOVERNANCE, *REVIEW, *args)
    line = assert_one_line_error(result, contains=APPLY_VAR)
    assert problem in line
    out = stubs.load(files["out.json"])
    assert (out["status"], out["apply"]["executed"]) == ("refused", False)


@pytest.mark.parametrize("variable", [CI_VAR, APPLY_VAR])
@pytest.mark.parametrize("kind", ["missing", "not executable", "directory", "not on PATH"])
def test_a_hook_that_names_no_executable_is_refused_before_anything_runs(
    cli: Runner, repo: Path, log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, kind: str
) -> None:
    target = {
        "missing": str(tmp_path / "nowhere.sh"),
        "not executable": str(stubs.not_executable(tmp_path / "plain.py")),
        "directory": str(tmp_path),
        "not on PATH": "no-such-promotion-hook",
    }[kind]
    monkeypatch.setenv(variable, target)
    before = tree_hashes(repo)
    result = cli("orchestrate", "--repo", str(repo), "--mode", "apply", *GOVERNANCE, *REVIEW)
    assert_one_line_error(result, contains=f"{variable} names no executable")
    assert stubs.calls(log) == []
    assert tree_hashes(repo) == before


def test_unset_or_empty_hooks_run_the_phases_in_process(
    cli: Runner, fleet: Fleet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CI_VAR, "")
    monkeypatch.delenv(APPLY_VAR, raising=False)
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", "apply", *GOVERNANCE, *REVIEW)
    assert result.code == 0, result.stderr
    out = result.json()
    assert out["apply"]["record"]["fleetId"]
    assert fleet.apply_records()[-1]["traceId"] == out["traceId"]


def test_apply_hook_cannot_be_combined_with_github_persistence(
    cli: Runner, repo: Path, log: Path, tmp_path: Path
) -> None:
    result = cli("orchestrate", "--repo", str(repo), "--mode", "apply", "--persist", "commit", *GOVERNANCE, *REVIEW)
    assert_one_line_error(result, contains=f"{APPLY_VAR} cannot be combined with --persist")
    assert stubs.calls(log) == []
