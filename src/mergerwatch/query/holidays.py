"""Holidays the statutory clocks skip: US federal holidays and England-and-Wales bank holidays follow fixed rules
(computed here); the Commission's own public holidays are decided year by year and published in the Official
Journal, so they are shipped as data with the source of each year, and a year without its list is reported."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache


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


def _christmas_and_boxing_day(year: int) -> set[date]:
    """Christmas Day and Boxing Day as the days off fall, with the weekdays that replace them on a weekend (the same
    substitution in England and Wales and in the ACT)."""
    xmas = date(year, 12, 25)
    if xmas.weekday() == 5:  # Saturday: Christmas on Monday 27, Boxing Day on Tuesday 28
        return {date(year, 12, 27), date(year, 12, 28)}
    if xmas.weekday() == 6:  # Sunday: Boxing Day on Monday 26, Christmas on Tuesday 27
        return {date(year, 12, 26), date(year, 12, 27)}
    if xmas.weekday() == 4:  # Friday: Boxing Day on Monday 28
        return {xmas, date(year, 12, 28)}
    return {xmas, date(year, 12, 26)}


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
    days |= _christmas_and_boxing_day(year)
    for old, new in _UK_MOVED.get(year, {}).items():
        days.discard(old)
        days.add(new)
    days |= {d for d in _UK_EXTRA if d.year == year}
    return frozenset(days)


# The Commission's public holidays (Brussels), as each year's list was published. Working days (Implementing
# Regulation 2023/914 Art. 24, before it 802/2004 Art. 24) are all days other than Saturdays, Sundays and these.
# Sources per year; weekend days omitted. A year whose source is not the Commission's decision itself says so.
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
    2026: (
        "Commission decision on public holidays in 2026, OJ C, C/2025/4103, 24.7.2025 (the list as copied, with that "
        "reference, by the third-party calculator bdamokos/eu-time-limit-calculator, holiday-data/EC.json)",
        ("01-01", "01-02", "04-02", "04-03", "04-06", "05-01", "05-14", "05-15", "05-25", "07-21", "11-02",
         "12-24", "12-25", "12-28", "12-29", "12-30", "12-31"),
    ),
    2027: (
        "PROVISIONAL: the 2027 list of the third-party calculator bdamokos/eu-time-limit-calculator; the Commission's "
        "own decision for 2027 and its Official Journal reference were not found",
        ("01-01", "03-25", "03-26", "03-29", "05-06", "05-07", "05-17", "07-21", "11-01", "11-02", "12-23",
         "12-24", "12-27", "12-28", "12-29", "12-30", "12-31"),
    ),
}  # fmt: skip


def ec_holidays_provisional(year: int) -> bool:
    """The year's list is shipped but not from the Commission's decision: a deadline through it says so."""
    entry = EC_HOLIDAYS.get(year)
    return entry is not None and entry[0].startswith("PROVISIONAL")


@cache
def ec_holidays(year: int) -> frozenset[date] | None:
    entry = EC_HOLIDAYS.get(year)
    if entry is None:
        return None
    return frozenset(date(year, int(md[:2]), int(md[3:])) for md in entry[1])


def _monday_if_weekend(d: date) -> date:
    return d + timedelta(days={5: 2, 6: 1}.get(d.weekday(), 0))


@cache
def act_public_holidays(year: int) -> frozenset[date]:
    """Public holidays in the Australian Capital Territory (Holidays Act 1958 (ACT)), which the ACCC's business days
    skip: New Year's Day, Australia Day and Anzac Day (each moved to the Monday when it falls on a weekend), Canberra
    Day (second Monday of March), Good Friday to Easter Monday, Reconciliation Day (the first Monday on or after
    27 May, from 2018), the King's Birthday (second Monday of June), Labour Day (first Monday of October), Christmas
    Day and Boxing Day with their substitutes. Checked against the ACCC's own published end dates (the Anzac Day
    Monday of 2026 among them); the Act's text was not read offline."""
    e = easter(year)
    days = {
        _monday_if_weekend(date(year, 1, 1)),
        _monday_if_weekend(date(year, 1, 26)),
        _monday_if_weekend(date(year, 4, 25)),
        _nth_weekday(year, 3, 0, 2),
        e - timedelta(days=2),
        e - timedelta(days=1),
        e,
        e + timedelta(days=1),
        _nth_weekday(year, 6, 0, 2),
        _nth_weekday(year, 10, 0, 1),
    }
    if year >= 2018:
        reconciliation = date(year, 5, 27)
        days.add(reconciliation + timedelta(days=(7 - reconciliation.weekday()) % 7))
    return frozenset(days | _christmas_and_boxing_day(year))


def accc_shutdown(d: date) -> bool:
    """The days from 23 December to 10 January, which are not business days under the acquisitions provisions of the
    Competition and Consumer Act 2010 (as the ACCC's published determination periods count them)."""
    return (d.month == 12 and d.day >= 23) or (d.month == 1 and d.day <= 10)


@cache
def french_public_holidays(year: int) -> frozenset[date]:
    """The eleven public holidays of Code du travail art. L3133-1 (text read on Légifrance's page of the section):
    1 January, Easter Monday, 1 May, 8 May, Ascension Day, Whit Monday, 14 July, 15 August (Assumption), 1 November
    (All Saints), 11 November, Christmas Day. Alsace-Moselle's two extra days are not the Paris authority's."""
    e = easter(year)
    return frozenset({
        date(year, 1, 1), e + timedelta(days=1), date(year, 5, 1), date(year, 5, 8), e + timedelta(days=39),
        e + timedelta(days=50), date(year, 7, 14), date(year, 8, 15), date(year, 11, 1), date(year, 11, 11),
        date(year, 12, 25),
    })  # fmt: skip
