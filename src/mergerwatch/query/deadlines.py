"""The next deadline of an open review: published where the authority publishes one, computed otherwise.

Works on stored filing records (the dicts `show --json` prints). A computed deadline says what it was computed
from; where a published one exists too and they disagree, both are shown and the published one wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from mergerwatch.core import registry
from mergerwatch.core.vocabulary import OPEN, with_labels
from mergerwatch.query import clocks
from mergerwatch.store.read.reader import as_reader

if TYPE_CHECKING:  # the typed records are for reading the code: nothing to load
    from mergerwatch.core.records import FilingRecord, NextDeadline, Row

__all__ = ["OPEN", "add_deadline", "describe", "next_deadline", "open_reviews"]


def _d(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _computed(rec: Row) -> tuple[clocks.Clock, str] | None:
    """The statutory clock that applies to the record's current stage (its source's ClockRule), and what it was
    computed from."""
    prof = registry.profile(str(rec.get("source") or ""))
    if prof is None:
        return None
    status, extra = rec.get("status"), rec.get("extra") or {}
    events = [e for e in rec.get("events") or [] if e.get("date")]
    for rule in prof.clocks:
        if status not in rule.statuses:
            continue
        start_detail = None
        if rule.start_extra:
            start = _d(extra.get(rule.start_extra))
        else:
            found = [e for e in events if e.get("detail") in rule.start_events]
            if not found:
                continue
            chosen = found[0] if rule.first else found[-1]
            start, start_detail = _d(chosen["date"]), chosen.get("detail")
            later = [e for e in events if e.get("detail") in rule.ended_by]
            if later and later[-1]["date"] >= chosen["date"]:
                continue
        if start is None:
            continue
        refiled = start_detail in rule.refiled_by
        options = {opt: extra[key] for opt, key in rule.options_extra if isinstance(extra.get(key), int)}
        clock = clocks.compute(rule.regime, start, refiled=refiled, **options)
        basis = (rule.refiled_basis if refiled else rule.basis).format(date=start)
        return clock, basis
    return None


def next_deadline(rec: Row, today: date | None = None) -> NextDeadline | None:
    """The open review's next deadline with "day N of M" where a statutory clock applies; None when closed."""
    if rec.get("status") not in OPEN:
        return None
    today = today or date.today()
    published = _d(rec.get("deadline"))
    comp = _computed(rec)
    out: dict[str, Any] | None = None
    if published:
        out = {"date": published.isoformat(), "kind": "published"}
    if comp:
        clock, basis = comp
        computed = {"date": clock.end.isoformat(), "regime": clock.regime, "from": basis, "basis": clock.basis}
        if clock.warnings:
            computed["warnings"] = clock.warnings
        if out is None:
            out = {"date": clock.end.isoformat(), "kind": "computed", **computed}
        elif clock.end != published:
            out["computed"] = computed
            out["disagreement"] = (
                f"the statutory clock gives {clock.end} ({basis}); the authority publishes {published}, which wins"
            )
        out.update(_progress(clock, today))
    if out is None:
        return None
    end = date.fromisoformat(out["date"])
    delta = (end - today).days
    out["in_days"] = delta
    out["when"] = f"in {delta} day{'s' if delta != 1 else ''}" if delta >= 0 else f"overdue by {-delta} days"
    return out


def _progress(clock: clocks.Clock, today: date) -> dict[str, Any]:
    """Day N of M of the period (working days where the period counts working days)."""
    if today < clock.start:
        return {}
    if clock.calendar:  # a period of working (business) days: counted on its own calendar
        n, d = 0, clock.start
        while d < min(today, clock.end):
            d += timedelta(days=1)
            if clocks._is_working(d, clock.calendar, set()):
                n += 1
        return {"day": n, "of": clock.days, "unit": clock.unit}
    if clock.unit == "weeks":
        return {"day": (min(today, clock.end) - clock.start).days + 1, "of": (clock.end - clock.start).days + 1,
                "unit": "calendar days"}  # fmt: skip
    if clock.unit in ("month", "months"):  # counted in calendar days: "day 40 of 5 months" reads wrong
        return {"day": (min(today, clock.end) - clock.start).days, "of": (clock.end - clock.start).days,
                "unit": "calendar days"}  # fmt: skip
    return {"day": (min(today, clock.end) - clock.start).days, "of": clock.days, "unit": clock.unit}


def describe(dl: NextDeadline) -> str:
    """One line for the terminal: "2026-12-14 (published; in 12 days; day 13 of 25 working days)"."""
    parts = [dl["kind"], dl["when"]]
    if "day" in dl:
        parts.append(f"day {dl['day']} of {dl['of']} {dl['unit']}")
    if dl["kind"] == "computed":
        parts.append(f"from {dl['from']}")
    text = f"{dl['date']} ({'; '.join(parts)})"
    if dl.get("disagreement"):
        text += f" — {dl['disagreement']}"
    for w in dl.get("warnings") or ():
        text += f" — {w}"
    return text


def add_deadline(rec: FilingRecord, today: date | None = None) -> FilingRecord:
    """An open review's next deadline (published or computed, "day N of M"), on the record itself."""
    dl = next_deadline(rec, today)
    if dl is not None:
        rec["next_deadline"] = dl
    return rec


def open_reviews(db: Any, within_days: int | None = None, ids: Sequence[str] | None = None) -> list[FilingRecord]:
    """Open reviews with their next deadline, soonest first (those without one last)."""
    store = as_reader(db)
    found = [r["id"] for r in store.filing_rows(statuses=OPEN, ids=ids)]
    out = []
    for rec in store.filing_records(found):
        with_labels(add_deadline(rec))
        dl = rec.get("next_deadline")
        if within_days is not None and (dl is None or dl["in_days"] > within_days):
            continue
        out.append(rec)
    out.sort(key=lambda r: (r.get("next_deadline") is None, (r.get("next_deadline") or {}).get("date", ""), r["id"]))
    return out
