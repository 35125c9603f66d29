"""Properties of the apply audit chain: every single edit, removal or reordering is found at its line."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from orchestrator.core.audit import HASH, numbered_lines, record_hash, sealed, verify_chain


def chain(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    previous = None
    for body in bodies:
        record = sealed(body, previous)
        records.append(record)
        previous = record[HASH]
    return records


def text_of(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def verify(records: list[dict[str, Any]], anchor: str | None = None) -> Any:
    return verify_chain(numbered_lines(text_of(records)), anchor=anchor)


bodies = st.lists(
    st.fixed_dictionaries(
        {
            "intent": st.sampled_from(["expand", "resume", "rollback"]),
            "canary": st.integers(0, 100),
            "rationale": st.text(max_size=8),
        }
    ),
    min_size=1,
    max_size=8,
)


@given(bodies, bodies)
def test_a_valid_chain_verifies_and_appending_keeps_it_valid(
    first: list[dict[str, Any]], more: list[dict[str, Any]]
) -> None:
    records = chain(first)
    report = verify(records, anchor=records[-1][HASH])
    assert report.valid
    assert report.chained == len(records)
    assert report.last_hash == records[-1][HASH]
    previous = report.last_hash
    for body in more:
        records.append(sealed(body, previous))
        previous = records[-1][HASH]
        assert verify(records, anchor=previous).valid


@given(bodies, st.data())
def test_an_edit_is_found_at_its_line(first: list[dict[str, Any]], data: st.DataObject) -> None:
    records = chain(first)
    index = data.draw(st.integers(0, len(records) - 1))
    key = data.draw(st.sampled_from(["intent", "canary", "rationale", "previousHash", "hash", "new"]))
    edited = dict(records[index])
    edited[key] = data.draw(st.text(min_size=1, max_size=4).filter(lambda v: v != edited.get(key)))
    records[index] = edited
    report = verify(records)
    assert report.broken is not None
    assert report.broken.line == index + 1


@given(bodies, st.data())
def test_a_removal_is_found_where_the_record_was(first: list[dict[str, Any]], data: st.DataObject) -> None:
    records = chain(first)
    anchor = records[-1][HASH]
    index = data.draw(st.integers(0, len(records) - 1))
    del records[index]
    report = verify(records, anchor=anchor)
    assert report.broken is not None
    assert report.broken.line == index + 1


@given(bodies.filter(lambda b: len(b) >= 2), st.data())
def test_a_reordering_is_found_at_the_first_moved_line(first: list[dict[str, Any]], data: st.DataObject) -> None:
    records = chain(first)
    i = data.draw(st.integers(0, len(records) - 2))
    j = data.draw(st.integers(i + 1, len(records) - 1))
    records[i], records[j] = records[j], records[i]
    report = verify(records, anchor=records[-1][HASH])
    assert report.broken is not None
    assert report.broken.line == i + 1


def test_reference_records_without_hashes_start_the_chain() -> None:
    legacy = [{"intent": "expand", "canary": 10}, {"intent": "resume", "canary": 10}]
    records = [*legacy, *chain([{"intent": "expand", "canary": 35}])]
    report = verify(records)
    assert report.valid
    assert (report.legacy, report.chained) == (2, 1)
    assert records[-1]["previousHash"] is None
    assert record_hash(records[-1]) == records[-1][HASH]
