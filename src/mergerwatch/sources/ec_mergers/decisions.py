"""What the Commission decided and did: its 58 decision codes, the rules that map a decision's label to a status and
a detail code (by article of Regulation 139/2004), the procedure flags and the case events (eu_commission.md §0)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from mergerwatch.core.model import Status, StatusEvent
from mergerwatch.core.names import clean_text
from mergerwatch.sources.base import first
from mergerwatch.sources.ec_mergers.values import ec_date, json_in_string

# Every decision code of the real dump with its label (eu_commission.md §0: 58 code/label pairs, 39 labels). Codes
# follow the regulation, not the surface: 310 (4064/89 cases) and 20310 are both Art. 6(1)(b). The search API uses
# the same codes (§3.4 attests 20310 and 201316), so one table serves both; a code given without its label is read
# through this table, a label is read as it stands (trimmed).
DECISION_CODES: dict[str, str] = {
    "DecisionType2090": "2/3 rule",
    "DecisionType1265": "Art. 14", "DecisionType1465": "Art. 14",
    "DecisionType1275": "Art. 18 (Statement of Objections)",
    "DecisionType1280": "Art. 19 (Advisory Committee)",
    "DecisionType1290": "Art. 21(3)", "DecisionType290": "Art. 21(3)", "DecisionType1490": "Art. 21(4)",
    "DecisionType201310": "Art. 22 Full referral", "DecisionType201314": "Art. 22 Refusal of referral",
    "DecisionType201220": "Art. 4(4) - Full referral", "DecisionType201240": "Art. 4(4) - No referral",
    "DecisionType201203": "Art. 4(4) - Partial referral",
    "DecisionType201316": "Art. 4(5) referral",
    "DecisionType20300": "Art. 6(1)(a)", "DecisionType300": "Art. 6(1)(a)",
    "DecisionType20310": "Art. 6(1)(b)", "DecisionType310": "Art. 6(1)(b)",
    "DecisionType20212": "Art. 6(1)(b) with conditions & obligations",
    "DecisionType440": "Art. 6(1)(b) with conditions & obligations",
    "DecisionType2014": "Art. 7(3)", "DecisionType20214": "Art. 7(3)", "DecisionType20689": "Art. 7(3)",
    "DecisionType201317": "Art. 7(3) refusal",
    "DecisionType20682": "Art. 8(1)", "DecisionType590": "Art. 8(2)",
    "DecisionType20600": "Art. 8(2) with conditions & obligations",
    "DecisionType600": "Art. 8(2) with conditions & obligations",
    "DecisionType20610": "Art. 8(3)", "DecisionType610": "Art. 8(3)",
    "DecisionType1240": "Art. 8(4)", "DecisionType664": "Art. 8(4)", "DecisionType201343": "Art. 8(4)(b)",
    "DecisionType20330": "Art. 9(3) full referral", "DecisionType330": "Art. 9(3) full referral",
    "DecisionType20230": "Art. 9(3) partial referral", "DecisionType230": "Art. 9(3) partial referral",
    "DecisionType510": "Art. 9(3) partial referral",
    "DecisionType20240": "Art. 9(3) refusal of referral", "DecisionType20620": "Art. 9(3) refusal of referral",
    "DecisionType240": "Art. 9(3) refusal of referral", "DecisionType620": "Art. 9(3) refusal of referral",
    "DecisionType20730": "Decision on the implementation of remedies",
    "DecisionType201290": "Decision under remedy review clause",
    "DecisionType201300": "Decision under remedy review clause",
    "DecisionType201338": "Decision under remedy review clause",
    "DecisionType2022201356": "Modification of Art. 6(1)(b) with conditions & obligations",
    "DecisionType2022201355": "Modification of Art. 8(2) with conditions & obligations",
    "DecisionType1500": "No substance",
    "DecisionType201250": "Purchaser approval", "DecisionType201260": "Purchaser approval",
    "DecisionType201345": "Rejection of a request to act", "DecisionType2022201353": "Rejection of a request to act",
    "DecisionType2024201365": "Withdrawal of Art. 14 decision",
    "DecisionType2024201361": "Withdrawal of Art. 6(1)(c) decision",
    "DecisionType2024201362": "Withdrawal of Art. 8(3) decision",
    "DecisionType2024201366": "Withdrawal of Art. 8(4)(a) decision",
    "DecisionType2024201363": "Withdrawal of Art. 8(5)(a) decision",
    "DecisionType2024201364": "Withdrawal of Art. 8(5)(c) decision",
}  # fmt: skip


def decision_label(value: str) -> str:
    """A decision type as its label: a known code through the table, a label trimmed."""
    v = value.strip()
    return DECISION_CODES.get(v, v)


def canonical_procedure(value: Any) -> str | None:
    """The six real ``caseSimplified`` spellings (and the ISEF N/Y, the search API's ME* codes) as
    ``normal`` / ``simplified`` / ``super_simplified``."""
    text = re.sub(r"[\s_-]+", "", str(first(value) or "").lower()).removeprefix("me").removesuffix("procedure")
    return {"normal": "normal", "n": "normal", "simplified": "simplified", "y": "simplified",
            "supersimplified": "super_simplified"}.get(text)  # fmt: skip


PHASE_STATUS = {
    "PreNotificationPhaseMerger": (Status.pre_notification, "ec_pre_notification"),
    "FormalInvestigationPhase1Merger": (Status.notified, "ec_phase_1"),
    "FormalInvestigationPhase2Merger": (Status.in_depth_review, "ec_phase_2"),
    "InDepthInvestigationPhase2Merger": (Status.in_depth_review, "ec_phase_2"),
}


def _art(spec: str) -> str:
    """A regex for an article reference: ``8(2)`` matches "Art. 8(2)", "Art 8 (2)", "Article 8(2)"."""
    parts = re.findall(r"\d+|[a-z]", spec)
    return r"art(?:icle)?\.?\s*" + r"\s*".join(p if i == 0 else rf"\(\s*{p}\s*\)" for i, p in enumerate(parts))


_CONDITIONS = r"condition|obligation|commitment"
# Ordered: the first rule whose every pattern matches the decision's label text decides. (status None = informational:
# history that never changes the case's status; eu_commission.md §0.3)
DECISION_RULES: list[tuple[tuple[str, ...], Status | None, str]] = [
    ((r"modif|waiver|amend",), None, "ec_commitments_modified"),
    ((r"purchaser approval",), None, "ec_purchaser_approval"),
    ((r"remedy review|review clause",), None, "ec_remedy_review"),
    ((r"implementation of remedies",), None, "ec_remedy_implementation"),
    # The Commission's withdrawal of its own decisions (Illumina/Grail, after the Court's judgment): the case is
    # closed by the Commission, not abandoned by the parties. A withdrawn fine is history only.
    ((r"withdrawal of .*" + r"art(?:icle)?\.?\s*14\b",), None, "ec_fine_withdrawn"),
    ((r"withdrawal of .*decision",), Status.closed, "ec_decision_withdrawn"),
    ((r"withdraw",), Status.abandoned, "ec_notification_withdrawn"),
    # Refusals are not referrals: the case stays where it was.
    ((r"refusal|no referral|not to refer",), None, "ec_referral_refused"),
    ((r"rejection of a request",), None, "ec_request_rejected"),
    ((r"partial referral",), None, "ec_partial_referral"),
    ((r"2/3 rule",), Status.closed_no_jurisdiction, "ec_two_thirds_rule"),
    ((r"no substance",), None, "ec_no_substance"),
    ((r"art(?:icle)?\.?\s*1[89]\b|statement of objections|advisory committee",), None, "ec_procedural_step"),
    ((r"art(?:icle)?\.?\s*21\b",), None, "ec_art_21"),
    ((_art("8(3)"),), Status.prohibited, "ec_art_8_3"),
    ((_art("8(4)"),), Status.dissolution_ordered, "ec_art_8_4"),
    ((_art("8(6)") + "|" + _art("6(3)"),), Status.revoked, "ec_revocation"),
    ((_art("8(2)"), _CONDITIONS), Status.cleared_with_remedies, "ec_art_8_2_conditions"),
    ((_art("8(2)"),), Status.cleared, "ec_art_8_2"),
    ((_art("8(1)"),), Status.cleared, "ec_art_8_1"),
    ((_art("8(5)"),), None, "ec_art_8_5_interim"),
    ((_art("6(1)(c)"),), Status.in_depth_review, "ec_art_6_1_c"),
    (
        (_art("6(1)(b)") + "|" + _art("6(2)"), _CONDITIONS + "|" + _art("6(2)")),
        Status.cleared_with_remedies,
        "ec_art_6_1_b_conditions",
    ),
    ((_art("6(1)(b)"),), Status.cleared, "ec_art_6_1_b"),
    ((_art("6(1)(a)"),), Status.closed_no_jurisdiction, "ec_art_6_1_a"),
    ((_art("4(4)"),), Status.referred, "ec_art_4_4_to_member_state"),
    ((_art("4(5)"),), Status.notified, "ec_art_4_5_to_commission"),
    ((_art("9(3)") + r"|art\.?\s*9\b",), Status.referred, "ec_art_9_3_to_member_state"),
    ((r"art(?:icle)?\.?\s*22",), Status.under_review, "ec_art_22_to_commission"),
    ((_art("7(3)"),), None, "ec_art_7_3_derogation"),
    ((r"art(?:icle)?\.?\s*14\b",), None, "ec_art_14_fine"),
]


def classify_decision(labels: list[str]) -> tuple[Status | None, str]:
    """Map a decision's type label(s) to a status (None = informational) and a detail code, by article."""
    text = " + ".join(decision_label(x) for x in labels).lower()
    for patterns, status, detail in DECISION_RULES:
        if text.strip() and all(re.search(p, text) for p in patterns):
            return status, detail
    return Status.unknown, "ec_unknown_decision"


def summarise_unknown(source: str, warnings: list[str]) -> list[str]:
    """Unknown decision types once each, with how many cases carry them, instead of one warning per case."""
    counts: dict[str, int] = {}
    rest = []
    for w in warnings:
        if w.startswith("\0unknown-decision\0"):
            raw = w.split("\0", 2)[2]
            counts[raw] = counts.get(raw, 0) + 1
        else:
            rest.append(w)
    for raw, n in sorted(counts.items()):
        rest.append(f"{source}: decision type '{raw}' matches no rule in {n} decision(s); kept verbatim as 'unknown'")
    return rest


def decision_event(labels: list[str], adopted: date | None, url: str | None, warnings: list[str]) -> StatusEvent:
    """One decision as a dated event; a type no rule maps is counted (summarise_unknown) and kept as ``unknown``."""
    status, detail = classify_decision(labels)
    raw = " + ".join(decision_label(x) for x in labels) or "decision of unknown type"
    if status is Status.unknown:
        # one warning per distinct type per payload, with its count (added up in summarise_unknown)
        warnings.append(f"\0unknown-decision\0{raw}")
    return StatusEvent(status=status, status_raw=raw, date=adopted, detail=detail, url=url)


# What the Commission's case events say (eu_commission.md §0.10): dated history that never changes a case's status.
_CASE_EVENT_RULES = [
    (r"deadline extended", "ec_deadline_extended"),
    (r"deadline suspended", "ec_deadline_suspended"),
    (r"suspen", "ec_deadline_suspended"),
    (r"commitments? submitted|commitments? offered", "ec_commitments_submitted"),
    (r"art(?:icle)?\.?\s*9\b.*request|request.*art(?:icle)?\.?\s*9\b", "ec_art_9_request"),
    (r"art(?:icle)?\.?\s*22\b.*request|request.*art(?:icle)?\.?\s*22\b", "ec_art_22_request"),
    (r"art(?:icle)?\.?\s*4\s*\(\s*5\s*\)", "ec_art_4_5_request"),
    (r"art(?:icle)?\.?\s*4\s*\(\s*4\s*\)", "ec_art_4_4_request"),
    (r"statement of objections", "ec_statement_of_objections"),
    (r"hearing", "ec_hearing"),
    (r"advisory committee", "ec_advisory_committee"),
    (r"withdraw", "ec_notification_withdrawn_event"),
]


def _event_name(value: Any) -> tuple[str, Any]:
    """(name, date or None) of one ``caseEvents`` entry: a string, or an object (JSON or JSON-in-string) whose
    name is under ``name``/``label``/``eventName``/``title`` and whose date, when it carries one, under a key
    naming a date."""
    value = json_in_string(value)
    if isinstance(value, dict):
        name = next((value[k] for k in ("name", "label", "eventName", "title", "code") if value.get(k)), "")
        when = next((v for k, v in value.items() if "date" in k.lower() and v), None)
        return clean_text(str(first(name) or "")), when
    return clean_text(str(value or "")), None


def case_events(meta: dict[str, Any]) -> list[StatusEvent]:
    """``caseEvents`` / ``caseTimelineEvents`` as dated informational events. The names ("Deadline extended by 10
    working days under article 10(3)2 on") end where the date would follow; the dates come either inside each
    event or in the parallel list ``caseEventsDates`` / ``caseTimelineEventsDates``, paired by position."""
    out: list[StatusEvent] = []
    seen: set[tuple[str, Any]] = set()
    for names_key, dates_key in (("caseEvents", "caseEventsDates"), ("caseTimelineEvents", "caseTimelineEventsDates")):
        names = json_in_string(meta.get(names_key))
        if names in (None, "", []):
            continue
        names = names if isinstance(names, list) else [names]
        dates = json_in_string(meta.get(dates_key))
        dates = dates if isinstance(dates, list) else ([dates] if dates else [])
        for i, item in enumerate(names):
            name, when = _event_name(item)
            if not name:
                continue
            if when is None and i < len(dates):
                when = dates[i]
            try:
                day = ec_date(when)
            except (ValueError, TypeError):
                day = None
            label = re.sub(r"\s+on\s*$", "", name).strip()
            if (label, day) in seen:  # the two lists can name the same event
                continue
            seen.add((label, day))
            low = label.lower()
            detail = next((d for pat, d in _CASE_EVENT_RULES if re.search(pat, low)), "ec_case_event")
            out.append(StatusEvent(status=None, status_raw=label, date=day, detail=detail))
    return out
