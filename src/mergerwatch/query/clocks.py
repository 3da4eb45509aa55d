"""Statutory review clocks: when each review must end, counted as the statute counts.

Each rule is a small function with its legal basis beside it. Working days need holiday lists: the US federal and
England-and-Wales bank holidays follow fixed rules (computed here); the Commission's own public holidays are
decided year by year and published in the Official Journal, so they are shipped as data (``EC_HOLIDAYS``, with the
source of each year), and a period that runs through a year whose list is not shipped says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any


@dataclass
class Clock:
    regime: str
    start: date  # the event the period runs from (filing, notification, opening, reference)
    end: date  # the last day of the period
    days: int  # its length, in the unit of `unit`
    unit: str  # "calendar days", "working days", "weeks"
    basis: str  # the law that sets it
    counted: list[str] = field(default_factory=list)  # how it was counted, step by step
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "regime": self.regime,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "length": self.days,
            "unit": self.unit,
            "basis": self.basis,
            "counted": self.counted,
            "warnings": self.warnings,
        }


# --- holidays --------------------------------------------------------------------------------------------------


def easter(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    n = h + ell - 7 * m + 114
    return date(year, n // 31, n % 31 + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (1-based; -1 = last) given weekday (Monday 0) of a month."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


@cache
def us_federal_holidays(year: int) -> frozenset[date]:
    """Legal public holidays, 5 U.S.C. 6103(a), with the days observed in their place when one falls on a weekend
    (6103(b): Saturday -> the Friday before, Sunday -> the Monday after). Juneteenth from 2021."""
    fixed = [date(year, 1, 1), date(year, 7, 4), date(year, 11, 11), date(year, 12, 25)]
    if year >= 2021:
        fixed.append(date(year, 6, 19))
    days = set(fixed)
    for d in fixed:
        if d.weekday() == 5:
            days.add(d - timedelta(days=1))
        elif d.weekday() == 6:
            days.add(d + timedelta(days=1))
    days |= {
        _nth_weekday(year, 1, 0, 3),  # Birthday of Martin Luther King, Jr.
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        _nth_weekday(year, 5, 0, -1),  # Memorial Day
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 10, 0, 2),  # Columbus Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving Day
    }
    # 1 January of the next year observed on 31 December when it falls on a Saturday
    if date(year + 1, 1, 1).weekday() == 5:
        days.add(date(year, 12, 31))
    return frozenset(days)


# Bank holidays in England and Wales set by royal proclamation instead of (or besides) the usual rule.
_UK_MOVED = {
    1995: {date(1995, 5, 1): date(1995, 5, 8)},  # VE Day 50
    2002: {date(2002, 5, 27): date(2002, 6, 4)},  # Golden Jubilee
    2012: {date(2012, 5, 28): date(2012, 6, 4)},  # Diamond Jubilee
    2020: {date(2020, 5, 4): date(2020, 5, 8)},  # VE Day 75
    2022: {date(2022, 5, 30): date(2022, 6, 2)},  # Platinum Jubilee
}
_UK_EXTRA = {
    date(1999, 12, 31), date(2002, 6, 3), date(2011, 4, 29), date(2012, 6, 5), date(2022, 6, 3),
    date(2022, 9, 19), date(2023, 5, 8),
}  # fmt: skip


@cache
def england_wales_bank_holidays(year: int) -> frozenset[date]:
    """Bank holidays in England and Wales (Banking and Financial Dealings Act 1971, Sch. 1, and proclamations):
    New Year's Day, Good Friday, Easter Monday, the first and last Mondays of May, the last Monday of August,
    Christmas Day and Boxing Day, with substitute weekdays when those fall on a weekend."""
    e = easter(year)
    days = {
        e - timedelta(days=2),
        e + timedelta(days=1),
        _nth_weekday(year, 5, 0, 1),
        _nth_weekday(year, 5, 0, -1),
        _nth_weekday(year, 8, 0, -1),
    }
    ny = date(year, 1, 1)
    days.add(ny + timedelta(days={5: 2, 6: 1}.get(ny.weekday(), 0)))
    xmas, boxing = date(year, 12, 25), date(year, 12, 26)
    if xmas.weekday() == 5:  # Saturday: Christmas on Monday 27, Boxing Day on Tuesday 28
        days |= {date(year, 12, 27), date(year, 12, 28)}
    elif xmas.weekday() == 6:  # Sunday: Boxing Day on Monday 26, Christmas on Tuesday 27
        days |= {date(year, 12, 26), date(year, 12, 27)}
    elif xmas.weekday() == 4:  # Friday: Boxing Day on Monday 28
        days |= {xmas, date(year, 12, 28)}
    else:
        days |= {xmas, boxing}
    for old, new in _UK_MOVED.get(year, {}).items():
        days.discard(old)
        days.add(new)
    days |= {d for d in _UK_EXTRA if d.year == year}
    return frozenset(days)


# The Commission's public holidays (Brussels), as each year's list was published. Working days under Regulation
# 802/2004 Art. 24 are all days other than Saturdays, Sundays and these. Sources per year; weekend days omitted.
EC_HOLIDAYS: dict[int, tuple[str, tuple[str, ...]]] = {
    2014: (
        "Commission Decision of 21 December 2012 on public holidays in 2014, OJ C 39, 12.2.2013, p. 26",
        ("01-01", "01-02", "04-17", "04-18", "04-21", "05-01", "05-09", "05-29", "05-30", "06-09", "07-21",
         "08-15", "12-24", "12-25", "12-26", "12-29", "12-30", "12-31"),
    ),
    2017: (
        "European Commission public holidays 2017 as listed (with the Commission as source) in Wikipedia's "
        "'Public holidays in the European Union' (2017 snapshot); not checked against the OJ",
        ("01-02", "04-13", "04-14", "04-17", "05-01", "05-09", "05-25", "05-26", "06-05", "07-21", "08-15",
         "11-01", "11-02", "12-25", "12-26", "12-27", "12-28", "12-29"),
    ),
    2020: (
        "European Commission public holidays 2020 as listed (with the Commission as source) in Wikipedia's "
        "'Public holidays in the European Union' (2020 snapshot); not checked against the OJ",
        ("01-01", "01-02", "04-09", "04-10", "04-13", "05-01", "05-21", "05-22", "06-01", "07-21", "11-02",
         "12-24", "12-25", "12-28", "12-29", "12-30", "12-31"),
    ),
    2023: (
        "Commission Decision of 25 May 2021 on public holidays in 2023, OJ C 201 I, 28.5.2021, p. 2",
        ("01-02", "04-06", "04-07", "04-10", "05-01", "05-09", "05-18", "05-19", "05-29", "07-21", "08-15",
         "11-01", "11-02", "12-25", "12-26", "12-27", "12-28", "12-29"),
    ),
    2025: (
        "European Commission public holidays 2025 as listed in Wikipedia's 'Public holidays in the European "
        "Union' (third-party copy); not checked against the OJ",
        ("01-01", "01-02", "04-17", "04-18", "04-21", "05-01", "05-09", "05-29", "05-30", "06-09", "07-21",
         "08-15", "12-24", "12-25", "12-26", "12-29", "12-30", "12-31"),
    ),
}  # fmt: skip


@cache
def ec_holidays(year: int) -> frozenset[date] | None:
    entry = EC_HOLIDAYS.get(year)
    if entry is None:
        return None
    return frozenset(date(year, int(md[:2]), int(md[3:])) for md in entry[1])


# --- counting -----------------------------------------------------------------------------------------------------


def _is_working(d: date, regime: str, missing: set[int]) -> bool:
    if d.weekday() >= 5:
        return False
    if regime == "eu":
        hol = ec_holidays(d.year)
        if hol is None:
            missing.add(d.year)
            return True
        return d not in hol
    if regime == "uk":
        return d not in england_wales_bank_holidays(d.year)
    return d not in us_federal_holidays(d.year)


def add_working_days(after: date, n: int, regime: str) -> tuple[date, set[int]]:
    """The n-th working day after ``after`` (the day itself not counted), and the years without a holiday list."""
    missing: set[int] = set()
    d, k = after, 0
    while k < n:
        d += timedelta(days=1)
        if _is_working(d, regime, missing):
            k += 1
    return d, missing


def next_business_day(d: date, regime: str = "us") -> date:
    missing: set[int] = set()
    while not _is_working(d, regime, missing):
        d += timedelta(days=1)
    return d


def _missing_note(missing: set[int]) -> list[str]:
    if not missing:
        return []
    years = ", ".join(str(y) for y in sorted(missing))
    return [
        f"the Commission's public holidays for {years} are not shipped with mergerwatch: only weekends were "
        "skipped there, so the end may be a few working days early"
    ]


# --- the regimes ----------------------------------------------------------------------------------------------------


def us_hsr(filed: date, cash_tender: bool = False, bankruptcy: bool = False, refiled: bool = False) -> Clock:
    """HSR initial waiting period. 15 U.S.C. 18a(b)(1); 16 CFR 803.10(a)-(b): 30 days from the date the filings
    are received (15 days for a cash tender offer, 18a(b)(1)(B), or a bankruptcy sale, 11 U.S.C. 363(b)(2)),
    ending at 11:59 p.m. Eastern; a period that would end on a Saturday, Sunday or legal public holiday ends on the
    next regular business day (803.10(b)). A pull-and-refile starts a new period from the refiling."""
    days = 15 if cash_tender or bankruptcy else 30
    raw = filed + timedelta(days=days)
    end = next_business_day(raw, "us")
    why = "cash tender offer" if cash_tender else "bankruptcy sale" if bankruptcy else "other acquisitions"
    counted = [
        f"{'refiled' if refiled else 'filed'} {filed.isoformat()}; {days} calendar days ({why}) -> {raw.isoformat()}"
    ]
    if end != raw:
        counted.append(f"{raw.isoformat()} is a {_day_kind(raw, 'us')}: the period runs to {end.isoformat()}")
    counted.append(f"expires at 11:59 p.m. Eastern on {end.isoformat()}")
    return Clock("us-hsr", filed, end, days, "calendar days", "15 U.S.C. 18a(b); 16 CFR 803.10", counted)


def us_hsr_second_request(compliance: date, cash_tender: bool = False, bankruptcy: bool = False) -> Clock:
    """After a second request: 30 days after both parties (the acquiring person for a cash tender offer or a
    bankruptcy sale) certify substantial compliance, 10 days for a cash tender offer or bankruptcy sale
    (15 U.S.C. 18a(e)(2); 16 CFR 803.10), with the same weekend and holiday rule. Timing agreements often add
    more: they are private and not counted here."""
    days = 10 if cash_tender or bankruptcy else 30
    raw = compliance + timedelta(days=days)
    end = next_business_day(raw, "us")
    counted = [f"substantial compliance certified {compliance.isoformat()}; {days} calendar days -> {raw.isoformat()}"]
    if end != raw:
        counted.append(f"{raw.isoformat()} is a {_day_kind(raw, 'us')}: the period runs to {end.isoformat()}")
    return Clock("us-hsr-second-request", compliance, end, days, "calendar days", "15 U.S.C. 18a(e)(2)", counted)


def eu_phase1(notified: date, commitments: bool = False, referral_request: bool = False) -> Clock:
    """EUMR Art. 10(1): 25 working days, beginning on the working day after the notification is received; 35 when
    commitments are offered (Art. 6(2)) or a Member State asks for a referral (Art. 9(2)). Regulation 802/2004
    Art. 7-8 and 24: the period ends with the expiry of its last working day."""
    n = 35 if commitments or referral_request else 25
    end, missing = add_working_days(notified, n, "eu")
    reason = "commitments offered" if commitments else "referral request" if referral_request else "no extension"
    counted = [
        f"notified {notified.isoformat()}; day 1 is the next working day; {n} working days ({reason}) -> "
        f"{end.isoformat()}"
    ]
    return Clock("eu-phase1", notified, end, n, "working days", "Regulation 139/2004 Art. 10(1)", counted,
                 _missing_note(missing))  # fmt: skip


def eu_phase2(opened: date, commitments_after_day_55: bool = False, extension: int = 0, suspended: int = 0) -> Clock:
    """EUMR Art. 10(3): 90 working days from the opening of proceedings (Art. 6(1)(c)); +15 when commitments are
    offered 55 working days or more after the opening; up to +20 on extension (at the parties' request or with
    their agreement). Art. 10(4): the clock stops while it is suspended (given here as working days)."""
    if not 0 <= extension <= 20:
        raise ValueError("a Phase II extension is at most 20 working days")
    n = 90 + (15 if commitments_after_day_55 else 0) + extension + suspended
    end, missing = add_working_days(opened, n, "eu")
    parts = ["90"] + (["15 (commitments from day 55)"] if commitments_after_day_55 else [])
    parts += [f"{extension} (extension)"] if extension else []
    parts += [f"{suspended} (suspension)"] if suspended else []
    counted = [f"opened {opened.isoformat()}; {' + '.join(parts)} working days -> {end.isoformat()}"]
    return Clock("eu-phase2", opened, end, n, "working days", "Regulation 139/2004 Art. 10(3)-(4)", counted,
                 _missing_note(missing))  # fmt: skip


def uk_phase1(start: date) -> Clock:
    """Enterprise Act 2002 s.34ZA(3): 40 working days beginning with the first working day after the day on which
    the CMA tells the parties the merger notice is complete (or starts its own investigation). s.34ZA(8)-(9): a
    working day is not a Saturday, Sunday, Good Friday, Christmas Day or bank holiday in England and Wales."""
    end, _ = add_working_days(start, 40, "uk")
    counted = [f"formal start {start.isoformat()}; 40 working days from the next working day -> {end.isoformat()}"]
    return Clock("uk-phase1", start, end, 40, "working days", "Enterprise Act 2002 s.34ZA", counted)


def uk_phase2(reference: date, extended: bool = False, extension_weeks: int = 8) -> Clock:
    """Enterprise Act 2002 s.39(1): 24 weeks beginning with the date of the reference (the reference day is day 1);
    s.39(3): extendable once by up to 8 weeks for special reasons."""
    if extended and not 0 < extension_weeks <= 8:
        raise ValueError("a Phase 2 extension is at most 8 weeks")
    weeks = 24 + (extension_weeks if extended else 0)
    end = reference + timedelta(weeks=weeks) - timedelta(days=1)
    counted = [f"reference {reference.isoformat()}; 24 weeks beginning with that day -> "
               f"{(reference + timedelta(weeks=24) - timedelta(days=1)).isoformat()}"]  # fmt: skip
    if extended:
        counted.append(f"extended by {extension_weeks} weeks (s.39(3)) -> {end.isoformat()}")
    return Clock("uk-phase2", reference, end, weeks, "weeks", "Enterprise Act 2002 s.39", counted)


def _day_kind(d: date, regime: str) -> str:
    if d.weekday() == 5:
        return "Saturday"
    if d.weekday() == 6:
        return "Sunday"
    return "public holiday" if regime != "uk" else "bank holiday"


# regime -> (the function that counts it, the options it takes). The `clock` command and the deadlines of open cases
# (core/registry.py ClockRule) both count through ``compute``.
REGIMES: dict[str, tuple[Any, frozenset[str]]] = {
    "us-hsr": (us_hsr, frozenset({"cash_tender", "bankruptcy", "refiled"})),
    "us-hsr-second-request": (us_hsr_second_request, frozenset({"cash_tender", "bankruptcy"})),
    "eu-phase1": (eu_phase1, frozenset({"commitments", "referral_request"})),
    "eu-phase2": (eu_phase2, frozenset({"commitments_after_day_55", "extension", "suspended"})),
    "uk-phase1": (uk_phase1, frozenset()),
    "uk-phase2": (uk_phase2, frozenset({"extended", "extension_weeks"})),
}


def compute(regime: str, start: date, **options: Any) -> Clock:
    """The period of ``regime`` from ``start``. Options a regime does not take (or a falsy one left at its default)
    are a ValueError naming them: a period is never counted with an option silently ignored."""
    if regime not in REGIMES:
        raise ValueError(f"unknown regime '{regime}'; known: {', '.join(REGIMES)}")
    count, takes = REGIMES[regime]
    given = {k: v for k, v in options.items() if v not in (None, False, 0)}
    wrong = sorted(set(given) - takes)
    if wrong:
        raise ValueError(f"{', '.join(wrong)} do(es) not apply to {regime}")
    return count(start, **given)
