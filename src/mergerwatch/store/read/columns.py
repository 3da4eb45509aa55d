"""The SQL the read side shares, and rows turned into records: the columns of a filing and of an event, the facts
lists and statistics read (FACT_KEYS, the telling events), the orders SQL may sort by, and how an event's observation
time is stored. Stdlib only."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mergerwatch.core.registry import full_url
from mergerwatch.core.vocabulary import telling_details

if TYPE_CHECKING:  # the typed records are for reading the code: nothing to load
    from mergerwatch.core.records import EventRecord, FilingRecord

CHUNK = 500
# A filing and its provenance, read from the raw payload it came from (FROM filings f LEFT JOIN raw_payloads r).
FILING_COLS = (
    # the source's own id is the tail of id (schema.py)
    "f.pk, f.id, f.source, substr(f.id, length(f.source) + 2), f.authority, f.jurisdiction, f.case_ref, f.title, "
    "f.status, f.status_raw, "
    "f.status_date, f.detail, f.deadline, f.url, f.published_at, f.extra, f.alt_ids, f.first_seen, "
    "coalesce(nullif(f.last_changed, ''), f.first_seen), "
    "r.fetched_at, r.sha256, f.parser_version"
)
FILING_FROM = "filings f LEFT JOIN raw_payloads r ON r.id = f.payload_id"
EVENT_COLS = "filing_pk, id, status, status_raw, event_date, detail, deadline, basis, observed_at, url"
LIGHT_COLS = "id, first_seen, authority, status, status_date, deadline, title"
# The keys of a source's `extra` that lists and statistics filter and count on (listing.py), and the event details
# that show a phase (listing.phase_of): kept here so the query reads only those.
FACT_KEYS = ("phase", "notification_date", "opened_date", "procedure", "market_sector", "nace", "nace_codes")
FACT_EVENT_DETAILS = telling_details()


# The same tests in SQL: an extra that names one of FACT_KEYS, an event that tells a notification or a phase.
TELLING_EXTRA = "(" + " OR ".join(f"CAST(extra AS TEXT) LIKE '%\"{k}\"%'" for k in FACT_KEYS) + ")"
TELLING_EVENT = "(status = 'notified' OR detail IN (" + ", ".join(f"'{d}'" for d in FACT_EVENT_DETAILS) + "))"
# The same as a value of filings.tells, for the rows the store rewrites (an extra that names a key anywhere is
# counted as telling: more filings than needed take the record-by-record path, never fewer).
TELLS_SQL = (
    f"CASE WHEN {TELLING_EXTRA} OR EXISTS (SELECT 1 FROM status_events "
    f"WHERE status_events.filing_pk = filings.pk AND {TELLING_EVENT}) THEN 1 ELSE 0 END"
)


def tells(extra: dict[str, Any], events: Iterable[tuple[str | None, str | None]]) -> int:
    """filings.tells of a new filing: 1 if its extra has one of FACT_KEYS or one of its (status, detail) events
    tells a notification or a phase (TELLING_EVENT), else 0."""
    if any(k in extra for k in FACT_KEYS):
        return 1
    for status, detail in events:
        if status == "notified" or (detail and detail in FACT_EVENT_DETAILS):
            return 1
    return 0


_FACT_KEY_RE = re.compile("|".join(f'"{k}"' for k in FACT_KEYS))
# Sort keys ``filing_rows`` can give to SQL: ISO dates only (text, so they sort alike in every collation).
ORDERS = {
    "decided": "coalesce(status_date, '') DESC",
    "seen": "substr(first_seen, 1, 10) DESC",
    "deadline": "coalesce(deadline, '9999')",
}


def json_value(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value  # SQLite gives text, PostgreSQL values


def facts_of(extra: Any) -> dict[str, Any]:
    """The FACT_KEYS of a stored extra. Most records (every FTC notice) hold none: their text is not parsed."""
    if isinstance(extra, str) and not _FACT_KEY_RE.search(extra):
        return {}
    parsed = json_value(extra) or {}
    return {k: parsed[k] for k in FACT_KEYS if k in parsed}


def chunks(seq: Sequence[Any], n: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def filing_record(r: Sequence[Any]) -> FilingRecord:
    """A row of FILING_COLS as a record (parties and events filled in by the caller)."""
    (_pk, fid, source, source_id, authority, jurisdiction, case_ref, title, status, status_raw, status_date, detail,
     deadline, url, published_at, extra, alt_ids, first_seen, last_changed, fetched_at, sha, parser) = r  # fmt: skip
    return dict(
        id=fid,
        source=source,
        source_id=source_id,
        authority=authority,
        jurisdiction=jurisdiction,
        case_ref=case_ref,
        title=title,
        parties=[],
        status=status,
        status_raw=status_raw,
        status_date=status_date,
        detail=detail,
        deadline=deadline,
        url=full_url(fid, url),
        published_at=published_at,
        extra=json_value(extra) or {},
        alt_ids=json_value(alt_ids) or [],
        first_seen=first_seen,
        last_changed=last_changed,
        events=[],
        provenance=dict(fetched_at=fetched_at, payload_sha256=sha, parser_version=parser),
    )


def event_url(stored: str | None, filing_url: str | None) -> str | None:
    """An event's url as stored: NULL for the filing's own url (most events), '' for none."""
    return filing_url if stored is None else (stored or None)


# An event's observation time as stored: '' when it was observed with its filing, at the filing's first_seen
# (schema.py). In SQL over ``status_events e JOIN filings f``.
OBSERVED_SQL = "CASE WHEN e.observed_at = '' THEN f.first_seen ELSE e.observed_at END"
# The events observed at or after a cut-off (the parameter, given twice): from the first id any of them can have
# (schema.event_marks), through the events' primary key.
OBSERVED_SINCE_SQL = (
    f"e.id >= (SELECT min(first_event_id) FROM event_marks WHERE observed_at >= ?) AND {OBSERVED_SQL} >= ?"
)


def event_record(e: Sequence[Any], filing_url: str | None, first_seen: str) -> tuple[int, EventRecord]:
    """A row of EVENT_COLS as (its id, the event record)."""
    _pk, eid, status, status_raw, when, detail, deadline, basis, observed, url = e
    basis, _, precision = (basis or "structured").partition(":")  # '': the usual one (schema.py)
    rec = dict(
        status=status,
        status_raw=status_raw,
        date=when,
        detail=detail,
        deadline=deadline,
        basis=basis,
        observed_at=observed or first_seen,  # '': with its filing
        url=event_url(url, filing_url),
    )
    if precision:  # "text:month", "structured:month" (write/rows.stored_basis): less than a day was given
        rec["date_precision"] = precision
    elif basis == "text":  # prose that gave the day, or no date at all
        rec["date_precision"] = "day" if when else "none"
    return eid, rec
