"""Time on a deal's timeline: days between events, days spent in the current phase, and which filings of the
same parties are one transaction and which are separate ones.

Pure functions over records in the ``show --json`` shape; ``today`` is a parameter so answers are testable.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from mergerwatch.core import registry
from mergerwatch.core.vocabulary import OPEN, status_label
from mergerwatch.query.facts import phase_of

if TYPE_CHECKING:  # the typed records are for reading the code: nothing to load
    from mergerwatch.core.records import FilingRecord, Row

# Filings of the same parties further apart than this (from one's last event to the other's first), with no
# case in common, are separate transactions; closer ones are one deal reviewed by several authorities (an EC
# notification can follow an HSR filing by months, a CMA call-in by more).
SAME_DEAL_WINDOW_DAYS = 540


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def annotate_durations(rec: FilingRecord, today: date | None = None) -> FilingRecord:
    """Each dated event gains ``days_after_previous`` (days since the filing's previous dated event); an open
    review gains ``elapsed``: its phase, the date the current stage began and the days since then."""
    today = today or date.today()
    previous: date | None = None
    for ev in rec.get("events") or []:
        d = _day(ev.get("date"))
        ev["days_after_previous"] = (d - previous).days if d and previous else None
        if d:
            previous = d
    if rec.get("status") in OPEN:
        since = stage_began(rec)
        if since:
            rec["elapsed"] = {
                "phase": phase_of(rec),
                "stage": status_label(rec["status"], rec.get("detail")),
                "since": since.isoformat(),
                "days": (today - since).days,
            }
    return rec


def stage_began(rec: Row) -> date | None:
    """When the record entered its current status: the first event of the last unbroken run of events with
    that status (informational events in between do not break it); else the status date."""
    began = None
    for ev in rec.get("events") or []:
        if not ev.get("status"):
            continue
        if ev["status"] == rec["status"]:
            began = began or _day(ev.get("date"))
        else:
            began = None
    return began or _day(rec.get("status_date"))


def span(rec: Row) -> tuple[date | None, date | None]:
    """The first and last dates a record shows (events, status date, notification)."""
    days = [d for d in (_day(ev.get("date")) for ev in rec.get("events") or []) if d]
    extra = rec.get("extra") or {}
    for value in (rec.get("status_date"), extra.get("notification_date"), extra.get("opened_date")):
        d = _day(value)
        if d:
            days.append(d)
    return (min(days), max(days)) if days else (None, None)


def group_deals(records: list[FilingRecord], window_days: int = SAME_DEAL_WINDOW_DAYS) -> list[dict[str, Any]]:
    """Split the filings naming all the parties into transactions, oldest first, each with its reasons.

    - Filings with the same case at one authority are one deal.
    - Two different cases at one authority are two deals (an authority reviews a transaction once; a second
      case of the same parties is another transaction). Only review cases count (a source whose profile says its
      case references name reviews): press releases, notices and filings carry document numbers, several to a case.
    - Otherwise a filing joins the deal whose dates it falls within ``window_days`` of (a review at several
      authorities, a press release about a case); one further away starts a new deal.
    Undated filings join the newest deal (they cannot be placed in time)."""
    dated = []
    undated = []
    for r in records:
        lo, hi = span(r)
        (dated if lo else undated).append((lo, hi, r))
    dated.sort(key=lambda x: (x[0], x[2]["id"]))
    deals: list[dict[str, Any]] = []
    for lo, hi, r in dated:
        key = _case_key(r)
        target, why = None, ""
        if key:
            for d in deals:
                if key in d["_cases"]:
                    target, why = d, f"same {r['authority']} case {r['case_ref']}"
                    break
        if target is None:
            for d in reversed(deals):
                if key and any(c[0] == key[0] for c in d["_cases"]):
                    continue  # that deal already has another case at this authority
                gap = (lo - d["_to"]).days
                if gap <= window_days:
                    target = d
                    others = ", ".join(sorted({a for a in d["_authorities"]}))
                    why = f"{r['authority']} {r.get('case_ref') or r['id']} within {max(gap, 0)} days of {others}"
                    break
        if target is None:
            target = {"_cases": set(), "_authorities": set(), "_from": lo, "_to": hi, "filings": [], "reasons": []}
            if deals:
                prev = deals[-1]
                if key and any(c[0] == key[0] for c in prev["_cases"]):
                    why = f"a separate transaction: another {r['authority']} case ({r.get('case_ref')})"
                else:
                    why = f"a separate transaction: {(lo - prev['_to']).days} days after the previous one"
            deals.append(target)
        if key:
            target["_cases"].add(key)
        target["_authorities"].add(r["authority"])
        target["_from"] = min(target["_from"], lo)
        target["_to"] = max(target["_to"], hi or lo)
        target["filings"].append(r)
        if why:
            target["reasons"].append(why)
    if undated:
        if not deals:
            deals.append({"_cases": set(), "_authorities": set(), "_from": None, "_to": None, "filings": [],
                          "reasons": []})  # fmt: skip
        deals[-1]["filings"].extend(r for _lo, _hi, r in undated)
        deals[-1]["reasons"].append(f"{len(undated)} undated filing(s) placed with the newest deal")
    out = []
    for d in deals:
        out.append(
            {
                "from": d["_from"].isoformat() if d["_from"] else None,
                "to": d["_to"].isoformat() if d["_to"] else None,
                "filings": d["filings"],
                "reasons": d["reasons"] or ["one filing" if len(d["filings"]) == 1 else "one deal"],
            }
        )
    return out


def _case_key(r: Row) -> tuple[str, str] | None:
    ref = str(r.get("case_ref") or "").strip()
    prof = registry.profile(str(r.get("source") or ""))
    if not ref or prof is None or not prof.reviews:
        return None
    if prof.not_reviews and re.match(prof.not_reviews, ref, re.I):
        return None  # a step before a review (an ACCC waiver application): placed by its dates
    return (str(r["authority"]).upper(), ref.upper())
