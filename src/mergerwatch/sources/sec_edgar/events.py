"""HSR review events from the prose of SEC filings (sec_edgar.md §6, status_vocabulary.md §3.5).

Rule-based and deliberately narrow: an event needs dated, factual, past-tense wording. Conditions, hedges,
definitions, bracketed draft dates, intentions and statements of agency policy yield nothing. Every event keeps the
sentence it came from, so a reader can check it against the filing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from mergerwatch.core.model import Status

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
# "August 2, 2017", "Aug. 12", "August2, 2017" (scraped text loses spaces), "12 May 2022"
_DATE = re.compile(
    rf"\b({_MONTH_RE})\s*(\d{{1,2}})(?!\d)(?:st|nd|rd|th)?(?:,?\s*(\d{{4}}))?|\b(\d{{1,2}})\s+({_MONTH_RE})\s+(\d{{4}})"
)
_BRACKETED_DATE = re.compile(rf"\[\s*{_MONTH_RE}\s*\d{{1,2}},?\s*\d{{4}}\s*\]")

# Words that make a clause not a statement of fact: conditions, hedges, intentions, futures.
_HEDGE = re.compile(
    r"\b(?:may|might|would|could|will|shall|should|must|can|cannot|if|unless|until|whether|subject to|"
    r"conditions?|conditioned|expects?|expected|anticipated?|intends?|intent|intention|plans? to|seeks? to|"
    r"no assurance|there can be|in the event|prior to the|before the|assuming|required to|obligat\w*|"
    r"means|defined|refers? to|so-called)\b",
    re.I,
)
_POLICY = re.compile(r"suspended (?:the )?grant(?:ing|s)? (?:of )?early termination|grants? of early termination", re.I)
_NON_US = re.compile(
    r"\b(?:Canadian|Competition Bureau|Competition Tribunal|European Commission|CMA|Competition and Markets|"
    r"SAMR|Bundeskartellamt|ACCC)\b"
)
_HSR = re.compile(r"\bHSR\b|Hart[- ]Scott[- ]Rodino|premerger notification|waiting period", re.I)
_AGENCY = re.compile(
    r"\b(?:FTC|Federal Trade Commission|DOJ|Department of Justice|Justice Department|Antitrust Division)\b"
)
_SECOND_REQUEST = r"(?:second request|request for additional information)"


@dataclass(frozen=True)
class Rule:
    detail: str
    status: Status | None
    pattern: re.Pattern[str]
    needs: re.Pattern[str] | None = None  # the sentence must also say this (context)
    date_from_document: bool = True  # an undated factual sentence takes the document's date
    dates_in_sentence: bool = True  # False: dates in the sentence are not the event's (timing agreements)


def _r(p: str) -> re.Pattern[str]:
    return re.compile(p, re.I)


# Ordered: a sentence yields at most one event of each detail; a refile sentence yields no expiry ("… commencing a
# new 30-day waiting period, which expired …" is the refile, not a clean expiry).
RULES: tuple[Rule, ...] = (
    Rule(
        "hsr_pull_and_refile",
        Status.notified,
        _r(
            r"\b(?:voluntarily )?withdr[eaw]w?n?\b[^.;]{0,120}?\b(?:notification|hsr|filing|form)s?\b|"
            r"\b(?:refiled|re-filed|resubmitted)\b[^.;]{0,80}?\b(?:notification|hsr|filing|form)"
        ),
        _HSR,
    ),
    Rule(
        "hsr_filed",
        Status.notified,
        _r(
            r"\b(?<!re)(?<!re-)filed\b[^.;]{0,160}?\b(?:notification and report forms?|(?:hsr|premerger) "
            r"(?:act )?(?:notification|filing|form)s?|notification forms?|hsr notification)|"
            r"\b(?:notification and report forms?|hsr (?:act )?(?:notification|filing)s?)\b[^.;]{0,80}?\b(?:were|was) filed"  # noqa: E501
        ),
        date_from_document=False,
    ),
    Rule(
        "hsr_early_termination",
        Status.cleared,
        _r(
            r"\bgranted early termination|\bearly termination\b[^.;]{0,160}?\b(?:was|were|has been|had been) granted|"
            r"\bannounced (?:the )?early termination|\breceived early termination|\bearly termination\b[^.;]{0,40}?"
            r"\b(?:was|has been) (?:received|obtained)|waiting period\b[^.;]{0,200}?\b(?:has|had) been terminated|"
            r"waiting period\b[^.;]{0,200}?\bwas terminated"
        ),
        _HSR,
    ),
    Rule(
        "hsr_second_request",
        Status.in_depth_review,
        _r(
            rf"\b(?:received|receipt of)\b[^.;]{{0,140}}?(?<!compliance with the ){_SECOND_REQUEST}|"
            rf"\b(?:FTC|DOJ|Commission|Department of Justice|Antitrust Division)\)?\W{{0,3}} issued\b[^.;]{{0,60}}?"
            rf"{_SECOND_REQUEST}|{_SECOND_REQUEST}[^.;]{{0,140}}?\b(?:was|were) (?:issued|received)"
        ),
        _AGENCY,
    ),
    Rule(
        "hsr_substantial_compliance",
        None,
        _r(r"\b(?:have|has|had)? ?certified (?:their |its )?substantial compliance|\bsubstantially complied with\b"),
        re.compile(rf"{_SECOND_REQUEST}|\bHSR\b", re.I),
    ),
    Rule(
        "hsr_timing_agreement",
        None,
        _r(
            r"\b(?:entered into|parties to|signed|agreed to|executed) a timing agreement|\btiming agreement\b[^.;]{0,60}?\b(?:was|were) (?:entered|signed|extended)|extend the timing agreement"  # noqa: E501
        ),
        _AGENCY,
        dates_in_sentence=False,
    ),
    Rule(
        "hsr_waiting_period_expired",
        Status.cleared,
        _r(
            r"waiting periods?\b[^.;]{0,220}?\b(?:has|have|had)? ?expired\b(?! on| at)|waiting periods?\b[^.;]{0,220}?\bexpired (?:on|at|effective)|\bexpired\b[^.;]{0,80}?waiting period"  # noqa: E501
        ),
        _HSR,
    ),
    Rule(
        "agency_review_closed",
        Status.cleared,
        _r(
            r"\b(?:closed|closing|concluded|terminated) (?:its|their) (?:investigation|review)|"
            r"\breceived (?:unconditional )?clearance from the (?:u\.s\. )?(?:department of justice|doj|federal trade "
            r"commission|ftc)|\bunconditionally cleared\b"
        ),
        _AGENCY,
    ),
    Rule(
        "agency_complaint",
        Status.challenged,
        _r(
            r"\b(?:filed|instituted|commenced|brought|initiated)\b[^.;]{0,60}?\b(?:administrative complaint|"
            r"administrative (?:proceeding|litigation)|complaint|lawsuit|suit|civil action)|\bsued to block\b"
        ),
        _AGENCY,
    ),
    Rule(
        "deal_terminated",
        Status.abandoned,
        _r(
            r"\b(?:terminated|agreed to terminate|(?:announced|announce) the termination of|entered into [^.;]{0,80}?"
            r"termination agreement[^.;]{0,40}?to terminate)\b[^.;]{0,80}?\b(?:merger agreement|agreement and plan of "
            r"merger|the transaction|the agreement|the merger|the acquisition|purchase agreement)"
        ),
        None,
    ),
)


# The words each rule's pattern needs (kept in step with RULES; the tests run every rule on real text). Substring
# tests on the lowered sentence cost next to nothing, so a rule's regex runs only where it can match.
RULE_WORDS: dict[str, tuple[str, ...]] = {
    "hsr_pull_and_refile": ("withdr", "refil", "re-fil", "resubmit"),
    "hsr_filed": ("filed",),
    "hsr_early_termination": ("early termination", "terminated"),
    "hsr_second_request": ("second request", "additional information"),
    "hsr_substantial_compliance": ("substantial",),
    "hsr_timing_agreement": ("timing agreement",),
    "hsr_waiting_period_expired": ("expired",),
    "agency_review_closed": ("investigation", "review", "clearance", "cleared"),
    "agency_complaint": ("complaint", "lawsuit", "suit", "sued", "proceeding", "action", "litigation"),
    "deal_terminated": ("terminat",),
}
_ALL_WORDS = tuple({w for words in RULE_WORDS.values() for w in words})


@dataclass
class HsrEvent:
    detail: str
    status: Status | None
    date: date
    sentence: str
    agency: str | None
    deadline: date | None = None
    date_basis: str = "sentence"  # or "document": an undated factual statement, dated by the document


_ABBREV = re.compile(
    r"(?:\b(?:Inc|Corp|Co|Ltd|L\.P|N\.V|S\.A|plc|No|Nos|U\.S|Mr|Ms|Mrs|Dr|St|Ala|Tenn|Ill|Calif|Del|et al|vs|v|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|a\.m|p\.m|i\.e|e\.g|P\.M|A\.M)|\b[A-Z])\.$"
)


def sentences(text: str) -> list[str]:
    """Sentences of plain text: split after . ! ? before a capital or quote, except after abbreviations."""
    text = " ".join(text.split())
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?][\"”’)]?\s+(?=[A-Z\"“(])", text):
        chunk = text[start : m.start() + 1]
        if _ABBREV.search(chunk[-16:]):  # the tail only: the pattern is anchored at the end
            continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    if start < len(text):
        out.append(text[start:].strip())
    return [s for s in out if s]


def _dates(sentence: str, year_hint: int | None) -> list[tuple[int, date]]:
    """(position, date) of every date written in the sentence; a date without a year takes the hint."""
    found = []
    for m in _DATE.finditer(sentence):
        if m.group(1):
            mon, day, year = m.group(1), m.group(2), m.group(3)
        else:
            day, mon, year = m.group(4), m.group(5), m.group(6)
        y = int(year) if year else year_hint
        if y is None:
            continue
        try:
            found.append((m.start(), date(y, _MONTHS[mon.lower().rstrip(".")[:3]], int(day))))
        except (KeyError, ValueError):
            continue
    return found


def _nearest(sentence: str, dates: list[tuple[int, date]], pos: int, end: int) -> date | None:
    """The event's date: one that introduces the sentence ("On June 26, 2015, …"), else one written right after
    the event's words with "effective", "on", "as of" or a time ("expired … effective February 11, 2005"), else
    the date written closest to the event's words."""
    if not dates:
        return None
    lead = re.match(r"\W*(?:on|as of|effective)\s+", sentence, re.I)
    if lead and dates[0][0] <= lead.end() + 1:
        return dates[0][1]
    # "… Agreement On June 26, 2015, Sysco … entered into": a capitalised "On <date>," opens the event's clause
    opening = [d for p, d in dates if p < pos and re.search(r"\bOn\s*$", sentence[max(0, p - 4) : p])]
    if opening:
        return opening[-1]
    for p, d in dates:
        if end <= p <= end + 220 and re.search(r"(?:effective|\bon|as of|p\.m\.[^,]*,?)\s*$", sentence[end:p], re.I):
            return d
    return min(dates, key=lambda pd: min(abs(pd[0] - pos), abs(pd[0] - end)))[1]


def _agency(sentence: str) -> str | None:
    m = _AGENCY.search(sentence)
    if not m:
        return None
    return "FTC" if re.match(r"FTC|Federal Trade", m.group(0)) else "DOJ"


def extract(text: str, document_date: date | None = None, sents: list[str] | None = None) -> list[HsrEvent]:
    """Every HSR event the text states as a dated fact, in the order written (one per detail and date).
    ``sents``: the text's sentences when the caller has split them already."""
    out: list[HsrEvent] = []
    sents = sentences(text) if sents is None else sents
    year_hint = document_date.year if document_date else None
    for i, s in enumerate(sents):
        low = s.lower()
        if not any(w in low for w in _ALL_WORDS):
            continue  # most sentences of a filing say nothing of a review: one cheap test before the rules
        if _BRACKETED_DATE.search(s) or _POLICY.search(s) or "[" in s and re.search(r"\[\s*\]|\[●\]|\[•\]", s):
            continue
        local: list[tuple[int, date]] | None = None  # the sentence's dates, read when a rule matches
        taken: set[str] = set()
        for rule in RULES:
            if rule.detail == "hsr_waiting_period_expired" and "hsr_pull_and_refile" in taken:
                continue
            if not any(w in low for w in RULE_WORDS[rule.detail]):
                continue
            m = rule.pattern.search(s)
            if not m:
                continue
            if rule.needs is not None and not rule.needs.search(s):
                continue
            # The clause up to and including the event's words must be factual; words after it may hedge.
            clause_start = max(s.rfind(";", 0, m.start()), -1) + 1
            if _HEDGE.search(s[clause_start : m.end()]):
                continue
            if rule.detail in ("agency_complaint", "hsr_second_request", "agency_review_closed") and _NON_US.search(
                s[clause_start : m.end()]
            ):
                continue
            if rule.detail == "deal_terminated" and re.search(r"right to terminate|termination fee", s, re.I):
                if not re.search(r"\bterminated\b|agreed to terminate|termination of the", s[: m.end()], re.I):
                    continue
            if local is None:
                local = _dates(s, year_hint)
                if year_hint is None and local:
                    year_hint = local[0][1].year
            when = _nearest(s, local, m.start(), m.end()) if rule.dates_in_sentence else None
            basis = "sentence"
            if when is None and document_date is not None:
                if not rule.date_from_document:
                    continue
                when, basis = document_date, "document"
            if when is None:
                continue
            deadline = None
            if rule.detail in ("hsr_filed", "hsr_pull_and_refile"):
                for follow in sents[i : i + 2]:
                    dm = re.search(r"\b(?:will|would|is scheduled to|is set to) expire\b", follow, re.I)
                    if dm:
                        after = [d for p, d in _dates(follow, year_hint) if p > dm.start()]
                        deadline = after[0] if after else None
                        break
            taken.add(rule.detail)
            out.append(HsrEvent(rule.detail, rule.status, when, s, _agency(s), deadline, basis))
    return _collapse(out)


def _collapse(events: list[HsrEvent]) -> list[HsrEvent]:
    """One event per detail within ten days (a filing repeats itself: headline, body, exhibit): the first
    sentence-dated one stands, with the earliest date."""
    kept: list[HsrEvent] = []
    dated = {e.detail for e in events if e.date_basis == "sentence"}
    for e in events:
        if e.date_basis == "document" and e.detail in dated:
            continue  # an undated mention of an event the document dates elsewhere
        same = next((k for k in kept if k.detail == e.detail and abs((k.date - e.date).days) <= 10), None)
        if same is None:
            kept.append(e)
        elif same.date_basis == "document" and e.date_basis == "sentence":
            kept[kept.index(same)] = e
        elif e.date < same.date and e.date_basis == same.date_basis:
            same.date = e.date
    return kept
