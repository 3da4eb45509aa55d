"""An EC merger case as one record, whichever surface it was read from (the dump, the search API, the ISEF export):
its current status from its decisions and case events, its parties, procedure, phase and dates."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from mergerwatch.core.model import Filing, Party, Status, StatusEvent
from mergerwatch.core.names import clean_text
from mergerwatch.sources.base import Payload, Source, first
from mergerwatch.sources.ec_mergers.decisions import PHASE_STATUS, canonical_procedure, case_events
from mergerwatch.sources.ec_mergers.values import ec_date, normalise_case_ref, split_parties

CASE_URL = "https://competition-cases.ec.europa.eu/cases/{}"


def case_filing(
    src: Source,
    key: str,
    meta: dict[str, Any],
    events: list[StatusEvent],
    payload: Payload,
    extra: dict[str, Any],
    warnings: list[str],
) -> Filing:
    case_ref, full_key = normalise_case_ref(str(first(meta.get("caseNumber")) or key))
    title = clean_text(str(first(meta.get("caseTitle")) or first(meta.get("caseCompanies")) or case_ref))
    companies = clean_text(str(first(meta.get("caseCompanies")) or title))
    notified = ec_date(meta.get("caseNotificationDate"))
    deadline = ec_date(meta.get("caseDeadlineDate"))
    last_decision = ec_date(meta.get("caseLastDecisionDate"))
    procedure = canonical_procedure(meta.get("caseSimplified"))
    phase = str(first(meta.get("caseInvestigationPhase")) or "")
    history = sorted(events + case_events(meta), key=lambda e: e.date or date.min)
    if notified:
        history.insert(
            0,
            StatusEvent(
                status=Status.notified,
                status_raw="Notification",
                date=notified,
                detail="ec_notification",
                deadline=None,
            ),
        )
    decided = [
        e for e in history if e.status is not None and e.detail not in ("ec_notification", "ec_prior_notification")
    ]
    if decided:
        cur = decided[-1]
        status, raw, sdate, detail = cur.status, cur.status_raw, cur.date, cur.detail
    elif last_decision and not events:
        # The case says it was decided, but no decision is in this record (a search-API page that held
        # only the case document): say so rather than guess.
        status, raw, sdate, detail = (
            Status.unknown,
            f"decided on {last_decision}; decision type not in this response",
            last_decision,
            "ec_decision_type_missing",
        )
        warnings.append(f"{src.name}: {case_ref}: last decision {last_decision} but no decision type in the data")
    elif phase in PHASE_STATUS:
        status, detail = PHASE_STATUS[phase]
        raw, sdate = phase, notified
    else:
        # No decision yet: Phase I is running since the notification.
        status, raw, sdate, detail = Status.notified, "Notification", notified, "ec_notification"
    # A title that ends in "/ JV" says joint control even where the company string leaves the JV out.
    jv_title = bool(re.search(r"/\s*(JV|JOINT VENTURE)\s*$", title, re.I))
    parties = split_parties(title if jv_title or "/" not in companies else companies)
    seen = {p.name.upper() for p in parties}
    for other in (meta.get("caseCompanies") or [])[1:]:  # former names: found by a query for either name
        for p in split_parties(clean_text(str(other))):
            if p.name.upper() not in seen:
                seen.add(p.name.upper())
                parties.append(p)
    ex = {
        "case_key": full_key,
        "procedure": procedure,
        "regulation": first(meta.get("caseRegulation")),
        "notification_date": notified.isoformat() if notified else None,
        "phase": phase or None,
        # several strings are former and current names of the same parties ("META (FORMERLY FACEBOOK) /
        # KUSTOMER", "FACEBOOK / KUSTOMER"): the first gives the parties, all are kept as names of the case
        "company_names": [clean_text(str(c)) for c in meta.get("caseCompanies") or []]
        if len(meta.get("caseCompanies") or []) > 1
        else None,
        **extra,
    }
    return make_filing(
        src, full_key, case_ref, title, parties, (status, raw, sdate, detail), deadline, history, ex, payload
    )


def make_filing(
    src: Source,
    full_key: str,
    case_ref: str,
    title: str,
    parties: list[Party],
    state: tuple[Status, str, date | None, str | None],
    deadline: date | None,
    events: list[StatusEvent],
    extra: dict[str, Any],
    payload: Payload,
) -> Filing:
    """One EC case record, whichever surface it was read from (dump, search API, ISEF export)."""
    status, raw, sdate, detail = state
    return Filing(
        source=src.name,
        source_id=full_key,
        authority="EC",
        jurisdiction="EU",
        case_ref=case_ref,
        title=title,
        parties=parties,
        status=status,
        status_raw=raw,
        status_date=sdate,
        detail=detail,
        url=CASE_URL.format(case_ref),
        deadline=deadline,
        events=events,
        extra={k: v for k, v in extra.items() if v not in (None, "", [])},
        fetched_at=payload.fetched_at,
        payload_sha256=payload.sha256,
        parser_version=src.parser_version,
    )
