"""The job summary's pictures: the reliability window and the canary history as Mermaid charts.

A chart carries numbers and the template's fixed labels only; the table beside it carries the same
numbers. GitHub renders the block as a diagram (it is a ``mermaid`` code block) and the rest as
markdown, checked here with cmark-gfm, the renderer GitHub uses.
"""

from __future__ import annotations

import json
import re

import cmarkgfm
from cmarkgfm.cmark import Options

from orchestrator.core.charts import canary_history, reliability_chart
from orchestrator.core.evidence.handoff_rules import RunCounts
from orchestrator.core.models import Thresholds
from tests.engine.engine_support import FUTURE, Fleet, Runner, handoff_line

CHART_LINE = re.compile(
    r'^(xychart-beta|    title "[A-Za-z ,()]+"|    x-axis "[a-z ,]+" \[("\d+"(, "\d+")*)\]'
    r'|    y-axis "percent" 0 --> \d+|    (bar|line) \[\d+(\.\d)?(, \d+(\.\d)?)*\])$'
)
GOVERNANCE = ["--by", "a", "--approval-ref", "CHG-1", "--rationale", "r", "--review-by", FUTURE]


def mermaid_blocks(markdown: str) -> list[list[str]]:
    return [block.splitlines() for block in re.findall(r"^```mermaid\n(.*?)^```$", markdown, re.M | re.S)]


def assert_chart(lines: list[str], series: int, points: int) -> None:
    assert lines[0] == "xychart-beta"
    for line in lines:
        assert CHART_LINE.match(line), f"not a number or a fixed label: {line!r}"
    data = [line for line in lines if line.startswith(("    bar ", "    line "))]
    assert len(data) == series
    for line in [*data, next(line for line in lines if "x-axis" in line)]:
        assert line[line.index("[") :].count(",") == points - 1, line


def html(markdown: str) -> str:
    return str(cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE))


def test_the_ci_summary_draws_the_reliability_window_beside_its_table(cli: Runner, fleet: Fleet) -> None:
    lines = fleet.handoff.read_text().splitlines()
    fleet.handoff.write_text("\n".join([*lines, handoff_line(4, 2, 1, 1)]) + "\n")
    assert cli("ci", "--repo", str(fleet.repo)).code == 0
    summary = fleet.ci_summary.read_text()
    (chart,) = mermaid_blocks(summary)
    assert_chart(chart, series=4, points=20)
    assert chart[-4].endswith(", 25]")  # the newest run: 1 of 4 requested intents failed
    assert chart[-3].endswith(", 25]")  # ... and 1 of 4 ambiguous
    assert chart[-2] == "    line [" + ", ".join(["20"] * 20) + "]"  # the default failure threshold, 0.2
    assert "| 20 | " in summary
    assert "| 4 | 1 | 1 | 25 | 25 |" in summary
    rendered = html(summary)
    assert '<pre lang="mermaid"><code>xychart-beta' in rendered
    assert rendered.count("<table>") == 2  # the gates and the window
    assert "<strong>Reliability window</strong>" in rendered


def test_the_orchestrate_summary_draws_the_canary_history_from_the_apply_telemetry(cli: Runner, fleet: Fleet) -> None:
    repo = ["--repo", str(fleet.repo)]
    expand = ["--mode", "apply", "--apply-intent", "expand", "--expand-step", "15", *GOVERNANCE]
    assert cli("orchestrate", *repo, *expand).code == 0
    assert cli("orchestrate", *repo, "--mode", "rollback", *GOVERNANCE).code == 0
    assert cli("orchestrate", *repo, "--mode", "dry_run").code == 0  # a dry run shows the history too
    summary = fleet.orchestrate_summary.read_text()
    (chart,) = mermaid_blocks(summary)
    assert_chart(chart, series=2, points=2)
    assert chart[-2:] == ["    bar [10, 25]", "    line [25, 25]"]
    assert "| 2 | " in summary
    assert "| rollback | 25 | 25 | yes | no |" in summary
    assert '<pre lang="mermaid"><code>xychart-beta' in html(summary)


def test_operator_text_in_the_apply_telemetry_stays_out_of_the_chart(cli: Runner, fleet: Fleet) -> None:
    hostile = '"]\n    title "pwned" <script>'
    record = {
        "timestamp": hostile,
        "intent": hostile,
        "rollout": {"before": {"canaryPercent": 5}, "after": {"canaryPercent": 7}},
    }
    fleet.apply_telemetry.parent.mkdir(parents=True, exist_ok=True)
    fleet.apply_telemetry.write_text(json.dumps(record) + "\n")
    assert cli("orchestrate", "--repo", str(fleet.repo), "--mode", "dry_run").code == 0
    summary = fleet.orchestrate_summary.read_text()
    (chart,) = mermaid_blocks(summary)
    assert_chart(chart, series=2, points=1)
    assert "pwned" not in "\n".join(chart)
    assert "<script>" not in summary


def test_the_chart_data_is_numbers() -> None:
    runs = [RunCounts(line=1, requested=3, executed=2, ambiguous=0, failed=1), RunCounts(2, 0, 0, 0, 0)]
    chart = reliability_chart(runs, Thresholds(max_failure_rate=0.05, max_ambiguity_rate=0.125))
    assert chart is not None
    assert (chart.failed, chart.ambiguous, chart.max_failure, chart.max_ambiguity) == (
        ["33.3", "0"],
        ["0", "0"],
        "5",
        "12.5",
    )
    assert chart.y_max == 45
    assert reliability_chart([], Thresholds()) is None
    records = [{"rollout": {"before": {"canaryPercent": n}, "after": {"canaryPercent": n + 1}}} for n in range(40)]
    history = canary_history([*records, {"rollout": {"before": {"canaryPercent": True}}}, {}], limit=30)
    assert history is not None
    assert (history.total, history.labels[0], history.before[-1]) == (40, "11", 39)
    assert canary_history([{"rollout": "x"}]) is None
