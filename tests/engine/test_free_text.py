"""Free text stays text: no line breaks or control characters in governance fields, and no autolinks.

A newline in ``by`` or ``approval-ref`` would forge a commit trailer; a URL, a ``www.`` host or an
e-mail address in a summary or pull-request body would become a link nobody wrote. What GitHub
would render is checked with GitHub's own renderer, cmark-gfm.
"""

from __future__ import annotations

import re

import cmarkgfm
import pytest

from orchestrator.github.persist import commit_message
from orchestrator.render.markdown import md_text
from tests.engine.engine_support import FUTURE, Fleet, Runner, assert_one_line_error, tree_hashes

LINKY = "see https://evil.example/login, www.evil.example, ops@evil.example, xmpp:ops@evil.example, ftp://x.example"


def _html(markdown: str) -> str:
    return str(cmarkgfm.github_flavored_markdown_to_html(markdown))


@pytest.mark.parametrize("field", ["--by", "--approval-ref", "--rationale", "--idempotency-key", "--loop-id"])
@pytest.mark.parametrize("text", ["ops\nCo-authored-by: Mallory <m@example.com>", "a\rb", "a\x1b[2Jb", "a\u2028b"])
def test_control_characters_in_free_text_are_refused_before_anything_runs(
    cli: Runner, fleet: Fleet, field: str, text: str
) -> None:
    args = {"--by": "ops", "--approval-ref": "CAB-1", "--rationale": "r", "--review-by": FUTURE}
    args[field] = text
    before = tree_hashes(fleet.repo)

    result = cli("orchestrate", "--repo", str(fleet.repo), "--mode", "apply", *[x for kv in args.items() for x in kv])

    assert_one_line_error(result, contains=f"{field} must be one line of text")
    assert tree_hashes(fleet.repo) == before


def test_a_commit_message_has_exactly_its_own_trailers_whatever_the_values() -> None:
    message = commit_message(
        fleet_id="f\nSigned-off-by: x",
        intent="expand",
        canary_before=10,
        canary_after=20,
        actor="ops\nCo-authored-by: Mallory <m@example.com>",
        approval_ref="CAB-1\r\nReviewed-by: y",
        trace_id="t\u2028Trailer: z",
    )
    keys = [line.split(":", 1)[0] for line in message.splitlines()[2:]]
    assert keys == ["Intent", "Canary", "Actor", "Approval-Ref", "Trace-Id"]


def test_links_nobody_wrote_are_not_rendered_as_links() -> None:
    html = _html(f"| Rationale | {md_text(LINKY)} |\n| --- | --- |\n\n{md_text(LINKY)}\n")
    assert "<a " not in html
    text = re.sub(r"<[^>]+>", "", html).replace("\u2060", "")
    assert "https://evil.example/login" in text
    assert "ops@evil.example" in text


def test_summaries_of_a_real_run_render_without_links_or_html(cli: Runner, fleet: Fleet) -> None:
    result = cli(
        "orchestrate", "--repo", str(fleet.repo), "--mode", "apply", "--expand-step", "5",
        "--by", "ops@evil.example", "--approval-ref", "https://evil.example/cab", "--rationale", LINKY,
        "--review-by", FUTURE,
    )  # fmt: skip
    assert result.code == 0, result.stderr
    html = _html(fleet.orchestrate_summary.read_text())
    assert "<a " not in html
    assert "<script" not in html
    assert "evil.example" in html
