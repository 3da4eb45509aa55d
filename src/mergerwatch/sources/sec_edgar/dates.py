"""Dates as companies and reporters write them, read with how precise each is: "May 29, 2018", "29 May 2018",
"5/29/2018", "Aug. 12" and "(22 February)" with the year of the document, "In December 2025" and "early September"
(a month), "on Monday" and "today" against the document's date, "late last month". Stdlib only; no date library:
every form here is a handful of patterns, and a general parser reads "May" in "may be terminated" as a date.

Must not import the rest of the source: events.py and records.py call it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"

# Each form, most specific first; a span read by one is not read again by a later one.
_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("mdy", re.compile(rf"\b({_MONTH})\s*{_DAY}(?!\d)(?:,\s*|\s+)(\d{{4}})\b")),  # "May 29, 2018", "August2, 2017"
    ("dmy", re.compile(rf"\b{_DAY}\s+({_MONTH})\s*,?\s*(\d{{4}})\b")),  # "29 May 2018", "13 February 2015"
    ("numeric", re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")),  # "5/29/2018"
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("month_year",
     re.compile(rf"\b(?:((?i:early|mid|late|the end of|the beginning of))[- ]+)?({_MONTH})\s+(?:of\s+)?(\d{{4}})\b")),
    ("md", re.compile(rf"\b({_MONTH})\s*{_DAY}(?![\d,]*\s*\d{{4}})(?!\d)")),  # "Aug. 12", "July 16", "Feb. 22"
    ("dm", re.compile(rf"\b{_DAY}\s+({_MONTH})\b(?!\s*,?\s*\d{{4}})")),  # "(22 February)"
    ("in_month", re.compile(rf"\b(?i:in|during|since|early|late|mid|until)[- ]+({_MONTH})(?![\w.]*\s*\d)")),
    ("weekday", re.compile(r"\b(?:on\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", re.I)),
    ("relative", re.compile(r"\b(today|yesterday|(?:late |early )?last month|earlier this month)\b", re.I)),
)  # fmt: skip


@dataclass(frozen=True)
class DateHit:
    start: int
    end: int
    date: date
    precision: str  # "day" or "month"


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")[:4] if word.lower().startswith("sept") else word.lower().rstrip(".")[:3]]


def _year_for(month: int, day: int, doc: date | None) -> int | None:
    """The year of a date written without one: the document's, or the one before when that puts the date well
    after the document ("Dec. 26" in a filing of 5 January)."""
    if doc is None:
        return None
    try:
        candidate = date(doc.year, month, min(day, 28) if month == 2 and day == 29 else day)
    except ValueError:
        return None
    return doc.year - 1 if candidate > doc + timedelta(days=7) else doc.year


def read_dates(text: str, doc: date | None = None) -> list[DateHit]:
    """Every date written in ``text``, in order, with its precision; forms without a year (or a weekday, "today")
    need the document's date and are left out without it."""
    hits: list[DateHit] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _FORMS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            hit = _hit(kind, m, doc)
            if hit is not None:
                hits.append(hit)
                taken.append((m.start(), m.end()))
    return sorted(hits, key=lambda h: h.start)


def _hit(kind: str, m: re.Match[str], doc: date | None) -> DateHit | None:
    try:
        if kind == "mdy":
            return DateHit(m.start(), m.end(), date(int(m.group(3)), _month(m.group(1)), int(m.group(2))), "day")
        if kind == "dmy":
            return DateHit(m.start(), m.end(), date(int(m.group(3)), _month(m.group(2)), int(m.group(1))), "day")
        if kind == "numeric":
            y = int(m.group(3))
            y = y + (2000 if y < 70 else 1900) if y < 100 else y
            return DateHit(m.start(), m.end(), date(y, int(m.group(1)), int(m.group(2))), "day")
        if kind == "iso":
            return DateHit(m.start(), m.end(), date(int(m.group(1)), int(m.group(2)), int(m.group(3))), "day")
        if kind == "month_year":
            return DateHit(m.start(), m.end(), date(int(m.group(3)), _month(m.group(2)), 1), "month")
        if kind in ("md", "dm"):
            mon, day = (m.group(1), m.group(2)) if kind == "md" else (m.group(2), m.group(1))
            year = _year_for(_month(mon), int(day), doc)
            return None if year is None else DateHit(m.start(), m.end(), date(year, _month(mon), int(day)), "day")
        if kind == "in_month":
            mon = _month(m.group(1))
            if doc is None:
                return None
            year = doc.year if mon <= doc.month else doc.year - 1
            return DateHit(m.start(), m.end(), date(year, mon, 1), "month")
        if kind == "weekday":
            if doc is None:
                return None
            back = (doc.weekday() - _WEEKDAYS.index(m.group(1).lower())) % 7
            return DateHit(m.start(), m.end(), doc - timedelta(days=back), "day")
        if kind == "relative":
            if doc is None:
                return None
            word = m.group(1).lower()
            if word == "today":
                return DateHit(m.start(), m.end(), doc, "day")
            if word == "yesterday":
                return DateHit(m.start(), m.end(), doc - timedelta(days=1), "day")
            if "this month" in word:
                return DateHit(m.start(), m.end(), doc.replace(day=1), "month")
            last = doc.replace(day=1) - timedelta(days=1)
            return DateHit(m.start(), m.end(), last.replace(day=1), "month")
    except (KeyError, ValueError):
        return None
    return None


def document_date(text: str) -> date | None:
    """A date given as a document's own, possibly in part ("2021-08", "2015"): the last day it can be, since
    the document is dated at latest then (a date without a year in its text takes the year that fits)."""
    parts = [int(p) for p in re.findall(r"\d+", text)[:3]]
    if not parts:
        return None
    try:
        if len(parts) == 1:
            return date(parts[0], 12, 31)
        if len(parts) == 2:
            nxt = date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
            return nxt - timedelta(days=1)
        return date(parts[0], parts[1], parts[2])
    except ValueError:
        return None
