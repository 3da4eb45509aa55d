"""Readable rules that decide whether a US press release or Federal Register notice is a merger matter, what
status it signals, and who the parties are.

A wrong merger event is worse than a missing one: a rule fires only on wording that names a merger action, and
where the title cannot decide (a DOJ Tunney Act notice, an FTC competition consent) the body text decides; with no
text at hand the answer is "undetermined", never a guess. Every decision carries the rule that made it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mergerwatch.core.model import Party, Role, Status
from mergerwatch.core.names import clean_text

MERGER = "merger"  # a merger matter with a status signal
MERGER_INFO = "merger_info"  # about a merger, but informational (order modification, comments answered)
NOT_MERGER = "not_merger"
UNDETERMINED = "undetermined"


@dataclass
class Decision:
    kind: str
    status: Status | None = None
    detail: str | None = None
    rule: str = ""
    parties: list[Party] = field(default_factory=list)
    basis: str = "text"

    @property
    def is_merger(self) -> bool:
        return self.kind in (MERGER, MERGER_INFO)


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text, re.I) is not None


# --- party extraction ------------------------------------------------------------------------------

# A company name as written in prose: capitalised words, with "of", "&", "de" inside and a legal form after a comma.
_CAP = r"[A-Z0-9][\w&.'’\-]*"
_NAME = rf"{_CAP}(?:,?\s(?:{_CAP}|&|of|de|du|la|von|van))*"
_LOWER_PREFIX = r"(?:[a-z][a-z\-]*\s){0,3}"  # "oil producer ", "energy infrastructure company "


def parties_from_text(title: str, body: str = "") -> list[Party]:
    """Acquirer and target from the common wordings; [] when none is found (the caller says so)."""
    t = clean_text(title)
    b = clean_text(body)[:4000]
    for text in (b, t):
        m = re.search(
            rf"({_NAME})(?:’s|'s|'|’)\s+(?:\([^)]*\)\s+)?(?:proposed\s+|planned\s+)?"
            rf"(?:acquisition of|merger with|purchase of)\s+{_LOWER_PREFIX}"
            rf"(?:substantially all of the assets of\s+)?({_NAME})",
            text,
        )
        if m:
            return _pair(m.group(1), m.group(2))
        m = re.search(rf"(?:acquisition|purchase) of\s+{_LOWER_PREFIX}({_NAME})\s+by\s+({_NAME})", text)
        if m:
            return _pair(m.group(2), m.group(1))
    m = re.search(
        r"\bin\s+(?:the\s+)?([A-Z][\w.&]*(?:\s[A-Z][\w.&]*)?)[-–]([A-Z][\w.&]*(?:\s[A-Z][\w.&]*)?)\s+"
        r"(?:Deal|Merger|Acquisition)",
        t,
    )
    if m:
        return _pair(m.group(1), m.group(2))
    # Federal Register: "United States v. A, B, and C; ..." / FTC "A/B; Analysis ..." / "A and B; Analysis ..."
    m = re.match(r"United States(?: of America)?(?:,? et al\.?)?\s+v\.\s+(.+?)(?:;|:|\s+Proposed Final|\s+Response)", t)
    if m:
        names = re.split(r",\s*(?:and\s+)?|\s+and\s+", re.sub(r",?\s+et\s+(?:al|ano)\.?", "", m.group(1)))
        names = [
            n.strip(" .")
            for n in names
            if n.strip(" .")
            and not re.fullmatch(r"(?:Inc|LLC|L\.?P|Ltd|Corp|Co|S\.A|AB|AG|N\.V|plc)\.?", n.strip(" ."), re.I)
        ]
        return [Party(name=n, role=Role.other) for n in names]
    m = re.match(r"(.+?);\s*Analysis", t)
    if m:
        names = [n.strip() for n in re.split(r"\s*/\s*|\s+and\s+|,\s+(?:and\s+)?", m.group(1)) if n.strip()]
        names = [n for n in names if not re.fullmatch(r"(?:Inc|LLC|et al)\.?", n, re.I)]
        return _pair(*names) if len(names) == 2 else [Party(name=n, role=Role.other) for n in names]
    return []


def _pair(a: str, b: str) -> list[Party]:
    def tidy(n: str) -> str:
        n = re.split(r"(?<=[a-z]{2})\.\s+(?=[A-Z])", n)[0]  # a sentence ended inside the match ("Corp. The")
        return re.sub(r"^(?:The|private equity firm|firm)\s+", "", n.strip(" ,.;'’"))

    return [Party(name=tidy(a), role=Role.acquirer), Party(name=tidy(b), role=Role.target)]


# --- FTC and DOJ press releases -------------------------------------------------------------------

_ACQ = r"acqui(?:re|res|red|sition|sitions)|merger|merge|deal|divest"


def classify_press(title: str, body: str, agency: str) -> Decision:
    """FTC or DOJ competition press release, from title and body together."""
    t = clean_text(title)
    b = clean_text(body)
    both = f"{t} {b[:3000]}"

    def d(kind: str, status: Status | None, detail: str | None, rule: str) -> Decision:
        return Decision(kind, status, detail, rule, parties_from_text(t, b) if kind != NOT_MERGER else [])

    # Process, policy and people: never a merger event.
    if _has(r"gun[- ]jumping|pre-?merger reporting act violations|civil penalt", t):
        return d(NOT_MERGER, None, "hsr_violation", "HSR process violation (civil penalty), not a merger review")
    if _has(
        r"threshold|guidelines|appoints|announces .*agenda|workshop|staff report|study|publishes|"
        r"summary of key accomplishments|task force|inquiry on|policy statement",
        t,
    ):
        return d(NOT_MERGER, None, None, "policy, thresholds, guidelines, studies, people or events")
    if _has(r"reaffirm opposition|certificate of public advantage|\bCOPA\b", both) and _has(r"staff", t):
        return d(NOT_MERGER, None, "advocacy", "staff advocacy before a state body, not an agency merger case")
    # Post-remedy order changes about an earlier merger: informational.
    if _has(r"petition to (?:modify|reopen|set aside)|set aside .*order|modify .*order", t):
        if _has(_ACQ, b[:1500]):
            return d(MERGER_INFO, None, "post_remedy_order_change", "petition to modify/set aside a merger order")
        return d(NOT_MERGER, None, None, "order modification unrelated to an acquisition")
    if _has(r"win blocking|(?:court|judge) (?:blocks|blocked)|\bblocked\b", t) and not _has(r"sues? to block", t):
        return d(MERGER, Status.prohibited, "court_blocked", "court blocked the deal (title)")
    if _has(r"grant of early termination", t):
        return d(MERGER, Status.cleared, "hsr_early_termination", "early termination granted (title)")
    if _has(r"abandon|terminat\w+ .*(?:merger|acquisition|deal)|call(?:s|ed)? off", t) and _has(_ACQ, both):
        return d(MERGER, Status.abandoned, "abandoned", "parties abandoned the deal (title)")
    if _has(r"(?:final (?:consent )?order|consent order|settlement|requires? .*divest|divestiture)", t) and _has(
        r"\b(?:deal|merger|acquisition)\b", t
    ):
        return d(MERGER, Status.cleared_with_remedies, "consent_order", "consent order / divestiture in a deal (title)")
    if _has(r"requires? .* to divest|to proceed with divestiture", t):
        return d(MERGER, Status.cleared_with_remedies, "consent_divestiture", "divestiture required (title)")
    if _has(r"challenges? .*(?:deal|merger|acquisition)|sues? to block|suit to block|seeks? to block", t) or _has(
        r"sued to block [^.]{0,200}acquisition|administrative complaint [^.]{0,200}acquisition|"
        r"lawsuit to block [^.]{0,200}acquisition|challenging [^.]{0,200}proposed acquisition",
        b[:1500],
    ):
        return d(
            MERGER, Status.challenged, f"{agency.lower()}_suit_to_block", "suit or complaint to block an acquisition"
        )
    if _has(r"closing (?:of )?(?:its )?investigation|closes (?:its )?investigation", t) and _has(_ACQ, both):
        return d(MERGER, Status.cleared, "agency_review_closed", "investigation of the deal closed")
    if _has(r"second request", both) and _has(r"issued|received", both):
        return d(MERGER, Status.in_depth_review, "hsr_second_request", "second request disclosed")
    # An order or settlement whose body is about acquisitions, without a single deal in the title.
    if _has(r"secures (?:order|settlement)|settlement|consent order|final order", t):
        if _has(r"anticompetitive acquisitions|acquisition of|merger", b[:1500]) and not _has(
            r"no-hire|non-?compete|consumers? were|deceptive", both
        ):
            return d(
                MERGER_INFO, None, "acquisition_related_order", "order about acquisitions (body), no single deal event"
            )
        return d(NOT_MERGER, None, None, "order or settlement in a conduct or consumer case (no acquisition)")
    if _has(r"\bsues?\b|lawsuit|complaint|charges", t):
        return d(NOT_MERGER, None, None, "'sues' without an acquisition: conduct case")
    return d(NOT_MERGER, None, None, "no merger wording in title or body")


# --- Federal Register notices ----------------------------------------------------------------------

PFJ = re.compile(r"Proposed Final Judgments?(?:,\s*Stipulation)?\s+and\s+Competitive Impact Statement", re.I)
CONSENT = re.compile(
    r"Analysis of (?:Proposed )?(?:Agreements? Containing )?Consent Orders?|Analysis of Consent Order", re.I
)
RESPONSE = re.compile(
    r"Response (?:of (?:Plaintiff )?(?:the )?United States )?to Public Comments?|"
    r"Public Comments and Response",
    re.I,
)


def classify_fr(title: str, abstract: str | None, body: str | None) -> Decision:
    t = clean_text(title)
    a = clean_text(abstract or "")
    a = "" if a.lower() == "no summary provided." else a
    text = clean_text(body or "")
    if _has(r"Granting of Requests? for Early Termination", t):
        return Decision(
            MERGER,
            Status.cleared,
            "hsr_early_termination",
            "early-termination listing; the transactions are in the body",
            [],
            "structured",
        )
    if _has(r"Premerger Notification;? Reporting and Waiting Period", t):
        return Decision(NOT_MERGER, None, "hsr_rulemaking", "HSR rulemaking")
    if CONSENT.search(t):
        if _has(r"unfair or deceptive acts or practices", a):
            return Decision(NOT_MERGER, None, "consumer_protection", "consent analysis: unfair or deceptive practices")
        if _has(r"non-?compete|no-?hire|no-?poach", t):
            return Decision(NOT_MERGER, None, "conduct", "consent analysis about restrictive agreements (title)")
        if text:
            return _by_text(t, text, "ftc_consent_accepted_for_comment")
        parties = parties_from_text(t)
        if _has(r"unfair methods of competition", a) and (_has(r"/", t.split(";")[0]) or len(parties) == 2):
            # the FTC names merger consents "Acquirer/Target" or "A and B"
            return Decision(
                MERGER,
                Status.cleared_with_remedies,
                "ftc_consent_accepted_for_comment",
                "competition consent naming two companies (Acquirer/Target form)",
                parties,
            )
        return Decision(UNDETERMINED, None, None, "consent analysis: acquisition or conduct? needs the text", parties)
    if PFJ.search(t):
        if text:
            return _by_text(t, text, "doj_settlement_proposed")
        return Decision(
            UNDETERMINED,
            None,
            None,
            "Tunney Act notice: merger, conduct or HSR penalty? needs the text",
            parties_from_text(t),
        )
    if RESPONSE.search(t):
        if text and not _has(r"Section 7 of the Clayton Act|acquisition", text):
            return Decision(NOT_MERGER, None, None, "response to comments in a non-merger case (text)")
        return Decision(
            MERGER_INFO if text else UNDETERMINED,
            None,
            "doj_comments_answered",
            "response to public comments (procedure)",
            parties_from_text(t),
        )
    return Decision(NOT_MERGER, None, None, "no merger notice pattern in the title")


def _by_text(title: str, text: str, detail: str) -> Decision:
    parties = parties_from_text(title, text)
    if _has(r"Section 7A|civil penalt|Hart-Scott-Rodino Act.{0,80}(?:violat|fail)", text[:6000]) and not _has(
        r"Section 7 of the Clayton Act", text[:6000]
    ):
        return Decision(NOT_MERGER, None, "hsr_violation", "cites Section 7A / civil penalty: HSR violation", parties)
    if _has(r"Section 7 of the Clayton Act|15 U\.S\.C\.? §?\s*18\b", text[:8000]) and _has(r"acqui|merg", text[:8000]):
        return Decision(
            MERGER,
            Status.cleared_with_remedies,
            detail,
            "cites Section 7 of the Clayton Act and an acquisition",
            parties,
        )
    if _has(r"Sherman Act|Section 5 of the FTC Act", text[:8000]) and not _has(r"acquisition", text[:8000]):
        return Decision(NOT_MERGER, None, "conduct", "cites the Sherman Act / Section 5 with no acquisition", parties)
    return Decision(
        UNDETERMINED, None, None, "the text neither cites Section 7 with an acquisition nor a conduct law", parties
    )
