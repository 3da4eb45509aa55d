"""HSR review and deal events in the parties' own prose (sec_edgar.md §6, status_vocabulary.md §3.5): 8-K exhibits,
merger proxies, tender-offer documents, 10-Q/10-K notes, and the press releases they quote.

A rule per kind of event: the words that state it as a fact, in the active or the passive voice, whoever is named
for the agency ("the FTC", "the Commission", "the Antitrust Division", "federal regulators"); the clause up to
those words must be factual (no condition, hedge, intention or definition), and the agency must be a US one.
Several events in one passage are each read. Dates are read as written (dates.py) and the event takes the one its
clause gives, not a deadline or an agreement's date beside it; an event whose text gives no date is kept, with the
filing's date when EDGAR gave one, and says so (``precision`` "none").

Must not import fetching or the store: records.py calls it with plain text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from mergerwatch.core.model import Status
from mergerwatch.sources.sec_edgar.dates import DateHit, read_dates

# The agencies, however a party or a reporter names them.
_AGENCY = (
    r"(?:(?:the\s+)?(?:U\.\s?S\.\s?|US\s+|United States\s+|federal\s+)?(?:Federal Trade Commission|FTC|"
    r"Department of Justice|Justice Department|DOJ|Antitrust Division(?:\s+of the (?:U\.\s?S\.\s?|United States\s+)?"
    r"Department of Justice)?|Commission|government|(?:federal |antitrust )?regulators|agency)(?:['’]s)?(?:\s*\(\W*"
    r"(?:the\s+)?\W*(?:FTC|DOJ)\W*\))?)"
)
# "The Commission" is the FTC in the FTC's own words, the SEC in a filing's: an agency only where the document
# names the FTC (extract's ftc_named).
_AGENCY_WORD = re.compile(
    r"\b(?:FTC|Federal Trade Commission|DOJ|Department of Justice|Justice Department|Antitrust Division|"
    r"(?:federal|antitrust) regulators)\b",
    re.I,
)
_FTC = re.compile(r"\bFTC\b|Federal Trade Commission|the Commission\b", re.I)
_DOJ = re.compile(r"\bDOJ\b|Department of Justice|Justice Department|Antitrust Division", re.I)
# Other regimes: an event of theirs is not an HSR review event.
_NON_US = re.compile(
    r"\b(?:Canad\w*|Competition Bureau|Competition Tribunal|European Commission|EC Merger|CMA|Competition and "
    r"Markets|SAMR|Bundeskartellamt|ACCC|CFIUS|Committee on Foreign Investment|Federal Communications Commission|"
    r"FCC|FERC|Federal Energy Regulatory|Surface Transportation|Securities and Exchange Commission|SEC)\b"
)
_HSR = re.compile(r"\bHSR\b|Hart[- ]Scott[- ]Rodino|Hard-Scott-Rodino|premerger notification|waiting period", re.I)
_SECOND = r"(?:second requests?|requests? (?:from [^;]{0,80}?)?for (?:additional|more) information|additional information and documentary materials?)"  # noqa: E501

# Words that make a clause not a statement of fact: conditions, hedges, intentions, futures, definitions.
_HEDGE = re.compile(
    r"\b(?:may|might|would|could|will|shall|should|must|can|cannot|if|unless|until|whether|subject to|"
    r"conditions? (?:to|of|precedent)|conditioned|expects?|expected|anticipated?|likely|intends?|intent|intention|"
    r"plans? to|seeks? to|no assurance|there can be|in the event|prior to the|assuming|required to|obligat\w*|"
    r"means|defined|refers? to|including|includes|such as|(?:after|once) (?:\w+ ){0,4}(?:has|have)|requested|"
    r"to request|request that|ask(?:ed)? (?:the|for)|not|no|never|neither|nor)\b",
    re.I,
)
# The agencies' policy on early termination (its suspension in 2021, its return in 2025): no deal's event.
_STATEMENT_OF_POLICY = re.compile(
    r"(?:suspen\w*|resum\w*|reinstat\w*|practice of)[^;]{0,60}?\b(?:grant\w*|process\w*)[^;]{0,20}?early termination|"
    r"\bearly termination (?:grants|program|practice|policy)",
    re.I,
)
_DRAFT = re.compile(r"\[\s*(?:[A-Z][a-z]+\s*\d{1,2},?\s*\d{4}|●|•|\s*)\s*\]")


@dataclass(frozen=True)
class Rule:
    detail: str
    status: Status | None
    pattern: re.Pattern[str]
    words: tuple[str, ...]  # one of these (lowered) must be in the sentence before the pattern is tried
    needs: tuple[str, ...] = ()  # the sentence must also say one of these (CONTEXTS)
    agency_led: bool = False  # an agency's act: none in a clause naming another regime


def _r(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.I)


# Gaps within one sentence (the text is split into sentences first): periods of "Inc." and "U.S." are inside.
_GAP = r"[^;]{0,%d}?"


def _gap(n: int) -> str:
    return _GAP % n


RULES: tuple[Rule, ...] = (
    Rule(
        "hsr_pull_and_refile",
        Status.notified,
        _r(
            rf"\bwithdr(?:ew|awn)\b{_gap(120)}\b(?:notification|hsr|filing|form)s?\b",
            rf"\b(?:refiled|re-filed|resubmitted)\b{_gap(80)}\b(?:notification|hsr|filing|form)",
        ),
        ("withdr", "refil", "re-fil", "resubmit"),
        ("hsr",),
    ),
    Rule(
        "hsr_filed",
        Status.notified,
        _r(
            r"\b(?<!re)(?<!re-)(?:filed|submitted|made)\b(?:(?!suit|lawsuit|complaint|against|fail)[^;]){0,160}?"
            r"\b(?:notification and report forms?|"
            r"(?:hsr|premerger|pre-merger)(?: act)? (?:notification|filing|report)s?|"
            r"notifications? (?:and report forms? )?(?:under|pursuant to) the (?:hsr|hart)|"
            r"filings? (?:under|pursuant to) the (?:hsr|hart)|hsr (?:act )?forms?)",
            rf"\b(?:notification and report forms?|hsr (?:act )?(?:notification|filing)s?)\b{_gap(80)}\b"
            r"(?:were|was|have been|had been) (?:filed|submitted)",
            rf"\bnotification of (?:a|the|their|its) filing\b{_gap(220)}(?:hsr|hart)",
        ),
        ("notification", "hsr", "premerger", "pre-merger", "hart"),
        ("hsr",),
    ),
    Rule(
        "hsr_early_termination",
        Status.cleared,
        _r(
            rf"\bgranted\b{_gap(80)}\bearly termination\b",
            rf"\bearly termination\b{_gap(160)}\b(?:was|were|has been|had been|have been) granted",
            rf"\b(?:announc\w*|received|obtained|receipt of)\b{_gap(40)}\bearly termination\b",
            rf"\bwaiting period\b{_gap(220)}\b(?:has|have|had) been (?:early )?terminated",
            rf"\bwaiting period\b{_gap(220)}\bwas (?:early )?terminated",
            rf"\bgranted\b{_gap(60)}\btermination of the\b{_gap(40)}\bwaiting period",
            r"\bterminated the (?:applicable )?(?:hsr )?(?:act )?waiting period",
        ),
        ("early termination", "waiting period"),
        ("hsr",),
    ),
    Rule(
        "hsr_second_request",
        Status.in_depth_review,
        _r(
            rf"\b(?:received|receipt of)\b{_gap(160)}{_SECOND}",
            rf"\b(?:issued|sent|made|served)\b{_gap(80)}{_SECOND}",
            rf"\b(?:second requests?|requests? for additional information)\b{_gap(140)}\b"
            r"(?:was|were|had been|has been) (?:issued|received|sent)",
            r"\b(?:were|was|have been|has been|had been) asked (?:by [^;]{0,80}? )?to (?:provide|produce|submit) "
            r"(?:more|additional|further) (?:details|information|documents)",
        ),
        ("second request", "additional information", "more information", "asked to", "asked by"),
        ("agency", "second"),
        agency_led=True,
    ),
    Rule(
        "hsr_substantial_compliance",
        None,
        _r(
            rf"\bcertified\b{_gap(40)}\bsubstantial compliance",
            r"\b(?:has|have|had)\s+substantially complied with",
            rf"\b(?:submitted|completed|finished)\b{_gap(40)}\b(?:responses?|productions?|submissions?)\b{_gap(60)}"
            r"\b(?:second requests?|requests? for additional information)",
        ),
        ("substantial compliance", "substantially complied", "second request", "additional information"),
        ("agency", "second", "hsr"),
    ),
    Rule(
        "hsr_timing_agreement",
        None,
        _r(
            r"\b(?:entered into|are parties to|is a party to|signed|executed|agreed to|reached)\s+(?:a|an)\s+"
            r"(?:(?:first|second|third|further)\s+)?(?:amendment to (?:the|their|its)\s+|amended\s+)?timing agreement",
            rf"\bagreed with\s+{_AGENCY}\s+to extend\b",
            r"\bextend(?:ed)? the timing agreement",
            rf"\b(?:entered into|reached)\s+(?:a|an)\s+(?:amended\s+)?agreement with\s+{_AGENCY}",
            rf"\bagreed to give\s+{_AGENCY}\s+(?:more|additional) time\b",
        ),
        ("timing agreement", "agreement with the", "agreed with the", "agreed to give"),
        ("agency", "timing"),
    ),
    Rule(
        "hsr_waiting_period_expired",
        Status.cleared,
        _r(
            rf"\bwaiting periods?\b{_gap(240)}\b(?:has|have|had)?\s*expired\b",
            rf"\b(?:announc\w*|confirm\w*|report\w*)\b{_gap(60)}\bexpiration of\b{_gap(80)}\bwaiting period",
            rf"\b(?:received|obtained|have|has)\b{_gap(20)}\bhsr (?:act )?clearance\b",
        ),
        ("expired", "expiration", "hsr clearance"),
        ("hsr",),
    ),
    Rule(
        "agency_review_closed",
        Status.cleared,
        _r(
            r"\b(?:closed|concluded|terminated|ended) (?:its|their|the) (?:investigation|review|inquiry)",
            rf"\b(?:announc\w*|confirm\w*|decided|voted)\b{_gap(40)}\b(?:clos(?:ing|ure) of|to close) "
            r"(?:its|their|the) (?:investigation|review|inquiry)",
            rf"\breceived\s+(?:(?:unconditional|antitrust|regulatory)\s+)?clearance\s+from\s+{_AGENCY}",
            rf"\bgranted\b{_gap(20)}\bclearance\b",
            rf"{_AGENCY}\s+{_gap(60)}\b(?:has|had)?\s*cleared\b{_gap(40)}\b(?:merger|transaction|acquisition|deal|"
            r"combination)",
            r"\bunconditionally cleared\b",
        ),
        ("investigation", "inquiry", "clearance", "cleared", "its review", "their review", "the review"),
        ("agency",),
        agency_led=True,
    ),
    Rule(
        "agency_complaint",
        Status.challenged,
        _r(
            rf"{_AGENCY}\s+{_gap(80)}\b(?:filed|instituted|commenced|brought|initiated|issued)\b{_gap(60)}\b"
            r"(?:administrative complaint|complaint|lawsuit|suit|civil action|action|proceeding|injunction|"
            r"litigation)\b",
            rf"{_AGENCY}\s+{_gap(60)}\b(?:sued|is suing|has sued|sues|filed suit)\b",
            rf"{_AGENCY}\s+{_gap(60)}\b(?:authorized|took|has taken)\b{_gap(30)}\baction\b{_gap(20)}\bto block\b",
            rf"{_AGENCY}\s+{_gap(40)}\bmoved to block\b",
            r"\b(?:administrative )?complaint\b,?\s+(?:was\s+)?(?:issued|filed)\s+on\b",
            rf"{_AGENCY}\s*(?:administrative\s+)?(?:lawsuit|complaint|suit)\W{{0,3}}\s*filed\b",
            rf"\b(?:blocked|challenged) by (?:a|an|the)\s+{_AGENCY}\s+(?:administrative\s+)?(?:lawsuit|complaint|suit)",
            rf"{_AGENCY}\s*(?:filing of\s+)?(?:a|an|its)?\s*(?:administrative\s+)?(?:lawsuit|complaint|suit)\b"
            rf"{_gap(20)}\b(?:filed|seeking|to block)",
        ),
        (
            "complaint",
            "lawsuit",
            "suit",
            "sued",
            "suing",
            "sues",
            "proceeding",
            "civil action",
            "litigation",
            "injunction",
            "to block",
        ),  # fmt: skip
        ("agency",),
        agency_led=True,
    ),
    Rule(
        "deal_terminated",
        Status.abandoned,
        _r(
            r"\b(?:terminated|ended|abandoned|called off)\s+(?:its|their|the|our)?\s*(?:\$[\d.,]+\s*(?:billion|million)"
            r"\s+)?(?:(?:previously announced|proposed|pending|planned)\s+)?(?:merger agreement|agreement|deal|"
            r"transaction|acquisition|merger|plan of merger|purchase agreement|business combination)",
            rf"\bagreed to terminate\b{_gap(60)}\b(?:agreement|transaction|merger|deal|acquisition)",
            r"\bannounc\w* the termination of\b",
            rf"\b(?:entered into|executed)\b{_gap(140)}\bto terminate\b{_gap(60)}\b(?:agreement|merger|transaction)",
            rf"\b(?:merger agreement|the agreement|the transaction|the deal)\b{_gap(40)}\b"
            r"(?:was|has been|had been|were) terminated",
        ),
        ("terminat", "ended", "abandoned", "called off"),
    ),
)


# The rules' words as one pattern over the lowered sentence, read once (a substring test per word and rule cost more
# than the rules); a word found stands for every rule word it holds ("early termination" holds "terminat").
def trie_pattern(words: list[str] | tuple[str, ...]) -> str:
    """An alternation of literal words, factored by their common beginnings ("second request|seeks" as
    "se(?:cond request|eks)"): the regex engine then tries one branch per position, not one per word (a third of
    the time over a 900 KB filing)."""
    tree: dict[str, Any] = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if optional else body

    return emit(tree)


_WORDS = sorted({w for rule in RULES for w in rule.words}, key=len, reverse=True)
_ANY_WORD = re.compile(trie_pattern(_WORDS))
_HOLDS = {w: frozenset(v for v in _WORDS if v in w) for w in _WORDS}
# Dates that are not the event's: a deadline, an agreement's or a period's end, the date a merger agreement bears.
_NOT_THE_EVENTS = re.compile(
    r"(?:until|before|prior to|through|no later than|by|ending|end date|dated(?: as of)?|scheduled|not later than|"
    r"to expire|will expire|would expire|announced on|originally announced|(?:from|to) \w+ \d+, \d{4} to)\W*"
    r"(?:at least\s+)?(?:[\d:.]+\s*(?:a\.m\.|p\.m\.)?\s*(?:,?\s*(?:New York City|Eastern|ET)\w*\s*(?:time)?)?,?\s*"
    r"(?:on\s+)?)?$",
    re.I,
)


@dataclass
class HsrEvent:
    detail: str
    status: Status | None
    date: date | None
    sentence: str
    agency: str | None
    deadline: date | None = None
    precision: str = "day"  # "day", "month", or "none" (no date in the text: the filing's date, or none)

    @property
    def date_basis(self) -> str:
        return "document" if self.precision == "none" else "sentence"


_ABBREV = re.compile(
    r"(?:\b(?:Inc|Corp|Co|Ltd|L\.P|N\.V|S\.A|plc|No|Nos|U\.S|Mr|Ms|Mrs|Dr|St|Ala|Tenn|Ill|Calif|Del|et al|vs|v|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|a\.m|p\.m|i\.e|e\.g|P\.M|A\.M|N\.Y|D\.C|Conn|Minn|Mass)|\b[A-Z])\.$"
)


_PARAGRAPH = re.compile(r"\n[ \t\xa0]*\n\s*")


def paragraphs(text: str) -> list[str]:
    """Paragraphs at blank lines, a heading apart from what follows; a block that ends mid-sentence (no closing
    punctuation, the next block going on in lower case) is joined to the next, as a layout of a line per block
    breaks it."""
    out: list[str] = []
    for block in _PARAGRAPH.split(text):
        block = " ".join(block.split())
        if not block:
            continue
        if out and not re.search(r"[.!?:;\"”’)]$", out[-1]) and block[:1].islower():
            out[-1] = f"{out[-1]} {block}"
        else:
            out.append(block)
    return out


@dataclass
class Split:
    """A text as sentences, once: the sentences, and their lowered text joined with where each begins (flagged)."""

    sents: list[str]
    low: str
    starts: list[int]


_BOUNDARY = re.compile(r"[.!?][\"”’)]?\s+(?=[A-Z\"“(])|\n")


def split(text: str) -> Split:
    """Sentences of plain text, paragraph by paragraph: split at a paragraph's end and after . ! ? before a capital
    or a quote, except after abbreviations."""
    joined = "\n".join(paragraphs(text)) if "\n" in text and _PARAGRAPH.search(text) else " ".join(text.split())
    sents: list[str] = []
    starts: list[int] = []
    start = 0
    for m in _BOUNDARY.finditer(joined):
        if m.group(0) != "\n" and _ABBREV.search(joined[max(start, m.start() - 15) : m.start() + 1]):
            continue  # the tail only: the pattern is anchored at the end
        piece = joined[start : m.end()].strip()
        if piece:
            sents.append(piece)
            starts.append(start)
        start = m.end()
    if joined[start:].strip():
        sents.append(joined[start:].strip())
        starts.append(start)
    return Split(sents, joined.lower(), starts)


def sentences(text: str) -> list[str]:
    return split(text).sents


def _event_date(sentence: str, hits: list[DateHit], start: int, end: int, clause: int) -> tuple[DateHit | None, int]:
    """The date of the event whose words span start..end, and how surely it is the event's (3 to 0): one that
    leads its clause ("On June 26, 2015, …", 3), else one written after the words with "on", "effective" or "as
    of" (2), else one that opens the clause after a comma (a dateline, 1), else the nearest (0); never a deadline or
    another date beside it ("until February 28, 2013", "dated December 8, 2013")."""
    usable = [h for h in hits if not _NOT_THE_EVENTS.search(sentence[max(0, h.start - 60) : h.start])]
    if not usable:
        return None, 0
    before = [h for h in usable if clause <= h.start < start]
    led = [h for h in before if _LEADS.search(sentence[max(clause, h.start - 6) : h.start])]
    if led:
        return led[-1], 3
    for h in (h for h in usable if end <= h.start <= end + 240):
        if _ATTACHED.search(sentence[end : h.start]):
            return h, 2
    opening = [h for h in before if re.search(r"[,;:]\s*$", sentence[max(clause, h.start - 6) : h.start])]
    if opening:
        return opening[-1], 1
    pool = [h for h in usable if h.start >= clause] or usable
    return min(pool, key=lambda h: min(abs(h.start - start), abs(h.start - end))), 0


_LEADS = re.compile(r"(?:^|\b[Oo]n|\bIn|\b[Aa]s of)\s*$")
_ATTACHED = re.compile(r"(?:effective|\bon|as of|\bin|p\.m\.[^,]*,?|\bat\b[^,]*,?)\s*$", re.I)


_FTC_NAMED = re.compile(r"\bFTC\b|Federal Trade Commission")


def _agency(sentence: str) -> str | None:
    ftc, doj = _FTC.search(sentence), _DOJ.search(sentence)
    if ftc and doj:
        return "FTC" if ftc.start() < doj.start() else "DOJ"
    return "FTC" if ftc else "DOJ" if doj else None


def extract(text: str, document_date: date | None = None, parts: Split | None = None) -> list[HsrEvent]:
    """Every HSR or deal event the text states as a fact, in the order written (one per detail and date).
    ``parts``: the text split already (split())."""
    out: list[HsrEvent] = []
    parts = split(text) if parts is None else parts
    sents = parts.sents
    ftc_named = bool(_FTC_NAMED.search(text))
    for i in flagged(parts, _ANY_WORD):
        s = sents[i]
        low = s.lower()
        words = frozenset().union(*(_HOLDS[w] for w in _ANY_WORD.findall(low)))
        excluded: bool | None = None  # a draft's blank date or the agencies' policy: read once a rule matches
        hits: list[DateHit] | None = None
        taken: set[str] = set()
        ctx = _Context(s, low, ftc_named)
        for rule in RULES:
            if rule.detail == "hsr_waiting_period_expired" and "hsr_pull_and_refile" in taken:
                continue  # "… a new 30-day waiting period, which expired …" is the refile's, not a clean expiry
            if words.isdisjoint(rule.words) or not ctx.has(rule.needs):
                continue
            matches = _factual_matches(rule, s)
            if not matches:
                continue
            if excluded is None:
                excluded = bool(_DRAFT.search(s) or _STATEMENT_OF_POLICY.search(s))
            if excluded:
                break
            if hits is None:
                hits = read_dates(s, document_date)
            # the statement of the event whose date is surest: a headline and its body say it twice
            hit = max(
                (_event_date(s, hits, m.start(), m.end(), _clause_start(s, m.start())) for m in matches),
                key=lambda dq: dq[1],
            )[0]
            deadline = _stated_expiry(sents[i : i + 2], document_date) if rule.detail in (
                "hsr_filed", "hsr_pull_and_refile") else None  # fmt: skip
            taken.add(rule.detail)
            if hit is None:
                out.append(HsrEvent(rule.detail, rule.status, document_date, s, _agency(s), deadline, "none"))
            else:
                out.append(HsrEvent(rule.detail, rule.status, hit.date, s, _agency(s), deadline, hit.precision))
    return _collapse(out)


def flagged(parts: Split, pattern: re.Pattern[str]) -> list[int]:
    """The sentences in which ``pattern`` finds a word of the lowered text, by index: one scan of the whole text that
    skips to the next sentence at each find, not a call per sentence (most sentences say nothing of a review)."""
    out: list[int] = []
    low, starts = parts.low, parts.starts
    pos = 0
    while (m := pattern.search(low, pos)) is not None:
        i = bisect.bisect_right(starts, m.start()) - 1
        out.append(i)
        pos = starts[i + 1] if i + 1 < len(starts) else len(low)
    return out


class _Context:
    """What a sentence says besides a rule's words, each read once and only when a rule asks (CONTEXTS)."""

    def __init__(self, s: str, low: str, ftc_named: bool) -> None:
        self.s, self.low, self.ftc_named = s, low, ftc_named
        self._seen: dict[str, bool] = {}

    def has(self, kinds: tuple[str, ...]) -> bool:
        return not kinds or any(self._has(k) for k in kinds)

    def _has(self, kind: str) -> bool:
        if kind not in self._seen:
            if kind == "hsr":
                self._seen[kind] = bool(_HSR.search(self.s))
            elif kind == "agency":
                named = bool(_AGENCY_WORD.search(self.s))
                self._seen[kind] = named or (self.ftc_named and "the commission" in self.low)
            elif kind == "second":
                self._seen[kind] = "second request" in self.low or "additional information" in self.low
            else:  # "timing"
                self._seen[kind] = "timing agreement" in self.low
        return self._seen[kind]


def _factual_matches(rule: Rule, s: str) -> list[re.Match[str]]:
    """The rule's matches in ``s`` whose clause, up to the event's words, states a fact (of a US agency)."""
    out = []
    for m in rule.pattern.finditer(s):
        clause = s[_clause_start(s, m.start()) : m.end()]
        if _HEDGE.search(clause):
            continue
        if rule.agency_led and _NON_US.search(clause) and not _AGENCY_WORD.search(clause):
            continue
        if rule.agency_led and _NON_US.search(s[max(0, m.start() - 40) : m.end()]):
            continue
        if rule.detail == "deal_terminated" and _NOT_TERMINATED.search(clause):
            continue
        out.append(m)
    return out


_NOT_TERMINATED = re.compile(r"right to terminate|termination fee|may terminate", re.I)


_CLAUSE_BREAK = re.compile(r";|:\s|\((?:[ivx]{1,4}|[a-h])\)\s")


def _clause_start(s: str, pos: int) -> int:
    """Where the clause holding ``pos`` begins: after a semicolon, a colon or a list item's "(ii)"."""
    start = 0
    for b in _CLAUSE_BREAK.finditer(s, 0, pos):
        start = b.end()
    return start


def _stated_expiry(window: list[str], document_date: date | None) -> date | None:
    """The initial period's expiry the filing states beside the HSR filing ("… will expire at 11:59 p.m. … on
    September 16, 2024"): the filing's deadline."""
    for follow in window:
        dm = re.search(r"\b(?:will|would|is scheduled to|is set to) expire\b", follow, re.I)
        if dm:
            after = [h.date for h in read_dates(follow, document_date) if h.start > dm.start() and h.precision == "day"]
            return after[0] if after else None
    return None


def _collapse(events: list[HsrEvent]) -> list[HsrEvent]:
    """One event per detail within ten days (a filing repeats itself: headline, body, exhibit): the first one dated
    by its text stands, with the earliest date; a mention without a date of an event dated elsewhere goes."""
    kept: list[HsrEvent] = []
    dated = {e.detail for e in events if e.precision != "none"}
    for e in events:
        if e.precision == "none" and e.detail in dated:
            continue
        same = next((k for k in kept if k.detail == e.detail and _near(k, e)), None)
        if same is None:
            kept.append(e)
        elif same.precision == "none" and e.precision != "none":
            kept[kept.index(same)] = e
        elif same.precision == "month" and e.precision == "day":
            kept[kept.index(same)] = e
        elif e.date and same.date and e.date < same.date and e.precision == same.precision:
            same.date = e.date
    return kept


def _near(a: HsrEvent, b: HsrEvent) -> bool:
    if a.date is None or b.date is None:
        return True
    limit = 31 if "month" in (a.precision, b.precision) else 10
    return abs((a.date - b.date).days) <= limit
