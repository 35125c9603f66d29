"""The tamper-evident apply audit end to end: chained records, ``audit verify``, refusals and overrides."""

from __future__ import annotations

import itertools
import json
from typing import Any

from orchestrator.core.audit import record_hash
from orchestrator.github.persist import commit_message
from tests.engine.engine_support import GOVERNANCE_ARGS, Fleet, Runner, assert_one_line_error


def expand(cli: Runner, fleet: Fleet, *extra: str) -> Any:
    return cli(
        "orchestrate", "--repo", str(fleet.repo), "--mode", "apply", "--expand-step", "5", *GOVERNANCE_ARGS, *extra
    )


def lines(fleet: Fleet) -> list[str]:
    return fleet.apply_telemetry.read_text().splitlines()


def write_lines(fleet: Fleet, rows: list[str]) -> None:
    fleet.apply_telemetry.write_text("".join(f"{row}\n" for row in rows))


def test_applies_are_chained_and_verify(cli: Runner, fleet: Fleet) -> None:
    for _ in range(3):
        assert expand(cli, fleet).code == 0
    records = fleet.apply_records()
    assert records[0]["previousHash"] is None
    for before, after in itertools.pairwise(records):
        assert after["previousHash"] == before["hash"]
    assert all(record_hash(r) == r["hash"] for r in records)
    result = cli("audit", "verify", "--repo", str(fleet.repo))
    assert result.code == 0, result.stderr
    report = result.json()
    assert report["valid"] is True
    assert report["records"] == 3
    assert report["lastHash"] == records[-1]["hash"]
    assert records[-1]["hash"] in fleet.orchestrate_summary.read_text().replace("\\", "")


def test_an_edited_line_is_named_and_stops_the_next_apply(cli: Runner, fleet: Fleet) -> None:
    for _ in range(3):
        assert expand(cli, fleet).code == 0
    rows = lines(fleet)
    rows[1] = rows[1].replace('"actor":"ops-user"', '"actor":"mallory"')
    write_lines(fleet, rows)
    verify = cli("audit", "verify", "--repo", str(fleet.repo))
    assert "at line 2 " in assert_one_line_error(verify)
    canary = fleet.canary()
    refused = cli("apply", "--repo", str(fleet.repo), "--intent", "expand", "--expand-step", "5", *GOVERNANCE_ARGS,
                  "--promotion-state-file", str(fleet.ci_result))  # fmt: skip
    assert "promotion_audit_chain_broken" in assert_one_line_error(refused)
    assert fleet.canary() == canary
    assert len(lines(fleet)) == 3
    told = cli("apply", "--repo", str(fleet.repo), "--intent", "expand", "--expand-step", "5", *GOVERNANCE_ARGS,
               "--promotion-state-file", str(fleet.ci_result), "--allow-broken-audit-chain")  # fmt: skip
    assert told.code == 0, told.stderr
    record = told.json()
    assert "promotion_apply_audit_chain_broken_overridden" in record["reasonCodes"]
    assert record["previousHash"] == json.loads(rows[2])["hash"]


def test_orchestrate_refuses_a_broken_chain(cli: Runner, fleet: Fleet) -> None:
    assert expand(cli, fleet).code == 0
    assert expand(cli, fleet).code == 0
    rows = lines(fleet)
    write_lines(fleet, [rows[1], rows[0]])
    result = expand(cli, fleet)
    assert result.code == 1
    assert "promotion_audit_chain_broken" in assert_one_line_error(result)
    assert json.loads(fleet.orchestrate_result.read_text())["status"] == "refused"
    assert "at line 1 " in assert_one_line_error(cli("audit", "verify", "--repo", str(fleet.repo)))


def test_a_removed_last_line_is_caught_by_the_apply_state(cli: Runner, fleet: Fleet) -> None:
    assert expand(cli, fleet).code == 0
    assert expand(cli, fleet).code == 0
    write_lines(fleet, lines(fleet)[:1])
    assert "at line 2 " in assert_one_line_error(cli("audit", "verify", "--repo", str(fleet.repo)))


def test_reference_records_keep_working(cli: Runner, fleet: Fleet) -> None:
    assert expand(cli, fleet).code == 0
    legacy = {k: v for k, v in fleet.apply_records()[0].items() if k not in ("hash", "previousHash")}
    write_lines(fleet, [json.dumps(legacy)])
    fleet.apply_state.write_text(json.dumps(legacy) + "\n")
    assert cli("audit", "verify", "--repo", str(fleet.repo)).code == 0
    assert expand(cli, fleet).code == 0
    assert fleet.apply_records()[-1]["previousHash"] is None
    report = cli("audit", "verify", "--repo", str(fleet.repo)).json()
    assert (report["legacyRecords"], report["chainedRecords"]) == (1, 1)


def test_a_missing_log_is_an_empty_valid_chain(cli: Runner, fleet: Fleet) -> None:
    result = cli("audit", "verify", "--repo", str(fleet.repo))
    assert result.code == 0, result.stderr
    assert result.json()["records"] == 0


def test_the_commit_message_names_the_record_hash() -> None:
    message = commit_message(
        fleet_id="f", intent="expand", canary_before=10, canary_after=35, actor="a", approval_ref="r",
        trace_id="t", record_hash="sha256:abc",
    )  # fmt: skip
    assert message.endswith("Trace-Id: t\nRecord-Hash: sha256:abc\n")
    assert "Record-Hash" not in commit_message(
        fleet_id="f", intent="expand", canary_before=10, canary_after=35, actor="a", approval_ref="r", trace_id="t"
    )
