"""Operator text and evidence paths reach GitHub's step summary: they must render inert."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator.render.markdown import md_code, md_text
from tests.engine.engine_support import FUTURE, Evidence, Fleet, Runner, write_handoff, write_status

HOSTILE = "a | b <script>alert(1)</script> ![x](http://e/x.png) [link](http://e) # Heading `tick` ``two``"
"""Hostile markdown on one line: a line break is refused at input (tests/engine/test_free_text.py)."""
ORCHESTRATE_HEADINGS = {"## Ops Manager Promotion Orchestration"}
CI_HEADINGS = {"## Ops Manager Promotion CI", "### What would have to change for promote"}
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def assert_inert(markdown: str, headings: set[str]) -> None:
    assert "<" not in markdown, "raw HTML could open a tag"
    assert not re.search(r"(?<!\\)\]\(", markdown), "an unescaped ]( forms a link or image"
    stray = [line for line in markdown.splitlines() if line.lstrip().startswith("#") and line not in headings]
    assert stray == [], stray
    table: int | None = None
    for line in markdown.splitlines():
        if not line.startswith("|"):
            table = None
            continue
        pipes = len(UNESCAPED_PIPE.findall(line))
        if table is None:
            table = pipes
        assert pipes == table, f"row lost its columns: {line}"


def test_orchestration_summary_renders_hostile_governance_text_inert(cli: Runner, fleet: Fleet) -> None:
    result = cli(
        "orchestrate",
        "--repo",
        str(fleet.repo),
        "--mode",
        "apply",
        "--expand-step",
        "5",
        "--by",
        "ops|<b>",
        "--approval-ref",
        HOSTILE,
        "--rationale",
        HOSTILE,
        "--review-by",
        FUTURE,
        "--idempotency-key",
        "key|`x`",
    )
    assert result.code == 0, result.stderr
    summary = fleet.orchestrate_summary.read_text()
    assert_inert(summary, ORCHESTRATE_HEADINGS)
    assert "Promotion decision: `promote`" in summary.splitlines()
    assert "Failed gates: none" in summary.splitlines()
    assert "Reason codes: none" in summary.splitlines()
    assert "Status: `applied`" in summary.splitlines()
    rationale_row = next(line for line in summary.splitlines() if line.startswith("| Rationale |"))
    assert "script" in rationale_row
    assert "Heading" in rationale_row
    assert fleet.registry_doc()["policy"]["autonomous"]["governance"]["rationale"] == HOSTILE


def test_ci_summary_keeps_reference_headlines_and_escapes_evidence_paths(
    cli: Runner, empty_repo: Fleet, tmp_path: Path
) -> None:
    hostile_dir = tmp_path / "<img src=x>[p](http://e) #h"
    evidence = Evidence(
        status=write_status(hostile_dir / "status.json", backlog=9),
        handoff=write_handoff(hostile_dir / "handoff|x.jsonl", 20),
        drills=tmp_path / "missing-drills.json",
    )
    with evidence.handoff.open("a") as handle:
        handle.write('"stray"\n')
    result = cli("ci", "--repo", str(empty_repo.repo), *evidence.args())
    assert result.code == 0, result.stderr
    summary = empty_repo.ci_summary.read_text()
    assert_inert(summary, CI_HEADINGS)
    lines = summary.splitlines()
    assert "Decision: `hold`" in lines
    assert "Failed gates: outcome_reliability, manual_backlog, drill_recency" in lines
    codes = result.json()["summary"]["reasonCodes"]
    assert f"Reason codes: {', '.join(codes)}" in lines
    assert "promotion_handoff_telemetry_invalid" in codes


def test_orchestration_summary_of_a_hold_keeps_the_headlines(cli: Runner, fleet: Fleet, tmp_path: Path) -> None:
    status = write_status(tmp_path / "status.json", backlog=40, posture="paused")
    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", "dry_run", "--fleet-status-file", str(status))
    assert result.code == 0, result.stderr
    lines = fleet.orchestrate_summary.read_text().splitlines()
    assert "Promotion decision: `hold`" in lines
    assert "Failed gates: governance, manual_backlog" in lines
    assert "Reason codes: promotion_governance_posture_not_active, promotion_manual_backlog_exceeded" in lines
    ci_lines = fleet.ci_summary.read_text().splitlines()
    assert "Decision: `hold`" in ci_lines


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_md_text_never_leaves_markup_active(text: str) -> None:
    out = md_text(text)
    assert "<" not in out
    assert "\n" not in out
    assert "\r" not in out
    inert = re.sub(r"&#[0-9]+;", "", out.replace("\\\\", ""))  # numeric character references are text
    for char in "[]|`#!*_~":
        assert not re.search(r"(?<!\\)" + re.escape(char), inert), (char, out)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_md_code_is_one_code_span(text: str) -> None:
    out = md_code(text)
    fence = re.match(r"`+", out)
    assert fence is not None
    width = len(fence.group(0))
    assert out.endswith("`" * width)
    inner = out[width:-width]
    assert all(len(run) < width for run in re.findall(r"`+", inner))
    assert "\n" not in out
