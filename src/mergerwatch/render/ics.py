"""`deadlines --ics`: an iCalendar file with one all-day event per deadline. Outside text is data here too:
icalendar escapes it, and only http(s) links are written."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from mergerwatch.core.textsafe import clean, safe_url
from mergerwatch.query.deadlines import describe

if TYPE_CHECKING:  # the typed records are for reading the code: nothing to load
    from mergerwatch.core.records import FilingRecord


def deadlines_ics(records: list[FilingRecord]) -> bytes:
    """An iCalendar file with one all-day event per deadline: authority, case, status, link. Outside text is
    data here too: icalendar escapes it, and only http(s) links are written."""
    from icalendar import Calendar, Event  # only here: no other command pays for it

    cal = Calendar()
    cal.add("prodid", "-//mergerwatch//deadlines//EN")
    cal.add("version", "2.0")
    for r in records:
        dl = r.get("next_deadline")
        if not dl:
            continue
        ev = Event()
        day = date.fromisoformat(dl["date"])
        ev.add("uid", f"{r['id']}:{dl['date']}@mergerwatch")
        ev.add("dtstamp", datetime.now(UTC))
        ev.add("dtstart", day)
        ev.add("dtend", day + timedelta(days=1))
        case = clean(r.get("case_ref") or "", one_line=True)
        check = "CHECK: " if dl.get("warnings") else ""  # a holiday list missing or provisional for the period
        ev.add(
            "summary",
            clean(f"{check}{r['authority']} {case}: {r['title']} — deadline ({dl['kind']})", one_line=True),
        )
        lines = [describe(dl), f"status: {r.get('status_label') or r['status']}", f"mergerwatch show {r['id']}"]
        url = safe_url(r.get("url") or "")
        if url:
            ev.add("url", url)
            lines.append(url)
        ev.add("description", clean("\n".join(lines)))
        cal.add_component(ev)
    return cal.to_ical()
