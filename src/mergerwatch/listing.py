"""`mergerwatch list`: filings by authority, status, phase, procedure, sector, party and date, in the
`show --json` record shape. The indexed columns (authority, status) are filtered in SQL; facts that live in a
source's `extra` (phase, procedure, sector, notification date) are read from the records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mergerwatch.core import registry
from mergerwatch.core.vocabulary import DECIDED, OPEN, STATUSES, detail_info
from mergerwatch.store.read.reader import as_reader

SORTS = ("date", "authority", "status", "deadline", "title")
__all__ = ["DECIDED", "OPEN", "STATUSES", "Filters", "list_filings", "phase_of", "statistics"]


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


def phase_of(rec: dict[str, Any]) -> int | None:
    """1 or 2 where the record shows which phase it reached (None for authorities without phases): its extra's
    phase, else what its status, its detail and its events tell (core/vocabulary.py DETAILS), else phase 1 at an
    authority whose cases run in phases."""
    extra, status = rec.get("extra") or {}, rec.get("status")
    if isinstance(extra.get("phase"), int):
        return int(extra["phase"])
    own = detail_info(rec.get("detail"))
    if status == "in_depth_review" or own.phase == 2:
        return 2
    for e in rec.get("events") or []:
        info = detail_info(e.get("detail"))
        if info.phase == 2 and info.tells:
            return 2
        if info.phase2_if_raw and info.phase2_if_raw in str(e.get("status_raw") or ""):
            return 2  # a withdrawn Phase II decision (Illumina / Grail): the case did reach Phase II
    if rec.get("authority") in registry.phased_authorities() or own.phase == 1:
        return 1
    return None


def notified_on(rec: dict[str, Any]) -> str | None:
    extra = rec.get("extra") or {}
    for key in ("notification_date", "opened_date"):
        if extra.get(key):
            return str(extra[key])[:10]
    dates = [e["date"] for e in rec.get("events") or [] if e.get("status") == "notified" and e.get("date")]
    return min(dates) if dates else None


def decided_on(rec: dict[str, Any]) -> str | None:
    return rec.get("status_date") if rec.get("status") in DECIDED else None


def sectors_of(rec: dict[str, Any]) -> list[str]:
    extra = rec.get("extra") or {}
    out = [str(s) for s in extra.get("market_sector") or []]
    for s in extra.get("nace") or []:
        if isinstance(s, dict):
            out += [str(v) for v in (s.get("code"), s.get("label")) if v]
    out += [str(s) for s in extra.get("nace_codes") or []]
    return out


def _when(rec: dict[str, Any], by: str) -> str | None:
    if by == "notified":
        return notified_on(rec)
    if by == "seen":
        return str(rec.get("first_seen") or "")[:10] or None
    return decided_on(rec)


def _needs_facts(f: Filters) -> bool:
    """Whether a filter or the sort reads what only the record's extra and events tell."""
    dated = bool(f.since or f.until) or f.sort == "date"
    return f.phase is not None or bool(f.procedure) or bool(f.sector) or (f.by == "notified" and dated)


def _sql_filters(
    store: Any, f: Filters
) -> tuple[list[str], list[str] | None, tuple[str, str | None, str | None] | None]:
    """What of ``f`` SQL can filter: statuses, the party's filings, a decided/seen date range."""
    statuses = list(f.statuses) + (list(OPEN) if f.open_only else [])
    ids = None
    if f.party:
        from mergerwatch.deals import find_company

        ids = list(find_company(store, f.party).by_filing)
    lo, hi = (f.since.isoformat() if f.since else None), (f.until.isoformat() if f.until else None)
    between = None
    if lo or hi:
        if f.by == "decided":
            statuses = [s for s in (statuses or DECIDED) if s in DECIDED] or ["-"]  # undecided: no decision date
            between = ("status_date", lo, hi)
        elif f.by == "seen":
            between = ("first_seen", lo, hi)
    return statuses, ids, between


def _passes(rec: dict[str, Any], f: Filters, lo: str | None, hi: str | None) -> bool:
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


def list_filings(db: Any, f: Filters, facts_only: bool = False) -> list[dict[str, Any]]:
    """The filings that pass every filter, sorted and cut to the limit, as whole records in the `show --json`
    shape; with ``facts_only`` as the lighter rows `stats` counts on (headline, detail, the extra keys and events
    that tell phase, notification, procedure and sector). Authority, status and decided/seen dates are filtered
    in SQL; the rest on the rows; whole records are read only for what is printed."""
    store = as_reader(db)
    statuses, ids, between = _sql_filters(store, f)
    lo, hi = (f.since.isoformat() if f.since else None), (f.until.isoformat() if f.until else None)
    facts = facts_only or _needs_facts(f)
    # Without filters on the rows, SQL sorts and cuts (the same order as the sort below: newest first, the
    # table's order breaking ties); whole records are then read for the page printed only.
    order = None
    if not facts and ids is None and (f.sort == "deadline" or (f.sort == "date" and f.by in ("decided", "seen"))):
        order = "deadline" if f.sort == "deadline" else f.by
    rows = store.filing_rows(f.authorities, statuses, ids, between, facts=facts, order=order, limit=f.limit)
    out = [rec for rec in rows if _passes(rec, f, lo, hi)]
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


def stat_rows(db: Any, f: Filters) -> list[dict[str, Any]]:
    """What `stats` counts: the filings with something to tell beyond their headline (a notification date, a
    phase, a procedure, a sector, a telling event) as rows, and all the others as groups counted in SQL by
    authority, status, detail and year (``count``, ``year``): a whole authority of FTC notices is a few dozen
    groups, not 100,000 rows, counted from an index the store keeps (filings.tells)."""
    store = as_reader(db)
    statuses, ids, between = _sql_filters(store, f)
    lo, hi = (f.since.isoformat() if f.since else None), (f.until.isoformat() if f.until else None)
    telling, plain = store.stat_groups(f.authorities, statuses, ids, between)
    rows = [r for r in store.filing_rows(ids=telling, facts=True) if _passes(r, f, lo, hi)]
    if f.procedure or f.sector or (f.by == "notified" and (lo or hi)):
        return rows  # a plain filing has no procedure, sector or notification date: none passes
    for grp in plain:
        rec = {**grp, "status_date": None, "extra": {}, "events": []}
        if f.phase is None or phase_of(rec) == f.phase:
            rows.append(rec)
    return rows


CSV_COLUMNS = ("id", "authority", "case_ref", "status", "status_label", "status_date", "notified", "phase",
               "procedure", "deadline", "title", "url")  # fmt: skip


def csv_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
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


OUTCOMES = ("cleared", "cleared_with_remedies", "prohibited", "abandoned", "referred")


def _quantile(values: list[int], q: float) -> float | None:
    """The q-quantile by linear interpolation between the closest ranks (q=0.5 is the median)."""
    if not values:
        return None
    v = sorted(values)
    pos = (len(v) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return round(v[lo] + (v[hi] - v[lo]) * (pos - lo), 1)


def duration_days(rec: dict[str, Any]) -> int | None:
    """Days from notification to the decision; None while undecided or when no notification date is known
    (an FTC early-termination notice is dated only by its grant: no duration can be told)."""
    decided = decided_on(rec)
    start = notified_on(rec)
    if not decided or not start or start > decided:
        return None
    return (date.fromisoformat(decided[:10]) - date.fromisoformat(start[:10])).days


def statistics(records: list[dict[str, Any]], by: str = "year") -> list[dict[str, Any]]:
    """Per authority and year (or sector, procedure, phase): cases, outcomes as counts and shares, Phase 2 openings,
    and the median and 90th-percentile duration from notification to decision, per phase."""
    groups: dict[tuple[str, str], list[tuple[dict[str, Any], int | None, int | None, int]]] = {}
    for r in records:
        # Each record's facts once (phase_of reads its events); a group counted in SQL (stat_rows) weighs its
        # count and has no notification date, so no duration.
        weight = int(r.get("count", 1))
        phase, days = phase_of(r), (None if "count" in r else duration_days(r))
        if by == "year":
            when = (r.get("year") or "") if "count" in r else (decided_on(r) or notified_on(r) or r.get("status_date"))
            keys = [(when or "")[:4] or "undated"]
        elif by == "sector":
            keys = sectors_of(r)[:1] or ["no sector"]
        elif by == "procedure":
            keys = [str((r.get("extra") or {}).get("procedure") or "not stated")]
        else:
            keys = [f"phase {phase}" if phase else "no phase"]
        for k in keys:
            groups.setdefault((r["authority"], k), []).append((r, phase, days, weight))
    out = []
    for (authority, key), recs in sorted(groups.items()):
        n = sum(w for _r, _p, _d, w in recs)
        counts = {o: sum(w for r, _p, _d, w in recs if r["status"] == o) for o in OUTCOMES}
        phase2 = sum(w for _r, p, _d, w in recs if p == 2)
        durations: dict[str, dict[str, Any]] = {}
        for ph in (1, 2):
            d = [x for _r, p, x, _w in recs if p == ph and x is not None]
            if d:
                durations[f"phase_{ph}"] = {
                    "n": len(d),
                    "median_days": _quantile(d, 0.5),
                    "p90_days": _quantile(d, 0.9),
                }
        out.append(
            {
                "authority": authority,
                by: key,
                "cases": n,
                "open": sum(w for r, _p, _d, w in recs if r["status"] in OPEN),
                "outcomes": counts,
                "shares": {o: round(c / n, 3) for o, c in counts.items()},
                "phase_2_opened": phase2,
                "phase_2_share": round(phase2 / n, 3),
                "durations": durations,
            }
        )
    return out
