"""A record as the store writes it, made without the database: the filings row, events, parties and name index
entries of a record (store.store writes them), and ``prepare``, which makes them for a worker process. Nothing here
imports SQLAlchemy: an ingest's worker starts parsing while the main process is still loading it."""

from __future__ import annotations

import hashlib
import json
import operator
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from mergerwatch.core.names import normalise_name
from mergerwatch.core.registry import store_url
from mergerwatch.store import name_index
from mergerwatch.store.extra_codec import stored_extra
from mergerwatch.store.read.columns import tells

if TYPE_CHECKING:
    from mergerwatch.core.model import Filing, StatusEvent

# The columns of a filings row that prepare makes (all but the key and the values of the write itself, which
# import_new adds: the observation time, '' for last_changed, the payload), in filing_row's order.
PREPARED_COLS = (
    *("id", "source", "source_id", "authority", "jurisdiction", "case_ref", "title", "status", "status_raw"),
    *("status_date", "detail", "url", "deadline", "published_at", "updated_at", "match_key", "alt_ids", "extra"),
    *("content_hash", "parser_version", "tells"),
)


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


# Digests the store keeps short (migration 0006): 64 bits tell one filing's events apart, 128 bits one version of
# a record from another, 96 bits one notice's cross-surface key from every other of its source.
def event_key(ev: StatusEvent) -> str:
    return _key_digest(ev.key())


def _key_digest(parts: tuple[str, str, str, str]) -> str:
    """An event's key (StatusEvent.key: status, the authority's words, date, deadline) as the store keeps it."""
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def content_digest(f: Filing) -> str:
    return f.content_hash()[:16]


def match_digest(key: str | None) -> str | None:
    # 64 bits (0009; 96 before): two different notices share a digest with odds of 1 in 10^7 at a million filings
    return hashlib.sha256(key.encode()).hexdigest()[:16] if key else None


def compress_body(body: bytes) -> bytes:
    """A payload's body as raw_payloads keeps it: zlib level 3, 7 % larger than level 6 and twice as fast."""
    return zlib.compress(body, 3)


# Status precedence for observations of one record on the same date (status_vocabulary.md §4): a decision
# outranks the opening of a phase, which outranks a notification; "unknown" ranks lowest.
STATUS_RANK = {
    "unknown": 0,
    "pre_notification": 1,
    "notified": 2,
    "under_review": 3,
    "in_depth_review": 4,
    "challenged": 5,
    "closed": 6,
    "referred": 7,
    "closed_no_jurisdiction": 7,
    "abandoned": 8,
    "cleared": 8,
    "cleared_with_remedies": 9,
    "prohibited": 9,
    "revoked": 10,
    "dissolution_ordered": 10,
}


Precedence = tuple[str, int, str, str, str, str, str]


def precedence_key(
    status: str | None,
    status_date: str | None,
    freshness: str | None,
    deadline: str | None,
    status_raw: str | None,
    title: str | None,
    digest: str,
) -> Precedence:
    rank = STATUS_RANK.get(status or "", 0)
    return (status_date or "", rank, freshness or "", deadline or "", status_raw or "", title or "", digest)


def precedence(f: Filing, digest: str | None = None) -> Precedence:
    """Which of two observations of one record is current, whatever order they arrive in: the later dated
    status; on the same date the further stage; then the source's own edit time; then the later deadline (an
    extension); then the content digest as a fixed tie-break. The stored record is the greatest observation
    seen, so re-reading any set of files in any order ends in the same record, and a second pass changes
    nothing (docs/decisions.md)."""
    return precedence_key(
        f.status.value,
        iso(f.status_date),
        iso(f.updated_at or f.published_at),
        iso(f.deadline),
        f.status_raw,
        f.title,
        digest or content_digest(f),
    )


class CheckedFiling(NamedTuple):
    """A record read again from a stored payload (``reparse``), made without the store: what tells whether the store
    holds it as it is (Store.import_unchanged), made by a worker process while the store takes the ones before."""

    id: str
    precedence: Precedence
    alt_ids: tuple[str, ...]


def check(filings: Iterable[Filing]) -> list[CheckedFiling]:
    return [CheckedFiling(f.id, precedence(f), tuple(f.alt_ids)) for f in filings]


class PreparedFiling(NamedTuple):
    """A record made ready for a store that does not hold it yet (``prepare``, ``Store.import_new``): its filings
    row, events, parties and name tokens as import_filings writes them, less the values of the write itself (row
    keys, observation time, payload). Plain values only, so that a worker process can make them (a tuple: it
    pickles for the way back in less time than a dataclass)."""

    id: str
    match_key: str | None  # its digest (match_digest)
    row: tuple[Any, ...]  # its filings row as stored, PREPARED_COLS (JSON columns as JSON text)
    events: list[tuple[Any, ...]]  # event_rows
    parties: list[tuple[Any, ...]]  # party_rows
    words: list[tuple[int, str]]  # party_rows, for a store whose name index has the form asked for


def prepare(filings: Iterable[Filing], match_key: Any = None, fts: bool = True) -> list[PreparedFiling]:
    """What import_filings computes for each new record (digests, tells, events, normalised names), done without
    the store; ``fts``: the store's name index is FTS5 (Store.name_index). The batch is taken as it is: import_new
    refuses one with an id or match key twice."""
    out = []
    for f in filings:
        fid = f.id
        mk = match_digest(match_key(f)) if match_key else None
        row = filing_row(f, fid, mk, f.extra, sorted(set(f.alt_ids)), "", None)
        events = current_event_rows(f, row["url"])
        row = as_stored(row, new=True, targets=target_names(f))
        row["alt_ids"], row["extra"] = json_text(row["alt_ids"]), json_text(row["extra"])  # as _bulk_insert writes them
        out.append(PreparedFiling(fid, mk, _prepared_values(row), events, *party_rows(f, fts)))
    return out


_prepared_values = operator.itemgetter(*PREPARED_COLS)


def party_rows(f: Filing, fts: bool) -> tuple[list[tuple[Any, ...]], list[tuple[int, str]]]:
    """One filing's parties (PARTY_COLS without the filing) and their entries in the name index: (position, terms)
    a party for the FTS5 index (made here, where a worker can make them), (position, word) a word for name_tokens."""
    rows: list[tuple[Any, ...]] = []
    words: list[tuple[int, str]] = []
    for pos, p in enumerate(f.parties):
        n = normalise_name(p.name)
        rows.append((pos, p.name, p.role._value_, n.key, n.legal_form))  # _value_: .value is a slow property
        if not fts:
            words += [(pos, tok) for tok in n.index_tokens]
        elif n.index_tokens:
            words.append((pos, name_index.terms_text(n.index_tokens)))
    return rows, words


def filing_row(
    f: Filing,
    fid: str,
    mk: str | None,
    extra: dict[str, Any],
    alt: list[str],
    observed: str,
    payload_id: int | None,
    url: str | None = None,
) -> dict[str, Any]:
    return {
        "id": fid,
        "source": f.source,
        "source_id": "",  # read from id (schema.py)
        "authority": f.authority,
        "jurisdiction": f.jurisdiction,
        "case_ref": f.case_ref,
        "title": f.title,
        "status": f.status.value,
        "status_raw": f.status_raw,
        "status_date": iso(f.status_date),
        "detail": f.detail,
        "url": url or f.url,
        "deadline": iso(f.deadline),
        "published_at": iso(f.published_at),
        # NULL when it is the publication time (0009): it is only ever read as `updated_at or published_at`
        "updated_at": None if f.updated_at == f.published_at else iso(f.updated_at),
        "match_key": mk,
        "alt_ids": alt,
        "extra": extra,
        "content_hash": content_digest(f),
        "first_seen": observed,
        "last_changed": observed,
        "payload_id": payload_id,
        "parser_version": f.parser_version,
        # The payload's events and the current status (what all_events() adds); the store recounts it in SQL
        # for a stored filing, whose older events count too (_recount_tells).
        "tells": tells(
            extra,
            [(e.status.value if e.status else None, e.detail) for e in f.events] + [(f.status.value, f.detail)],
        ),
    }


def event_rows(events: list[StatusEvent], known: set[str], url: str | None) -> list[tuple[Any, ...]]:
    """New events as rows (EVENT_COLS but the filing, the observation time and the payload); an event whose
    url is the filing's stores NULL (reader.event_url), one without '', and the usual basis ("structured") ''."""
    rows = []
    for ev in events:
        k = event_key(ev)
        if k in known:
            continue
        known.add(k)
        status, date, deadline = ev.status._value_ if ev.status else None, iso(ev.date), iso(ev.deadline)
        basis = stored_basis(ev.basis, ev.date_precision)
        rows.append(_event_row(k, status, ev.status_raw, ev.detail, date, deadline, basis, ev.url, url))
    return rows


def stored_basis(basis: str, precision: str | None) -> str:
    """The basis column keeps an event's date precision beside it where its source gave less than a day ("text:month",
    "text:none" for prose, "structured:month" for a report dated by month; columns.event_record splits it): no column
    of its own for a handful of events."""
    return f"{basis}:{precision}" if precision in ("month", "none") else basis


def _event_row(
    k: str, status: str | None, raw: str, detail: str | None, date: str | None, deadline: str | None, basis: str,
    ev_url: str | None, url: str | None,
) -> tuple[Any, ...]:  # fmt: skip
    # The usual basis ("structured") is stored as '' (schema.py), the filing's url as NULL (reader.event_url).
    stored_url = None if ev_url == url and url else (ev_url or "")
    return (k, status, raw, detail, date, deadline, "" if basis == "structured" else basis, stored_url)


def current_event_rows(f: Filing, url: str | None) -> list[tuple[Any, ...]]:
    """event_rows(f.all_events(), set(), url), made without building the events when the record's payload carries
    none and no deadline (every FTC notice): its current status is then its one event (a fourth of the time)."""
    if f.events or f.deadline is not None:
        return event_rows(f.all_events(), set(), url)
    status, date = f.status._value_, iso(f.status_date)
    k = _key_digest((status, f.status_raw, date or "", ""))
    return [_event_row(k, status, f.status_raw, f.detail, date, None, "structured", f.url, url)]


# One encoder for every row: json.dumps with any option builds a new one per call (a third of its time).
_compact = json.JSONEncoder(separators=(",", ":")).encode


def json_text(value: Any) -> str:
    """JSON text as the store writes it: without the spaces after separators (0009)."""
    return _compact(value) if value else ("[]" if isinstance(value, list) else "{}")


def target_names(f: Filing) -> list[str]:
    """The names of a record's target parties, in their order (extra_codec)."""
    return [p.name for p in f.parties if p.role == "target"]


def as_stored(row: dict[str, Any], new: bool, targets: list[str]) -> dict[str, Any]:
    """A filings row as the table keeps it (a copy: the caller's row goes on with the url its events compare
    with): the source's own url of the record as '', a new filing's last_changed as '' (it is first_seen), and
    its extra without what its case_ref and ``targets`` (of the parties written with it) repeat (extra_codec)."""
    out = dict(row)
    out["url"] = store_url(row["source"], row["id"][len(row["source"]) + 1 :], row["url"])
    out["extra"] = stored_extra(row["source"], row["extra"], row["case_ref"], targets)
    if new:
        out["last_changed"] = ""
    return out
