"""Statutory clocks against real published pairs: HSR periods that filings disclose with both dates, the
Commission's notification and deadline dates (every 2014 case of the real ISEF export), CMA timetables."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta

import pytest

from mergerwatch.query.clocks import eu_phase1, eu_phase2, uk_phase1, uk_phase2, us_hsr, us_hsr_second_request
from mergerwatch.query.holidays import (
    EC_HOLIDAYS,
    easter,
    ec_holidays,
    england_wales_bank_holidays,
    us_federal_holidays,
)

from .conftest import FIXTURES


def test_hsr_cash_tender_period_ending_on_a_saturday_runs_to_monday():
    # real 2024 tender-offer clause: filed August 30, 2024; "will expire at 11:59 p.m. … on September 16, 2024"
    c = us_hsr(date(2024, 8, 30), cash_tender=True)
    assert c.end == date(2024, 9, 16)
    assert any("Saturday" in line for line in c.counted)


def test_hsr_refiled_period_as_disclosed():
    # AbbVie / Soliton 8-K: refiled July 7, 2021, "a new 30-day waiting period … which expired … on August 6, 2021"
    assert us_hsr(date(2021, 7, 7), refiled=True).end == date(2021, 8, 6)


def test_hsr_period_ending_on_a_federal_holiday_runs_to_the_next_business_day():
    assert us_hsr(date(2024, 6, 4)).end == date(2024, 7, 5)  # day 30 is Independence Day
    assert us_hsr(date(2025, 8, 2)).end == date(2025, 9, 2)  # day 30 is Labor Day (Monday 1 September)
    assert us_hsr_second_request(date(2025, 11, 17), cash_tender=True).end == date(2025, 11, 28)  # not Thanksgiving


def test_us_holidays_include_observed_days():
    h = us_federal_holidays(2021)
    assert date(2021, 6, 18) in h  # Juneteenth on a Saturday, observed on Friday
    assert date(2021, 12, 24) in h and date(2021, 12, 31) in h  # Christmas and New Year 2022 on Saturdays


def _isef_2014() -> list[tuple[str, date, date]]:
    rows = csv.DictReader((FIXTURES / "texts" / "isef_2014_notification_deadline.real-rows.csv").open())
    return [
        (
            r["CASE_CODE"],
            datetime.strptime(r["NOTIFICATION_DATE"], "%d-%m-%y").date(),
            datetime.strptime(r["DEADLINE_DATE"], "%d-%m-%y").date(),
        )
        for r in rows
    ]


def test_eu_phase1_matches_the_commissions_own_deadlines_of_2014():
    pairs = _isef_2014()
    assert len(pairs) == 249
    exact = [ref for ref, n, d in pairs if eu_phase1(n).end == d]
    # the two others are a Phase II case (M.7054) and a case whose deadline moved (M.7342)
    assert len(exact) == 247, sorted({ref for ref, *_ in pairs} - set(exact))
    # one that crosses Easter and the Commission's May holidays: 25 working days, not 25 weekdays
    assert eu_phase1(date(2014, 4, 10)).end == date(2014, 5, 22)


def test_eu_phase1_extended_and_phase2():
    assert eu_phase1(date(2023, 3, 1), commitments=True).end == date(2023, 4, 24)  # Easter 2023 skipped
    c = eu_phase2(date(2023, 3, 1), extension=20)
    assert c.days == 110 and not c.warnings
    with pytest.raises(ValueError):
        eu_phase2(date(2023, 3, 1), extension=25)


def test_a_year_without_a_shipped_commission_list_is_said_plainly():
    c = eu_phase1(date(2029, 3, 2))
    assert c.warnings and "2029" in c.warnings[0] and "not shipped" in c.warnings[0]
    assert eu_phase1(date(2023, 3, 1)).warnings == []
    assert eu_phase1(date(2026, 3, 2)).warnings == []  # the Commission's 2026 list ships
    provisional = eu_phase1(date(2027, 3, 2)).warnings
    assert len(provisional) == 1 and "provisional" in provisional[0]


def test_commission_lists_hold_the_easter_holidays_of_their_year():
    for year in EC_HOLIDAYS:
        e, h = easter(year), ec_holidays(year)
        assert {e - timedelta(days=2), e + timedelta(days=1)} <= h  # Good Friday, Easter Monday
        assert EC_HOLIDAYS[year][0]  # every year names its source


def test_uk_phase1_crossing_the_summer_bank_holiday():
    # Richemont / Yoox / Net-A-Porter: launch 10 July 2015, "7 September 2015 | Deadline for phase 1 decision"
    assert uk_phase1(date(2015, 7, 10)).end == date(2015, 9, 7)


def test_uk_phase2_extended_as_published():
    # a 2022 Phase 2 page: "Date of reference: 12 May 2022", "Statutory deadline: 21 December 2022" (extended)
    assert uk_phase2(date(2022, 5, 12)).end == date(2022, 10, 26)
    assert uk_phase2(date(2022, 5, 12), extended=True).end == date(2022, 12, 21)


def test_england_wales_special_bank_holidays():
    h = england_wales_bank_holidays(2022)
    assert {date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19)} <= h and date(2022, 5, 30) not in h
    assert date(2023, 5, 8) in england_wales_bank_holidays(2023)
    assert {date(2020, 12, 25), date(2020, 12, 28)} <= england_wales_bank_holidays(2020)
