"""A filing's records: the HSR events its sentences state (events.py) and its deal disclosures, grouped into one record
per counterparty of the filer, each event quoting its sentence."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

from mergerwatch.core.model import Filing, Party, Role, Status, StatusEvent
from mergerwatch.sources.base import ParseResult, Payload, Source
from mergerwatch.sources.sec_edgar.dates import read_dates
from mergerwatch.sources.sec_edgar.document import norm, strip_name
from mergerwatch.sources.sec_edgar.events import extract, flagged, split

_COMPANY = re.compile(
    r"\b((?:[A-Z][\w&'.-]*(?:,)?\s+){0,4}?[A-Z][\w&'.-]*,?\s+(?:Inc\.?|Incorporated|Corp\.?|Corporation|"
    r"Ltd\.?|Limited|LLC|L\.L\.C\.|plc|PLC|N\.V\.|S\.A\.|AG|SE|L\.P\.))(?![\w])"
)
# Defined terms of merger documents that look like names ("the Company", "Parent", "Merger Sub Inc.")
_GENERIC = re.compile(
    r"^(?:the )?(?:company|parent|purchaser|merger|sub|offer|offeror|buyer|seller|stock|options?|shares?|board|"
    r"agreement|registrant|issuer|holdings?|group|subsidiar\w*|affiliates?)\b",
    re.I,
)
_DEAL_WORDS = re.compile(r"acqui|merger|combination|licen")  # over the lowered text (events.flagged)
_HEDGED_DEAL = re.compile(r"\b(?:may|might|would|could|will|if|unless|whether|propose[ds]?|seek)\b", re.I)
# Deal words, each followed by the counterparty's name: acquisitions, mergers, and licence-and-hire deals such as
# Nvidia / Groq ("entered into a non-exclusive license agreement with Groq, Inc.").
_DEAL = re.compile(
    r"\b(?:acquired|completed (?:the|its|our) acquisition of|agreed to acquire|(?:merger|combination) agreement with|"
    r"agreement and plan of merger with|business combination with|merger with|(?:license|licence|licensing) "
    r"agreement with|to be acquired by|acquisition (?:of us|of the Company) by)\s+(?:\w+\s+){0,2}?",
    re.I,
)
_AGENCY_NAMES = re.compile(r"Federal Trade Commission|Department of Justice|Antitrust Division|Commission", re.I)


def records(src: Source, payload: Payload, meta: dict[str, Any], plain: str) -> ParseResult:
    res = ParseResult([], empty_ok=True)
    doc_date: date | None = meta.get("date")
    filer = meta.get("name") or _named_most(plain) or ""
    filer_norm = norm(filer).split("-")[0] if filer else ""
    parts = split(plain)
    sents = parts.sents
    hsr = extract(plain, doc_date, parts)
    events: list[tuple[str | None, StatusEvent, str | None]] = []
    for e in hsr:
        events.append(
            (
                _counterparty(e.sentence, filer_norm),
                StatusEvent(
                    status=e.status,
                    status_raw=e.sentence[:1000],
                    date=e.date,
                    detail=e.detail,
                    deadline=e.deadline,
                    basis="text",
                    url=payload.url if payload.url.startswith("http") else None,
                    date_precision=e.precision,
                ),
                e.agency,
            )
        )
    for i in flagged(parts, _DEAL_WORDS):
        s = sents[i]
        if len(s) > 1500:
            continue
        m = _DEAL.search(s)
        if not m or re.search(r"\[\s*[A-Z][a-z]+ \d", s) or _HEDGED_DEAL.search(s[: m.end()]):
            continue
        other = _counterparty(s[m.end() : m.end() + 80], filer_norm)
        if not other:
            continue
        # the date the sentence gives the deal ("In December 2025, we entered into …"), else the filing's
        hit = next((h for h in read_dates(s[: m.end() + 80], doc_date) if h.start < m.end() + 80), None)
        events.append(
            (
                other,
                StatusEvent(
                    status=None,
                    status_raw=s[:1000],
                    date=hit.date if hit else doc_date,
                    detail="sec_deal_disclosure",
                    basis="text",
                    url=payload.url if payload.url.startswith("http") else None,
                    date_precision=hit.precision if hit else "none",
                ),
                None,
            )
        )
    if not events:
        return res
    # one record per deal per filer: events without a named counterparty join the document's main one
    named = Counter(c for c, _e, _a in events if c)
    main = named.most_common(1)[0][0] if named else None
    groups: dict[str | None, list[tuple[StatusEvent, str | None]]] = {}
    for c, e, a in events:
        groups.setdefault(c or main, []).append((e, a))
    for other, evs in groups.items():
        res.filings.append(_filing(src, payload, meta, filer, other, evs))
    return res


def _filing(
    src: Source,
    payload: Payload,
    meta: dict[str, Any],
    filer: str,
    other: str | None,
    evs: list[tuple[StatusEvent, str | None]],
) -> Filing:
    events = sorted((e for e, _a in evs), key=lambda e: (e.date or date.min, e.date_precision != "none"))
    bearing = [e for e in events if e.status is not None]
    cur = bearing[-1] if bearing else None
    agencies = [a for e, a in evs if a and e.status is not None]
    who = meta.get("cik") or norm(filer) or payload.sha256[:12]
    key = f"{who}:{norm(other)}" if other else f"{who}:{meta.get('accession') or payload.sha256[:12]}"
    parties = []
    if filer:
        parties.append(Party(name=filer, role=Role.other))
    for former in meta.get("former_names") or []:
        parties.append(Party(name=former, role=Role.other))
    if other:
        parties.append(Party(name=other, role=Role.other))
    title = f"{filer or 'Filer'}{' / ' + other if other else ''} (SEC {meta.get('form') or 'filing'})"
    deadline = next((e.deadline for e in reversed(events) if e.deadline), None)
    return Filing(
        source=src.name,
        source_id=key,
        authority=agencies[-1] if agencies else "US",
        jurisdiction="US",
        case_ref=meta.get("accession"),
        title=title,
        parties=parties,
        status=cur.status if cur else Status.unknown,
        status_raw=cur.status_raw if cur else "deal disclosed by a party; no HSR status in the filing",
        # a status dated to the day only where the text gave the day ("In December 2025" dates no status)
        status_date=_day(cur) if cur else (_day(events[-1]) if events else None),
        detail=cur.detail if cur else "sec_deal_disclosure",
        url=payload.url if payload.url.startswith("http") else None,
        deadline=deadline,
        events=events,
        extra={
            k: v
            for k, v in {
                "cik": meta.get("cik"),
                "accession": meta.get("accession"),
                "form": meta.get("form"),
                "filed": meta["date"].isoformat() if meta.get("date") else None,
                "counterparty": other,
            }.items()
            if v
        },
        fetched_at=payload.fetched_at,
        payload_sha256=payload.sha256,
        parser_version=src.parser_version,
    )


def _day(e: StatusEvent) -> date | None:
    return e.date if e.date_precision in (None, "day") else None


def _named_most(plain: str) -> str | None:
    """The company a document without a header or cover names most (a note of a 10-K saved alone: "NVIDIA
    Corporation and Subsidiaries … we entered into …"), named at least twice: the filer, as far as the text tells."""
    names = Counter(
        strip_name(m.group(1)) for m in _COMPANY.finditer(plain[:50_000]) if not _GENERIC.match(strip_name(m.group(1)))
    )
    top = names.most_common(2)
    if not top or top[0][1] < 2 or (len(top) > 1 and top[1][1] == top[0][1]):
        return None
    return top[0][0]


def _counterparty(sentence: str, filer_norm: str) -> str | None:
    """The first company the sentence names that is not the filer (nor an agency)."""
    for m in _COMPANY.finditer(sentence):
        name = strip_name(m.group(1))
        key = norm(name)
        if not name or _AGENCY_NAMES.search(name) or (filer_norm and key.startswith(filer_norm)):
            continue
        if _GENERIC.match(name):
            continue
        if len(name) < 4 or key in ("the-company", "company", "parent", "the-group", "group"):
            continue
        return name
    return None
