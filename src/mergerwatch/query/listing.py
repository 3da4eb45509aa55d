"""`mergerwatch list`: filings by authority, status, phase, procedure, sector, party and date, in the
`show --json` record shape. The indexed columns (authority, status) are filtered in SQL; facts that live in a
source's `extra` (phase, procedure, sector, notification date) are read from the records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from mergerwatch.core.lazy import lazy
from mergerwatch.core.vocabulary import DECIDED, OPEN
from mergerwatch.query.facts import decided_on, notified_on, phase_of, sectors_of
from mergerwatch.store.read.reader import as_reader

if TYPE_CHECKING:  # the typed records are for reading the code: nothing to load
    from mergerwatch.core.records import FilingRecord, Row

SORTS = ("date", "authority", "status", "deadline", "title")
# The name matcher (rapidfuzz) only for --party: the other filters never load it.
companies = lazy("mergerwatch.query.companies")


@dataclass
class Filters:
    authorities: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    open_only: bool = False
    phase: int | None = None
    procedure: str | None = None
    since: date | None = None
    until: date | None = None
    by: str = "decided"  # notified | decided | seen
    sector: str | None = None
    party: str | None = None
    sort: str = "date"
    limit: int | None = 50


def _when(rec: Row, by: str) -> str | None:
    if by == "notified":
        return notified_on(rec)
    if by == "seen":
        return str(rec.get("first_seen") or "")[:10] or None
    return decided_on(rec)


def _needs_facts(f: Filters) -> bool:
    """Whether a filter or the sort reads what only the record's extra and events tell."""
    dated = bool(f.since or f.until) or f.sort == "date"
    return f.phase is not None or bool(f.procedure) or bool(f.sector) or (f.by == "notified" and dated)


def sql_filters(
    store: Any, f: Filters
) -> tuple[list[str], list[str] | None, tuple[str, str | None, str | None] | None]:
    """What of ``f`` SQL can filter: statuses, the party's filings, a decided/seen date range."""
    statuses = list(f.statuses) + (list(OPEN) if f.open_only else [])
    ids = None
    if f.party:
        ids = list(companies.find_company(store, f.party).by_filing)
    lo, hi = (f.since.isoformat() if f.since else None), (f.until.isoformat() if f.until else None)
    between = None
    if lo or hi:
        if f.by == "decided":
            # undecided: no decision date
            statuses = [s for s in (statuses or DECIDED) if s in DECIDED or s == "waiting_period_ended"] or ["-"]
            between = ("status_date", lo, hi)
        elif f.by == "seen":
            between = ("first_seen", lo, hi)
    return statuses, ids, between


def passes(rec: Row, f: Filters, lo: str | None, hi: str | None) -> bool:
    """The filters SQL cannot apply: phase, procedure, sector, and the dates read from the record."""
    if f.phase is not None and phase_of(rec) != f.phase:
        return False
    if f.procedure and str((rec.get("extra") or {}).get("procedure") or "") != f.procedure:
        return False
    if f.sector and not any(f.sector.lower() in s.lower() for s in sectors_of(rec)):
        return False
    if lo or hi:
        when = _when(rec, f.by)
        if not when or (lo and when < lo) or (hi and when > hi):
            return False
    return True


def list_filings(db: Any, f: Filters, facts_only: bool = False) -> list[Any]:
    """The filings that pass every filter, sorted and cut to the limit, as whole records in the `show --json`
    shape; with ``facts_only`` as the lighter rows `stats` counts on (headline, detail, the extra keys and events
    that tell phase, notification, procedure and sector). Authority, status and decided/seen dates are filtered
    in SQL; the rest on the rows; whole records are read only for what is printed."""
    store = as_reader(db)
    statuses, ids, between = sql_filters(store, f)
    lo, hi = (f.since.isoformat() if f.since else None), (f.until.isoformat() if f.until else None)
    facts = facts_only or _needs_facts(f)
    # Without filters on the rows, SQL sorts and cuts (the same order as the sort below: newest first, the
    # table's order breaking ties); whole records are then read for the page printed only.
    order = None
    if not facts and ids is None and (f.sort == "deadline" or (f.sort == "date" and f.by in ("decided", "seen"))):
        order = "deadline" if f.sort == "deadline" else f.by
    rows = store.filing_rows(f.authorities, statuses, ids, between, facts=facts, order=order, limit=f.limit)
    out = [rec for rec in rows if passes(rec, f, lo, hi)]
    key = {
        "date": lambda r: (_when(r, f.by) or r.get("status_date") or "",),
        "authority": lambda r: (r["authority"], r.get("status_date") or ""),
        "status": lambda r: (r["status"], r.get("status_date") or ""),
        "deadline": lambda r: (r.get("deadline") or "9999",),
        "title": lambda r: (r["title"].lower(),),
    }[f.sort]
    out.sort(key=key, reverse=f.sort == "date")
    if f.limit:
        out = out[: f.limit]
    if facts_only:
        return out
    return store.filing_records([r["id"] for r in out])


CSV_COLUMNS = ("id", "authority", "case_ref", "status", "status_label", "status_date", "notified", "phase",
               "procedure", "deadline", "title", "url")  # fmt: skip


def csv_rows(records: list[FilingRecord]) -> list[dict[str, Any]]:
    return [
        {
            "id": r["id"],
            "authority": r["authority"],
            "case_ref": r.get("case_ref") or "",
            "status": r["status"],
            "status_label": r.get("status_label") or "",
            "status_date": r.get("status_date") or "",
            "notified": notified_on(r) or "",
            "phase": phase_of(r) or "",
            "procedure": (r.get("extra") or {}).get("procedure") or "",
            "deadline": r.get("deadline") or "",
            "title": r["title"],
            "url": r.get("url") or "",
        }
        for r in records
    ]
