"""`mergerwatch stats`: per authority and year (or sector, procedure, phase), cases and their outcomes, Phase 2
openings and the days from notification to decision. Filings with nothing to tell beyond their headline are counted
in groups by SQL (every FTC notice), the others read one by one."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from mergerwatch.core.vocabulary import OPEN, outcome_of
from mergerwatch.query.facts import decided_on, notified_on, phase_of, sectors_of
from mergerwatch.query.listing import Filters, passes, sql_filters
from mergerwatch.store.read.reader import as_reader

if TYPE_CHECKING:  # the typed records are for reading the code: nothing to load
    from mergerwatch.core.records import Row, StatsRow


def stat_rows(db: Any, f: Filters) -> list[Row]:
    """What `stats` counts: the filings with something to tell beyond their headline (a notification date, a
    phase, a procedure, a sector, a telling event) as rows, and all the others as groups counted in SQL by
    authority, status, detail and year (``count``, ``year``): a whole authority of FTC notices is a few dozen
    groups, not 100,000 rows, counted from an index the store keeps (filings.tells)."""
    store = as_reader(db)
    statuses, ids, between = sql_filters(store, f)
    lo, hi = (f.since.isoformat() if f.since else None), (f.until.isoformat() if f.until else None)
    telling, plain = store.stat_groups(f.authorities, statuses, ids, between)
    rows = [r for r in store.filing_rows(ids=telling, facts=True) if passes(r, f, lo, hi)]
    if f.procedure or f.sector or (f.by == "notified" and (lo or hi)):
        return rows  # a plain filing has no procedure, sector or notification date: none passes
    for grp in plain:
        rec = {**grp, "status_date": None, "extra": {}, "events": []}
        if f.phase is None or phase_of(rec) == f.phase:
            rows.append(rec)
    return rows


# The outcomes counted, each a column: an HSR waiting period that ended is not a clearance (vocabulary.py), a
# challenge is the agencies' own outcome, and "closed" is every other ending (no jurisdiction, revoked, ...).
OUTCOMES = ("cleared", "cleared_with_remedies", "waiting_period_ended", "challenged", "prohibited", "abandoned",
            "referred", "closed")  # fmt: skip
_CLOSED = ("closed", "closed_no_jurisdiction", "revoked", "dissolution_ordered")


def outcome_column(r: Row) -> str | None:
    """The column of OUTCOMES a filing counts in (None: open or undetermined)."""
    o = outcome_of(r["status"], r.get("detail"))
    return "closed" if o in _CLOSED else o


def _quantile(values: list[int], q: float) -> float | None:
    """The q-quantile by linear interpolation between the closest ranks (q=0.5 is the median)."""
    if not values:
        return None
    v = sorted(values)
    pos = (len(v) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return round(v[lo] + (v[hi] - v[lo]) * (pos - lo), 1)


def duration_days(rec: Row) -> int | None:
    """Days from notification to the decision; None while undecided or when no notification date is known
    (an FTC early-termination notice is dated only by its grant: no duration can be told)."""
    decided = decided_on(rec)
    start = notified_on(rec)
    if not decided or not start or start > decided:
        return None
    return (date.fromisoformat(decided[:10]) - date.fromisoformat(start[:10])).days


def statistics(records: list[Row], by: str = "year") -> list[StatsRow]:
    """Per authority and year (or sector, procedure, phase): cases, outcomes as counts and shares, Phase 2 openings,
    and the median and 90th-percentile duration from notification to decision, per phase."""
    groups: dict[tuple[str, str], list[tuple[Row, int | None, int | None, int]]] = {}
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
        counts = dict.fromkeys(OUTCOMES, 0)
        for r, _p, _d, w in recs:
            col = outcome_column(r)
            if col in counts:
                counts[col] += w
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
