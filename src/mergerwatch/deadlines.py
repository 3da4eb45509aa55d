"""The next deadline of an open review: published where the authority publishes one, computed otherwise.

Works on stored filing records (the dicts `show --json` prints). A computed deadline says what it was computed
from; where a published one exists too and they disagree, both are shown and the published one wins.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mergerwatch import clocks

OPEN = ("pre_notification", "notified", "under_review", "in_depth_review")


def _d(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _computed(rec: dict[str, Any]) -> tuple[clocks.Clock, str] | None:
    """The statutory clock that applies to the record's current stage, and what it was computed from."""
    status, extra, authority = rec.get("status"), rec.get("extra") or {}, rec.get("authority")
    events = [e for e in rec.get("events") or [] if e.get("date")]
    if rec.get("source") == "ec-mergers":
        if status == "in_depth_review":
            opened = next((_d(e["date"]) for e in reversed(events) if e.get("detail") == "ec_art_6_1_c"), None)
            if opened:
                return clocks.eu_phase2(opened), f"Phase II opened {opened} (Art. 6(1)(c))"
            return None
        notified = _d(extra.get("notification_date"))
        if status == "notified" and notified:
            return clocks.eu_phase1(notified), f"notified {notified}"
        return None
    if rec.get("source") == "cma-mergers":
        if status == "in_depth_review":
            ref = next((_d(e["date"]) for e in reversed(events) if e.get("detail") == "cma_phase_2_reference"), None)
            if ref:
                return clocks.uk_phase2(ref), f"reference to Phase 2 {ref}"
            return None
        launch = next((_d(e["date"]) for e in events if e.get("detail") == "cma_phase_1_launch"), None)
        if launch and status in ("notified", "under_review"):
            # the launch can precede the formal start of Phase 1 (the published deadline then wins)
            return clocks.uk_phase1(launch), f"launch of the merger inquiry {launch} (the formal start may be later)"
        return None
    if rec.get("source") == "sec-edgar" and authority in ("FTC", "DOJ", "US"):
        hsr = [e for e in events if e.get("detail") in ("hsr_filed", "hsr_pull_and_refile")]
        later = [e for e in events if e.get("detail") in ("hsr_second_request", "hsr_early_termination")]
        if hsr and status == "notified" and not (later and later[-1]["date"] >= hsr[-1]["date"]):
            start = _d(hsr[-1]["date"])
            if start:
                refiled = hsr[-1]["detail"] == "hsr_pull_and_refile"
                word = "refiled" if refiled else "HSR filing"
                return clocks.us_hsr(start, refiled=refiled), f"{word} {start} (disclosed by a party)"
    return None


def next_deadline(rec: dict[str, Any], today: date | None = None) -> dict[str, Any] | None:
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
    if clock.unit == "working days":
        regime = "eu" if clock.regime.startswith("eu") else "uk"
        n, d = 0, clock.start
        while d < min(today, clock.end):
            d += timedelta(days=1)
            if clocks._is_working(d, regime, set()):
                n += 1
        return {"day": n, "of": clock.days, "unit": clock.unit}
    if clock.unit == "weeks":
        return {"day": (min(today, clock.end) - clock.start).days + 1, "of": (clock.end - clock.start).days + 1,
                "unit": "calendar days"}  # fmt: skip
    return {"day": (min(today, clock.end) - clock.start).days, "of": clock.days, "unit": clock.unit}


def describe(dl: dict[str, Any]) -> str:
    """One line for the terminal: "2026-12-14 (published; in 12 days; day 13 of 25 working days)"."""
    parts = [dl["kind"], dl["when"]]
    if "day" in dl:
        parts.append(f"day {dl['day']} of {dl['of']} {dl['unit']}")
    if dl["kind"] == "computed":
        parts.append(f"from {dl['from']}")
    text = f"{dl['date']} ({'; '.join(parts)})"
    if dl.get("disagreement"):
        text += f" — {dl['disagreement']}"
    return text
