"""The words of the trade, in one place: the cross-jurisdiction statuses (shared/sources/status_vocabulary.md §2),
the words a person reads for each, and every event detail code with what it tells.

Stdlib only: the read path labels records and reads phases here without importing the pydantic records, whose
``Status`` and ``Role`` enums (core/model.py) are made from these tuples. The US has
no clearance decision: an early termination or an expiry only ends the HSR waiting period, and a lawyer reading
"cleared" would be misled, so those details have words (and a statistics outcome) of their own.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

# Party roles, in the order a record lists them.
ROLES = ("acquirer", "target", "seller", "other")

# Reviews not yet decided, and the statuses that end one.
OPEN = ("pre_notification", "notified", "under_review", "in_depth_review")
DECIDED = ("cleared", "cleared_with_remedies", "prohibited", "abandoned", "referred", "closed_no_jurisdiction",
           "closed", "revoked", "dissolution_ordered", "challenged")  # fmt: skip
STATUSES = (*OPEN, *DECIDED, "unknown")

LABELS: dict[str, str] = {
    "pre_notification": "pre-notification",
    "notified": "notified",
    "under_review": "under review",
    "in_depth_review": "in-depth review",
    "challenged": "challenged",
    "cleared": "cleared",
    "cleared_with_remedies": "cleared with remedies",
    "prohibited": "prohibited",
    "abandoned": "abandoned",
    "referred": "referred",
    "closed_no_jurisdiction": "closed (no jurisdiction)",
    "closed": "closed",
    "revoked": "revoked",
    "dissolution_ordered": "dissolution ordered",
    "unknown": "undetermined",
}


class DetailInfo(NamedTuple):
    """What one detail code says beyond its status."""

    meaning: str
    label: str | None = None  # words that replace the status's own (an HSR period that ended is not "cleared")
    phase: int | None = None  # the phase a case with this event has reached (1 or 2)
    # An event that tells a phase or a notification: statistics read such filings one by one (store: filings.tells)
    tells: bool = False
    phase2_if_raw: str | None = None  # phase 2 when the authority's words hold this (a withdrawn Art. 8 decision)
    outcome: str | None = None  # the outcome filtered and counted, where the status alone would mislead
    short: str | None = None  # the label in a table cell, where the label is long


_HSR_ENDED = "waiting_period_ended"
# The outcomes a person filters and counts by: the statuses, with the US waiting period that ended (stored as
# `cleared` with its detail, status_vocabulary.md §2) apart from a clearance.
OUTCOMES = (*STATUSES, _HSR_ENDED)

# Every detail code a parser writes, with what it tells. tests/test_core_vocabulary.py checks that every detail in the
# goldens is here; the query code reads phases, labels and outcomes from this table, never from the codes' spelling.
DETAILS: dict[str, DetailInfo] = {
    # --- US: HSR and the agencies (FTC early-termination notices, press releases, the Federal Register, SEC prose)
    "hsr_filed": DetailInfo("HSR notification filed", phase=1),
    "hsr_pull_and_refile": DetailInfo("HSR notification withdrawn and refiled", phase=1),
    "hsr_early_termination": DetailInfo(
        "early termination of the HSR waiting period granted",
        label="HSR waiting period terminated early",
        short="HSR ended early",
        phase=1,
        outcome=_HSR_ENDED,
    ),
    "hsr_waiting_period_expired": DetailInfo(
        "the HSR waiting period expired",
        label="HSR waiting period expired",
        short="HSR period expired",
        phase=1,
        outcome=_HSR_ENDED,
    ),
    "hsr_second_request": DetailInfo(
        "second request (request for additional information) issued",
        label="HSR second request issued",
        short="HSR second request",
        phase=2,
        tells=True,
    ),
    "hsr_substantial_compliance": DetailInfo("substantial compliance with a second request certified", phase=1),
    "hsr_timing_agreement": DetailInfo("timing agreement with the agency", phase=1),
    "hsr_violation": DetailInfo("HSR process violation (civil penalty): not a merger review", phase=1),
    "hsr_rulemaking": DetailInfo("HSR rulemaking: not a merger review", phase=1),
    "agency_review_closed": DetailInfo("the agency closed its investigation"),
    "agency_complaint": DetailInfo("the agency filed a complaint or suit"),
    "deal_terminated": DetailInfo("the parties terminated the agreement"),
    "sec_deal_disclosure": DetailInfo("a deal disclosed by a party in an SEC filing (no review status)"),
    "court_blocked": DetailInfo("a court blocked the deal"),
    "abandoned": DetailInfo("the parties abandoned the deal"),
    "consent_order": DetailInfo("consent order or divestiture in a deal"),
    "consent_divestiture": DetailInfo("divestiture required"),
    "ftc_suit_to_block": DetailInfo("FTC suit or administrative complaint to block"),
    "doj_suit_to_block": DetailInfo("DOJ suit to block"),
    "post_remedy_order_change": DetailInfo("petition to modify or set aside a merger order"),
    "acquisition_related_order": DetailInfo("an order about acquisitions, no single deal event"),
    "advocacy": DetailInfo("staff advocacy before a state body"),
    "consumer_protection": DetailInfo("consumer-protection consent: not a merger"),
    "conduct": DetailInfo("conduct case: not a merger"),
    "ftc_consent_accepted_for_comment": DetailInfo("FTC consent agreement accepted for public comment"),
    "doj_settlement_proposed": DetailInfo("DOJ proposed final judgment (Tunney Act)"),
    "doj_comments_answered": DetailInfo("DOJ response to public comments"),
    "undetermined": DetailInfo("the text at hand cannot decide: kept as undetermined"),
    "deadline": DetailInfo("a deadline, moved or set"),
    # --- EU: the Commission's decisions (Regulation 139/2004) and case events
    "ec_pre_notification": DetailInfo("pre-notification contacts", phase=1),
    "ec_notification": DetailInfo("notified to the Commission", phase=1),
    "ec_prior_notification": DetailInfo("prior notification published", phase=1),
    "ec_phase_1": DetailInfo("Phase I investigation", phase=1),
    "ec_phase_2": DetailInfo("Phase II investigation", phase=2),
    "ec_art_6_1_a": DetailInfo("Art. 6(1)(a): outside the Regulation", phase=1),
    "ec_art_6_1_b": DetailInfo("Art. 6(1)(b): cleared in Phase I", phase=1),
    "ec_art_6_1_b_conditions": DetailInfo("Art. 6(1)(b) with 6(2): cleared in Phase I with commitments", phase=1),
    "ec_art_6_1_c": DetailInfo("Art. 6(1)(c): Phase II opened", phase=2, tells=True),
    "ec_art_7_3_derogation": DetailInfo("Art. 7(3): derogation from the standstill", phase=1),
    "ec_art_8_1": DetailInfo("Art. 8(1): cleared in Phase II", phase=2, tells=True),
    "ec_art_8_2": DetailInfo("Art. 8(2): cleared in Phase II", phase=2, tells=True),
    "ec_art_8_2_conditions": DetailInfo("Art. 8(2) with conditions and obligations", phase=2, tells=True),
    "ec_art_8_3": DetailInfo("Art. 8(3): prohibited", phase=2, tells=True),
    "ec_art_8_4": DetailInfo("Art. 8(4): dissolution ordered", phase=2, tells=True),
    "ec_art_8_5_interim": DetailInfo("Art. 8(5): interim measures", phase=2, tells=True),
    "ec_art_4_4_to_member_state": DetailInfo("Art. 4(4): referred to a Member State", phase=1),
    "ec_art_4_5_to_commission": DetailInfo("Art. 4(5): referred to the Commission", phase=1),
    "ec_art_9_3_to_member_state": DetailInfo("Art. 9(3): referred to a Member State", phase=1),
    "ec_art_22_to_commission": DetailInfo("Art. 22: referred to the Commission", phase=1),
    "ec_art_21": DetailInfo("Art. 21: legitimate interests", phase=1),
    "ec_art_14_fine": DetailInfo("Art. 14: a fine", phase=1),
    "ec_fine_withdrawn": DetailInfo("a fine withdrawn", phase=1),
    "ec_revocation": DetailInfo("a decision revoked (Art. 6(3) or 8(6))", phase=1),
    "ec_decision_withdrawn": DetailInfo(
        "the Commission withdrew its own decision", phase=1, tells=True, phase2_if_raw="8("
    ),
    "ec_notification_withdrawn": DetailInfo("notification withdrawn by the parties", phase=1),
    "ec_notification_withdrawn_event": DetailInfo("a withdrawal, as a case event", phase=1),
    "ec_referral_refused": DetailInfo("a referral refused", phase=1),
    "ec_request_rejected": DetailInfo("a request rejected", phase=1),
    "ec_partial_referral": DetailInfo("a partial referral", phase=1),
    "ec_two_thirds_rule": DetailInfo("the two-thirds rule: no Community dimension", phase=1),
    "ec_no_substance": DetailInfo("a decision of no substance", phase=1),
    "ec_procedural_step": DetailInfo("a procedural step (Art. 18/19, objections, advisory committee)", phase=1),
    "ec_commitments_modified": DetailInfo("commitments modified or waived", phase=1),
    "ec_purchaser_approval": DetailInfo("a purchaser approved", phase=1),
    "ec_remedy_review": DetailInfo("a remedy reviewed", phase=1),
    "ec_remedy_implementation": DetailInfo("remedies implemented", phase=1),
    "ec_unknown_decision": DetailInfo("a decision type no rule maps", phase=1),
    "ec_decided_type_unknown": DetailInfo("decided, type not published", phase=1),
    "ec_deadline_extended": DetailInfo("the deadline extended", phase=1),
    "ec_deadline_suspended": DetailInfo("the deadline suspended", phase=1),
    "ec_commitments_submitted": DetailInfo("commitments submitted", phase=1),
    "ec_art_9_request": DetailInfo("a Member State asked for an Art. 9 referral", phase=1),
    "ec_art_22_request": DetailInfo("an Art. 22 referral request", phase=1),
    "ec_art_4_5_request": DetailInfo("an Art. 4(5) referral request", phase=1),
    "ec_art_4_4_request": DetailInfo("an Art. 4(4) referral request", phase=1),
    "ec_statement_of_objections": DetailInfo("a statement of objections", phase=1),
    "ec_hearing": DetailInfo("a hearing", phase=1),
    "ec_advisory_committee": DetailInfo("the advisory committee met", phase=1),
    "ec_case_event": DetailInfo("a case event of the Commission", phase=1),
    # --- UK: the CMA's case pages (timetable rows) and outcome types (GOV.UK finder facets, kept as published)
    "cma_phase_1_launch": DetailInfo("launch of the merger inquiry", phase=1),
    "cma_invitation_to_comment": DetailInfo("invitation to comment", phase=1),
    "cma_phase_2_reference": DetailInfo("reference to Phase 2", phase=2, tells=True),
    "cma_phase_2": DetailInfo("in Phase 2", phase=2),
    "cma_timetable": DetailInfo("a dated timetable row", phase=1),
    "cma_open": DetailInfo("an open case", phase=1),
    "cma_closed_no_outcome": DetailInfo("closed, no outcome published", phase=1),
    "mergers-phase-1-clearance": DetailInfo("cleared in Phase 1", phase=1),
    "mergers-phase-1-clearance-with-undertakings-in-lieu": DetailInfo("cleared with undertakings in lieu", phase=1),
    "mergers-phase-1-exception-to-duty-to-refer": DetailInfo("exception to the duty to refer", phase=1),
    "mergers-phase-1-found-not-to-qualify": DetailInfo("found not to qualify", phase=1),
    "mergers-phase-1-public-interest-interventions": DetailInfo("public interest intervention", phase=1),
    "mergers-phase-1-referral": DetailInfo("referred to Phase 2", phase=1),
    "mergers-phase-2-clearance": DetailInfo("cleared in Phase 2", phase=2),
    "mergers-phase-2-clearance-with-remedies": DetailInfo("cleared with remedies in Phase 2", phase=2),
    "mergers-phase-2-prohibition": DetailInfo("prohibited in Phase 2", phase=2),
    "mergers-phase-2-cancellation": DetailInfo("cancelled in Phase 2", phase=2),
    "mergers-phase-2-remittal": DetailInfo("remitted in Phase 2", phase=2),
    "markets-phase-1-no-enforcement-action": DetailInfo("a markets case: no enforcement action", phase=1),
    # --- Australia: the ACCC's acquisitions register (notifications MN-, waiver applications WA-)
    "accc_notified": DetailInfo("notified to the ACCC (effective notification date)", phase=1),
    "accc_phase_1": DetailInfo("in Phase 1 (initial assessment)", phase=1),
    "accc_phase_2": DetailInfo("in Phase 2 (detailed assessment)", phase=2),
    "accc_phase_2_review": DetailInfo(
        "the ACCC decided the notification is subject to Phase 2 review", phase=2, tells=True
    ),
    "accc_nocc": DetailInfo("notice of competition concerns", phase=2),
    "accc_timeline_extended": DetailInfo("the determination period extended"),
    "accc_undertaking": DetailInfo("an undertaking (s.87B) accepted"),
    "accc_questionnaire": DetailInfo("a market questionnaire released"),
    "accc_reasons": DetailInfo("reasons for a determination published"),
    "accc_event": DetailInfo("a key event on the ACCC's register"),
    "accc_determination": DetailInfo("the ACCC's determination"),
    "accc_approved": DetailInfo("approved: the acquisition may be put into effect"),
    "accc_approved_with_conditions": DetailInfo("approved with conditions"),
    "accc_not_approved": DetailInfo("not approved: the acquisition must not be put into effect"),
    "accc_waiver_application": DetailInfo("a notification waiver applied for", label="waiver applied for"),
    "accc_waiver_determination": DetailInfo("the ACCC's determination of a waiver application"),
    "accc_waiver_granted": DetailInfo(
        "notification waiver granted: no notification needed",
        label="notification waiver granted",
        short="waiver granted",
    ),
    "accc_waiver_not_approved": DetailInfo(
        "waiver refused: the acquisition must be notified", label="waiver refused (must notify)", short="waiver refused"
    ),
    "accc_withdrawn": DetailInfo("consideration ceased at the notifying party's request"),
    "accc_fee_not_paid": DetailInfo("consideration ceased: the Phase 2 fee was not paid"),
    "accc_ceased": DetailInfo("consideration of the notification ceased"),
    "accc_assessment_completed": DetailInfo(
        "assessment completed; the determination is on the matter page, not read yet",
        label="assessment completed (determination not read yet)",
        short="completed",
    ),
    "accc_unknown": DetailInfo("a status the register shows that no rule maps"),
    # --- Canada: the Competition Bureau's report of merger reviews (outcome codes as the report's legend gives them)
    "ca_opened": DetailInfo("the Bureau opened its review"),
    "ca_ongoing": DetailInfo("review ongoing"),
    "ca_arc": DetailInfo(
        "advance ruling certificate (s.102)", label="cleared (advance ruling certificate)", short="cleared (ARC)"
    ),
    "ca_nal": DetailInfo(
        "no action letter: the Bureau may still challenge for a time after closing",
        label="cleared (no action letter)",
        short="cleared (NAL)",
    ),
    "ca_consent_agreement": DetailInfo("consent agreement registered"),
    "ca_judicial_decision": DetailInfo(
        "concluded by a judicial decision (the report does not say which way)",
        label="judicial decision",
        short="judicial decision",
    ),
    "ca_abandoned": DetailInfo("the transaction was abandoned by the parties"),
    "ca_other": DetailInfo("concluded otherwise (outcome 'Other')"),
    "ca_unknown": DetailInfo("an outcome code the report's legend does not list"),
    # --- Germany: the Bundeskartellamt's list of current proceedings and its decision search (words by stem)
    "bkarta_notified": DetailInfo("notified (on the list of current proceedings)", phase=1),
    "bkarta_phase_2": DetailInfo("main examination (Hauptprüfverfahren) opened", phase=2, tells=True),
    "bkarta_clearance": DetailInfo("cleared (Freigabe)"),
    "bkarta_clearance_conditions": DetailInfo("cleared with conditions or obligations"),
    "bkarta_deemed_clearance": DetailInfo("deemed cleared: no decision within the period (GWB § 40(2))"),
    "bkarta_prohibition": DetailInfo("prohibited (Untersagung)"),
    "bkarta_withdrawn": DetailInfo("the notification was withdrawn"),
    "bkarta_terminated": DetailInfo("proceedings terminated (Einstellung)"),
    "bkarta_unbundling": DetailInfo("unbundling of a completed merger ordered"),
    "bkarta_fine": DetailInfo("a fine (for example for completing before clearance)", label="fining decision"),
    "bkarta_notifiable_finding": DetailInfo("a finding that a deal must be notified", label="finding decision"),
    "bkarta_other": DetailInfo("another kind of decision ('Others')", label="other decision"),
    "bkarta_completed": DetailInfo(
        "the procedure was completed on the date shown; the list does not say how",
        label="completed (outcome not stated)",
        short="completed",
    ),
    "bkarta_unknown": DetailInfo("words no rule maps (the authority's words kept)"),
    # --- France: the Autorité de la concurrence's merger control decisions (dispositifs_dcc, matched by stem)
    "fr_notified": DetailInfo("notification complete (the date the decision gives)", phase=1),
    "fr_phase_2": DetailInfo(
        "in-depth examination (Phase 2); the decisions file does not date its opening", phase=2, tells=True
    ),  # fmt: skip
    "fr_authorisation": DetailInfo("authorised (L430-5 III or L430-7)"),
    "fr_authorisation_remedies": DetailInfo("authorised subject to commitments, injunctions or prescriptions"),
    "fr_prohibition": DetailInfo("prohibited (L430-7)"),
    "fr_referral": DetailInfo("referred to or from the European Commission"),
    "fr_outside_scope": DetailInfo("outside the scope of merger control (L430-1, L430-2)"),
    "fr_withdrawn": DetailInfo("the notification was withdrawn or the operation abandoned"),
    "fr_unknown": DetailInfo("an outcome no rule maps (the authority's words kept)"),
    "fr_decision_listed": DetailInfo(
        "a merger decision published on the Autorité's list; its outcome is in the decision (read from the open-data "
        "file once it has it)",
        label="decision published (outcome not read yet)",
        short="decision published",
    ),
}

# Families of codes taken from an authority's own data (a CMA outcome slug no table lists yet): the phase their
# spelling says, so that a new value reads as its siblings do until it is added above.
_FAMILIES: tuple[tuple[str, int], ...] = (
    ("mergers-phase-1", 1),
    ("markets-phase-1", 1),
    ("ec_", 1),
    ("cma_", 1),
    ("hsr_", 1),
)
_NOTHING = DetailInfo("")


def detail_info(code: str | None) -> DetailInfo:
    """What a detail code tells (an unlisted one: what its family tells, else nothing)."""
    if not code:
        return _NOTHING
    info = DETAILS.get(code)
    if info is not None:
        return info
    if "phase-2" in code:
        return DetailInfo(code, phase=2)
    for prefix, phase in _FAMILIES:
        if code.startswith(prefix):
            return DetailInfo(code, phase=phase)
    return _NOTHING


def status_label(status: str | None, detail: str | None = None) -> str:
    """The human words for a status code (``None``: an informational event)."""
    if status is None:
        return "information"
    label = detail_info(detail).label if detail else None
    return label or LABELS.get(status, status.replace("_", " "))


def short_label(status: str | None, detail: str | None = None) -> str:
    """The label as a table cell says it (a short form where the label is long)."""
    return (detail_info(detail).short if detail and status is not None else None) or status_label(status, detail)


def outcome_of(status: str | None, detail: str | None) -> str | None:
    """The outcome a filing counts as: its status, or what its detail says instead (an HSR period that ended)."""
    return detail_info(detail).outcome or status if status else None


def ended_details() -> tuple[str, ...]:
    """The detail codes whose outcome is an HSR waiting period that ended, sorted."""
    return tuple(sorted(code for code, info in DETAILS.items() if info.outcome == _HSR_ENDED))


OUTCOME_LABELS = {**LABELS, _HSR_ENDED: "HSR waiting period ended"}


def _words(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", value.lower()).strip()


def _outcome_names() -> dict[str, str]:
    names = {}
    for code in OUTCOMES:
        names[_words(code)] = code
        names[_words(OUTCOME_LABELS[code])] = code
    for code, info in DETAILS.items():  # a detail's label or short form names its outcome where it has one
        if info.outcome:
            for words in (code, info.label or "", info.short or ""):
                if words:
                    names[_words(words)] = info.outcome
    names[_words("HSR ended")] = _HSR_ENDED
    return names


def outcome_code(value: str) -> str | None:
    """The outcome a user typed, as the code (``CLEARED``, ``cleared with remedies``, ``in-depth review``, ``HSR
    waiting period terminated early``: any case, label or code); None when it names none."""
    return _outcome_names().get(_words(value))


def status_words(status: str | None, detail: str | None, date_: str | None) -> str:
    """The label with its date where the date is part of the meaning (an early termination's grant date)."""
    label = status_label(status, detail)
    if detail == "hsr_early_termination":
        return f"{label} (granted {date_ or 'on an unknown date'})"
    return label


def with_labels(rec: Any) -> Any:
    """A record in the ``--json`` shape with ``status_label`` beside each ``status`` (record and events)."""
    if "status" in rec:
        rec["status_label"] = status_label(rec.get("status"), rec.get("detail"))
    for ev in rec.get("events") or []:
        ev["status_label"] = status_label(ev.get("status"), ev.get("detail"))
    return rec


def telling_details() -> tuple[str, ...]:
    """The detail codes of events that tell a phase or a notification (DetailInfo.tells), sorted."""
    return tuple(sorted(code for code, info in DETAILS.items() if info.tells))
