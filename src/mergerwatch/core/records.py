"""The ``--json`` contract, written once: every record a command prints, as a typed dictionary.

A filing record is made in two places, from a parsed record (core/model.py: ``parse``) and from stored rows
(store/read/columns.py: every read command); both build it with these names, and the read path enriches it with
labels, deadlines and matches (the keys marked below). docs/reference.md is generated from this module
(scripts/make_reference.py) and tests/test_docs.py checks that it is current. Stdlib only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

__all__ = [
    "Row",
    "AuthorityLine",
    "ChangeGroup",
    "ChangeRecord",
    "ClockRecord",
    "CoverageRow",
    "DealGroup",
    "DealResult",
    "Elapsed",
    "EventRecord",
    "FilingRecord",
    "MatchRecord",
    "NearMiss",
    "NextDeadline",
    "PartyRecord",
    "Provenance",
    "SourceHealth",
    "StatsRow",
]


# A record, or a lighter row of one (the headline and the facts lists and statistics read): what the pure functions of
# query/ take where either will do.
Row = Mapping[str, Any]


class PartyRecord(TypedDict):
    name: str  # as published (control characters removed)
    role: str  # acquirer | target | seller | other


class Provenance(TypedDict):
    fetched_at: str | None  # when the payload the record was read from was fetched
    payload_sha256: str | None  # that payload's digest (``reparse`` reads it again)
    parser_version: str


class EventRecord(TypedDict):
    status: str | None  # a vocabulary code; None for an informational event
    status_raw: str  # the authority's (or party's) own words
    date: str | None  # ISO date of the event
    detail: str | None  # a detail code (core/vocabulary.py DETAILS)
    deadline: str | None
    basis: str  # "structured" (a field of the source) or "text" (read in prose)
    observed_at: str | None  # when mergerwatch first saw it
    url: str | None
    date_precision: NotRequired[str]  # day | month | none, where the text gave less than a day (SEC prose)
    status_label: NotRequired[str]  # added on reading: the words for status (+ detail)
    days_after_previous: NotRequired[int | None]  # added on reading: days since the filing's previous dated event


class Elapsed(TypedDict):
    phase: int | None
    stage: str  # the current stage in words
    since: str  # the ISO date the stage began
    days: int


# "from" is a Python keyword: this one is declared by call.
NextDeadline = TypedDict(
    "NextDeadline",
    {
        "date": str,  # the deadline (ISO date)
        "kind": str,  # published | computed
        "regime": NotRequired[str],  # the statutory period (clock --help), when computed
        "from": NotRequired[str],  # what it was computed from
        "basis": NotRequired[str],  # the law that sets it
        "warnings": NotRequired[list[str]],
        "computed": NotRequired[dict[str, Any]],  # the statute's count, where the published date differs
        "disagreement": NotRequired[str],
        "day": NotRequired[int],  # day N of M of the period
        "of": NotRequired[int],
        "unit": NotRequired[str],
        "in_days": int,  # days from today (negative: overdue)
        "when": str,  # "in 12 days", "overdue by 3 days"
    },
)


class MatchRecord(TypedDict):
    score: float
    kind: str  # exact | alias | fuzzy
    reasons: list[str]  # why each name matched
    parties: list[dict[str, Any]]  # per name: query, name, role, score, kind


class FilingRecord(TypedDict):
    """One case at one authority, as `show --json`, `list --json`, `parse --json` print it."""

    id: str  # "<source>:<source id>", stable
    source: str
    source_id: str
    authority: str  # upper-case code: FTC, DOJ, US, EC, CMA, ...
    jurisdiction: str
    case_ref: str | None  # the human reference (transaction number, case number)
    title: str
    parties: list[PartyRecord]
    status: str  # a vocabulary code (core/vocabulary.py)
    status_raw: str  # the authority's own words
    status_date: str | None
    detail: str | None
    deadline: str | None  # a deadline the authority published
    url: str | None
    published_at: str | None
    extra: dict[str, Any]  # source-specific facts (sectors, procedure, phase, notification date, ...)
    events: list[EventRecord]  # the status history, oldest first
    provenance: Provenance
    alt_ids: NotRequired[list[str]]  # stored records: the ids of the same record on other surfaces
    first_seen: NotRequired[str]  # stored records: when mergerwatch first saw it
    last_changed: NotRequired[str]  # stored records: when it last changed
    status_label: NotRequired[str]  # added on reading
    next_deadline: NotRequired[NextDeadline]  # added on reading, for an open review
    elapsed: NotRequired[Elapsed]  # added on reading, for an open review
    match: NotRequired[MatchRecord]  # `deal` and `search`: why it matched
    deal: NotRequired[int]  # `deal`: the number of the transaction it belongs to


class AuthorityLine(TypedDict):
    """Where a deal stands at one authority: its newest filing's status, with every case reference and filing."""

    authority: str
    jurisdiction: str
    status: str
    status_raw: str
    status_label: str
    detail: str | None
    status_date: str | None
    case_refs: list[str]
    filings: list[str]
    elapsed: NotRequired[Elapsed]
    next_deadline: NotRequired[NextDeadline]


DealGroup = TypedDict(
    "DealGroup",
    {
        "deal": int,  # newest first, from 1
        "from": str | None,
        "to": str | None,
        "reasons": list[str],  # why these filings are one transaction (or a separate one)
        "authorities": list[AuthorityLine],
        "filings": list[str],
    },
)


class CoverageRow(TypedDict):
    source: str
    authority: str
    jurisdiction: str
    records: int
    last_refresh: str | None
    last_success: str | None


class NearMiss(TypedDict):
    name: str
    key: str  # the normalised name
    filings_alone: int  # filings naming this company alone
    examples: list[dict[str, Any]]  # id, title, status, date of the newest of them


class DealResult(TypedDict):
    """`deal --json`."""

    query: list[str]
    found: bool
    authorities: list[AuthorityLine]  # the newest deal's line per authority
    deals: list[DealGroup]
    filings: list[FilingRecord]  # every record, each with its deal number and match
    aliases_used: list[str]
    as_of: dict[str, str | None]  # each source's last successful refresh (or, see as_of_files, newest payload)
    as_of_files: NotRequired[list[str]]  # sources never refreshed: their as-of is their newest stored payload's
    near_misses: NotRequired[list[NearMiss]]  # when nothing is found
    coverage: NotRequired[list[CoverageRow]]
    coverage_facts: NotRequired[list[str]]
    store_empty: NotRequired[bool]
    # names the store holds that a name asked for may have meant: {"for", "name", "why", "filings"}
    suggestions: NotRequired[list[dict[str, Any]]]
    did_you_mean: NotRequired[dict[str, Any]]  # {"query": the names to ask instead, "filings": how many they find}


class ChangeRecord(TypedDict):
    filing_id: str
    authority: str
    case_ref: str | None
    title: str
    status: str | None
    status_label: str
    detail: str | None
    status_raw: str
    date: str | None
    deadline: str | None
    observed_at: str
    url: str | None
    current_status: str


class ChangeGroup(TypedDict):
    deal: str  # acquirer / target, or the title
    changes: list[ChangeRecord]


class StatsRow(TypedDict):
    """`stats --json`: one authority and group (year, sector, procedure or phase: the group's key is the --by name)."""

    authority: str
    cases: int
    open: int
    outcomes: dict[str, int]
    shares: dict[str, float]
    phase_2_opened: int
    phase_2_share: float
    durations: dict[str, dict[str, Any]]  # phase_1 / phase_2: n, median_days, p90_days


class SourceHealth(TypedDict):
    """`sources --json`."""

    source: str
    title: str
    authority: str
    jurisdiction: str
    records: int
    last_refresh: str | None
    last_success: str | None
    age_days: float | None
    warnings: list[str]
    state: dict[str, str]


class ClockRecord(TypedDict):
    """`clock --json`."""

    regime: str
    start: str
    end: str
    length: int
    unit: str  # calendar days | working days | business days | weeks | months
    basis: str  # the law that sets it
    counted: list[str]  # how it was counted, step by step
    warnings: list[str]
