"""Statutory review clocks: when each review must end, counted as the statute counts.

Each regime is a small function with its legal basis beside it, reached by name through ``compute`` (the `clock`
command and the deadlines of open cases). Working days skip the holidays of query/holidays.py; a period that runs
through a year whose holiday list is not shipped says so.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from mergerwatch.query.holidays import (
    accc_shutdown,
    act_public_holidays,
    ec_holidays,
    ec_holidays_provisional,
    england_wales_bank_holidays,
    french_public_holidays,
    us_federal_holidays,
)

if TYPE_CHECKING:  # the typed records are for reading the code: nothing to load
    from mergerwatch.core.records import ClockRecord


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
    calendar: str = ""  # whose working days a period of working days counts ("eu", "uk", "au")

    def as_dict(self) -> ClockRecord:
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


# --- counting -----------------------------------------------------------------------------------------------------


def _is_working(d: date, regime: str, missing: set[int]) -> bool:
    """Whether ``d`` is a working day of ``regime``; a year of the Commission's without a list (or with a provisional
    one, added as its negative) goes into ``missing``."""
    if d.weekday() >= 5:
        return False
    if regime == "eu":
        hol = ec_holidays(d.year)
        if hol is None:
            missing.add(d.year)
            return True
        if ec_holidays_provisional(d.year):
            missing.add(-d.year)
        return d not in hol
    if regime == "uk":
        return d not in england_wales_bank_holidays(d.year)
    if regime == "au":
        return not accc_shutdown(d) and d not in act_public_holidays(d.year)
    if regime == "fr":
        return d not in french_public_holidays(d.year)
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
    """What a lawyer must know of the holidays a period ran through: years not shipped, lists not the Commission's."""
    notes = []
    absent = sorted(y for y in missing if y > 0)
    provisional = sorted(-y for y in missing if y < 0)
    if absent:
        years = ", ".join(str(y) for y in absent)
        notes.append(
            f"CHECK THIS DATE: the Commission's public holidays for {years} are not shipped with mergerwatch: only "
            "weekends were skipped there, so the end may be a few working days early"
        )
    if provisional:
        years = ", ".join(str(y) for y in provisional)
        notes.append(
            f"CHECK THIS DATE: the Commission's public holidays for {years} are a provisional list (not from the "
            "Commission's decision): the end may differ by a day or two"
        )
    return notes


def effective_day(received: date, regime: str) -> tuple[date, list[str]]:
    """The day a notification takes effect: the day it is received, or the next working day when received on a day
    that is not one (a Saturday, a Sunday, a holiday): the period then begins the working day after that."""
    missing: set[int] = set()
    if _is_working(received, regime, missing):
        return received, []
    eff = received
    while not _is_working(eff, regime, missing):
        eff += timedelta(days=1)
    kind = _day_kind(received, regime)
    return eff, [f"{received.isoformat()} is a {kind}: the notification takes effect on the next working day, "
                 f"{eff.isoformat()} ({eff.strftime('%A')})"]  # fmt: skip


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
    commitments are offered (Art. 6(2)) or a Member State asks for a referral (Art. 9(2)). Implementing Regulation
    2023/914 (802/2004 before 1 September 2023) Art. 7, 8 and 24: the period begins on the working day after the
    event and ends with the expiry of its last working day; a notification received on a day that is not a
    working day takes effect on the next working day (docs/decisions/2026-12-07-clock-non-working-day.md)."""
    n = 35 if commitments or referral_request else 25
    effective, counted = effective_day(notified, "eu")
    end, missing = add_working_days(effective, n, "eu")
    reason = "commitments offered" if commitments else "referral request" if referral_request else "no extension"
    counted.append(
        f"notified {effective.isoformat()}; day 1 is the next working day; {n} working days ({reason}) -> "
        f"{end.isoformat()}"
    )
    return Clock("eu-phase1", notified, end, n, "working days", "Regulation 139/2004 Art. 10(1)", counted,
                 _missing_note(missing), "eu")  # fmt: skip


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
                 _missing_note(missing), "eu")  # fmt: skip


def uk_phase1(start: date) -> Clock:
    """Enterprise Act 2002 s.34ZA(3): 40 working days beginning with the first working day after the day on which
    the CMA tells the parties the merger notice is complete (or starts its own investigation). s.34ZA(8)-(9): a
    working day is not a Saturday, Sunday, Good Friday, Christmas Day or bank holiday in England and Wales."""
    effective, counted = effective_day(start, "uk")
    end, _ = add_working_days(effective, 40, "uk")
    counted.append(
        f"formal start {effective.isoformat()}; 40 working days from the next working day -> {end.isoformat()}"
    )
    return Clock("uk-phase1", start, end, 40, "working days", "Enterprise Act 2002 s.34ZA", counted, calendar="uk")


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


# The ACCC's business days (s.51ABK of the Competition and Consumer Act 2010, as the ACCC counts them): no Saturday,
# Sunday or public holiday in the ACT, and no day from 23 December to 10 January. Checked against the register's own
# "End of determination period" of 172 Phase 1 notifications (171 agree; one ends a day earlier) and 5 Phase 2 ones.
_AU_BASIS = "Competition and Consumer Act 2010 s.51ABZI (Phase {n} determination period)"


def au_phase1(notified: date, extension: int = 0) -> Clock:
    """Phase 1 determination period: 30 business days, day 1 being the business day after the (effective)
    notification date, plus any extension the ACCC publishes ("Timeline extended by N business days")."""
    if extension < 0:
        raise ValueError("an extension is a number of business days, not negative")
    n = 30 + extension
    end, _ = add_working_days(notified, n, "au")
    parts = "30" + (f" + {extension} (extension)" if extension else "")
    counted = [f"notified {notified.isoformat()}; day 1 is the next business day; {parts} business days -> "
               f"{end.isoformat()}"]  # fmt: skip
    return Clock("au-phase1", notified, end, n, "business days", _AU_BASIS.format(n=1), counted, calendar="au")


def au_phase2(notified: date, extension: int = 0) -> Clock:
    """Phase 2 determination period: 90 business days after the end of the Phase 1 period, so 120 business days from
    the notification, plus the extensions the ACCC publishes (of either phase)."""
    if extension < 0:
        raise ValueError("an extension is a number of business days, not negative")
    phase1_end, _ = add_working_days(notified, 30, "au")
    n = 120 + extension
    end, _ = add_working_days(notified, n, "au")
    counted = [
        f"notified {notified.isoformat()}; Phase 1 ends 30 business days later, {phase1_end.isoformat()}",
        "Phase 2: 90 business days after that"
        + (f" + {extension} (extension)" if extension else "")
        + f" -> {end.isoformat()}",
    ]
    return Clock("au-phase2", notified, end, n, "business days", _AU_BASIS.format(n=2), counted, calendar="au")


def fr_phase1(notified: date, commitments: bool = False) -> Clock:
    """Code de commerce art. L430-5 I: the Autorité decides within 25 working days ("jours ouvrés") from the date of
    receipt of the complete notification; II: 15 working days more when commitments are received (text in force since
    8 August 2015, read in a reprint of Légifrance). The Autorité may suspend the period (missing information, a new
    fact) and the parties may ask for up to 15 working days' suspension: neither is published, so the date is the
    statute's, not the case's. Day 1 is the working day after receipt, as a period "from" a date is counted in French
    law (the day itself not counted); working days skip the holidays of Code du travail art. L3133-1."""
    n = 25 + (15 if commitments else 0)
    end, _ = add_working_days(notified, n, "fr")
    parts = "25" + (" + 15 (commitments received)" if commitments else "")
    counted = [f"complete notification {notified.isoformat()}; day 1 is the next working day; {parts} working days "
               f"-> {end.isoformat()}"]  # fmt: skip
    warnings = ["the Autorité can suspend this period (L430-5 II) and does not publish it: the decision can be later"]
    return Clock("fr-phase1", notified, end, n, "working days", "Code de commerce art. L430-5 (I-II)", counted,
                 warnings, "fr")  # fmt: skip


def fr_phase2(opened: date, extension: int = 0, suspended: int = 0) -> Clock:
    """Code de commerce art. L430-7 I: after an in-depth examination is opened, the Autorité decides within 65
    working days of the opening; II: commitments sent fewer than 20 working days before the end move it to 20 working
    days after their receipt, 85 working days from the opening at most (``extension``: the working days added, 0-20);
    the parties may ask for up to 20 working days' suspension and the Autorité may suspend it (``suspended``). Text
    read in an English translation of the article in force; counted as fr-phase1 counts (French working days, day 1
    the working day after the opening)."""
    if not 0 <= extension <= 20:
        raise ValueError("late commitments extend Phase 2 to 85 working days at most: an extension of 0 to 20")
    if suspended < 0:
        raise ValueError("a suspension is a number of working days, not negative")
    n = 65 + extension + suspended
    end, _ = add_working_days(opened, n, "fr")
    parts = ["65"] + ([f"{extension} (late commitments)"] if extension else [])
    parts += [f"{suspended} (suspension)"] if suspended else []
    counted = [f"in-depth examination opened {opened.isoformat()}; day 1 is the next working day; "
               f"{' + '.join(parts)} working days -> {end.isoformat()}"]  # fmt: skip
    return Clock("fr-phase2", opened, end, n, "working days", "Code de commerce art. L430-7 (I-II)", counted,
                 [], "fr")  # fmt: skip


def _add_months(start: date, months: int) -> date:
    """BGB § 188(2): a period of months from an event ends on the day of the last month with the event day's number;
    § 188(3): where that month has no such day, on its last day (31 January + 1 month: 28 or 29 February)."""
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _weekend_note(end: date) -> list[str]:
    if end.weekday() < 5:
        return []
    return [f"the period ends on a {end.strftime('%A')}: whether it then runs to the next working day (BGB § 193, "
            "VwVfG § 31(3)) is disputed for this period; the authority's letter decides"]  # fmt: skip


def de_phase1(received: date) -> Clock:
    """GWB § 40(1) sentence 1: the Bundeskartellamt may prohibit a notified merger only if it tells the notifying
    parties within one month of receipt of the complete notification that it has opened the main examination
    ("Hauptprüfverfahren"); the month counted as BGB §§ 187(1), 188(2)-(3) count it (the day of receipt not counted,
    the period ending on the same date a month later). Text of § 40 read in a reprint of the current GWB."""
    end = _add_months(received, 1)
    counted = [f"complete notification received {received.isoformat()}; one month -> {end.isoformat()}"]
    return Clock("de-phase1", received, end, 1, "month", "GWB § 40(1) sentence 1; BGB §§ 187(1), 188(2)", counted,
                 _weekend_note(end))  # fmt: skip


def de_phase2(received: date, extension: int = 0) -> Clock:
    """GWB § 40(2) sentence 2: unless the decision is served within five months of receipt of the complete
    notification, the merger is deemed cleared (four months before the 10th amendment of January 2021, as older
    reprints and the authority's English page still say). Sentence 4 no. 1: not where the parties agreed to an
    extension; sentence 7: one month more in a case the reprint read cuts off (most likely an offer of commitments).
    ``extension``: months added (agreed, or the month of sentence 7). Suspensions (sentence 5) are not published."""
    if extension < 0:
        raise ValueError("an extension is a number of months, not negative")
    n = 5 + extension
    end = _add_months(received, n)
    parts = "5" + (f" + {extension} (extension)" if extension else "")
    counted = [f"complete notification received {received.isoformat()}; {parts} months -> {end.isoformat()}"]
    return Clock("de-phase2", received, end, n, "months", "GWB § 40(2) sentences 2, 4 and 7; BGB §§ 187(1), 188(2)",
                 counted, _weekend_note(end))  # fmt: skip


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
    "au-phase1": (au_phase1, frozenset({"extension"})),
    "au-phase2": (au_phase2, frozenset({"extension"})),
    "fr-phase1": (fr_phase1, frozenset({"commitments"})),
    "fr-phase2": (fr_phase2, frozenset({"extension", "suspended"})),
    "de-phase1": (de_phase1, frozenset()),
    "de-phase2": (de_phase2, frozenset({"extension"})),
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
        flags = ", ".join("--" + w.replace("_", "-") for w in wrong)
        raise ValueError(f"those options ({flags}) do not apply to {regime}")
    return count(start, **given)
