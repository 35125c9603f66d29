"""Every input is judged before the first file is written: a refused mutation leaves the fleet as it was."""

from __future__ import annotations

import pytest

from tests.engine.engine_support import Fleet, Runner, assert_one_line_error, tree_hashes


@pytest.mark.parametrize(
    ("review_by", "message"),
    [
        ("2000-01-01T00:00:00Z", "must be in the future"),
        ("next tuesday", 'must be an RFC 3339 timestamp like 2027-06-30T00:00:00Z (got "next tuesday")'),
        ("2027-06-30T00:00", "must be an RFC 3339 timestamp like 2027-06-30T00:00:00Z"),
    ],
)
@pytest.mark.parametrize("mode", ["apply", "rollback"])
def test_a_bad_review_by_refuses_before_the_decision_files_change(
    cli: Runner, fleet: Fleet, mode: str, review_by: str, message: str
) -> None:
    before = tree_hashes(fleet.repo)

    result = cli(
        "orchestrate", "--repo", str(fleet.repo), "--mode", mode,
        "--by", "ops", "--approval-ref", "CAB-1", "--rationale", "r", "--review-by", review_by,
    )  # fmt: skip

    assert_one_line_error(result, contains=message)
    assert tree_hashes(fleet.repo) == before
