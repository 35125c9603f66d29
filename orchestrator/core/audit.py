"""The tamper-evident apply audit: each record carries the previous record's hash and its own.

``hash`` is a sha256 over the record's canonical JSON (sorted keys, no whitespace) without
``hash``; ``previousHash`` is the ``hash`` of the record before it (``null`` for the first, and
for the first after a log of the reference's records, which have no hashes). ``verify_chain``
walks the log and names the first line that was edited, removed or reordered.

A line that is not a JSON object (a line torn by a crash and closed by the next append) is not a
record: the chain steps over it when the next record links to the one before it. When the next
record does not link, the unreadable line is named, since that is where the chain was cut.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from orchestrator.core.digest import sha256_of
from orchestrator.core.errors import OrchestratorError
from orchestrator.core.reasons import ReasonCode

HASH = "hash"
PREVIOUS_HASH = "previousHash"


def record_hash(record: Mapping[str, Any]) -> str:
    """The hash of a record: over its canonical JSON without its own ``hash``."""
    return sha256_of({key: value for key, value in record.items() if key != HASH})


def sealed(record: Mapping[str, Any], previous_hash: str | None) -> dict[str, Any]:
    """``record`` linked to its predecessor and carrying its own hash (the last key)."""
    body = {key: value for key, value in record.items() if key not in (HASH, PREVIOUS_HASH)}
    body[PREVIOUS_HASH] = previous_hash
    body[HASH] = record_hash(body)
    return body


@dataclass(frozen=True)
class ChainBreak:
    line: int
    problem: str


@dataclass
class ChainReport:
    """What the walk found: counts, the last record's hash, and the first break (if any)."""

    records: int = 0
    chained: int = 0
    legacy: int = 0
    last_hash: str | None = None
    unreadable_lines: list[int] = field(default_factory=list)
    broken: ChainBreak | None = None

    @property
    def valid(self) -> bool:
        return self.broken is None

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "records": self.records,
            "chainedRecords": self.chained,
            "legacyRecords": self.legacy,
            "lastHash": self.last_hash,
            "unreadableLines": self.unreadable_lines,
        }


@dataclass
class _Walk:
    report: ChainReport = field(default_factory=ChainReport)
    pending_bad: int | None = None
    """The first unreadable line since the last record."""

    def fail(self, line: int, problem: str, *, at_gap: bool = True) -> None:
        where = self.pending_bad if at_gap and self.pending_bad is not None else line
        if where != line:
            problem = f"the line was edited or is not a record, and the record on line {line} does not follow"
        self.report.broken = ChainBreak(where, problem)

    def step(self, line: int, record: dict[str, Any]) -> None:
        report = self.report
        report.records += 1
        has_hash = HASH in record
        if not has_hash and PREVIOUS_HASH not in record and report.chained == 0:
            report.legacy += 1
            self.pending_bad = None
            return
        if not has_hash or not isinstance(record.get(HASH), str):
            self.fail(line, "the record has no hash after the chain began (a hash was removed)", at_gap=False)
            return
        if record[HASH] != record_hash(record):
            self.fail(line, "the record does not match its hash (it was edited)", at_gap=False)
            return
        if record.get(PREVIOUS_HASH) != report.last_hash:
            self.fail(line, _link_problem(record.get(PREVIOUS_HASH), report.last_hash))
            return
        report.last_hash = record[HASH]
        report.chained += 1
        self.pending_bad = None


def _link_problem(found: Any, expected: str | None) -> str:
    if expected is None:
        return "the record links to a record that is not before it (a record was removed or reordered)"
    return (
        f"the record's previousHash is {found if isinstance(found, str) else 'null'}, not the hash of the record"
        " before it (a record was removed, inserted or reordered)"
    )


def numbered_lines(text: str) -> Iterable[tuple[int, str]]:
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield number, line


def verify_chain(lines: Iterable[tuple[int, str]], *, anchor: str | None = None) -> ChainReport:
    """Walk the numbered lines of an apply log; ``anchor`` is the hash the apply state says came last.

    The anchor catches what the log alone cannot: its last record removed or edited away.
    """
    walk = _Walk()
    last_line = 0
    for number, line in lines:
        last_line = number
        record = _record(line)
        if record is None:
            walk.report.unreadable_lines.append(number)
            walk.pending_bad = walk.pending_bad or number
            continue
        walk.step(number, record)
        if walk.report.broken is not None:
            return walk.report
    if anchor is not None and anchor != walk.report.last_hash:
        where = walk.pending_bad or last_line + 1
        walk.report.broken = ChainBreak(
            where, f"the apply state names record {anchor}, which is not the last record of the log (it was removed)"
        )
    return walk.report


def verify_records(records: Iterable[Mapping[str, Any]]) -> ChainReport:
    """``verify_chain`` over records already read (numbered as records, not lines)."""
    return verify_chain((n, orjson.dumps(dict(r)).decode()) for n, r in enumerate(records, start=1))


def _record(line: str) -> dict[str, Any] | None:
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


class AuditChainBroken(OrchestratorError):
    def __init__(self, broken: ChainBreak, file: str) -> None:
        super().__init__(
            f"the apply telemetry's audit chain is broken at line {broken.line} of {file}: {broken.problem}"
            f" ({ReasonCode.AUDIT_CHAIN_BROKEN.value}); run promotion-rollout audit verify, restore the log,"
            " or pass --allow-broken-audit-chain to record that you went ahead"
        )
        self.broken = broken
        self.reason_code = ReasonCode.AUDIT_CHAIN_BROKEN


def chain_for_apply(
    report: ChainReport, records: list[dict[str, Any]], *, allow_broken: bool, file: str
) -> tuple[str | None, list[str]]:
    """The new record's ``previousHash`` (the last record's ``hash``) and the reason codes it must carry.

    A broken chain is refused unless ``allow_broken``; the record then says it was told to go on.
    """
    last = records[-1].get(HASH) if records else None
    previous = last if isinstance(last, str) else None
    if report.broken is None:
        return previous, []
    if not allow_broken:
        raise AuditChainBroken(report.broken, file)
    return previous, [ReasonCode.AUDIT_CHAIN_BROKEN_OVERRIDDEN]
