"""Shared by the US enforcement sources (FTC press, DOJ press, Federal Register): one item -> a filing record
when it is a merger matter (or undetermined), or a notice when it is not."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from mergerwatch.core.model import Filing, Status
from mergerwatch.sources.base import ParseResult, Payload
from mergerwatch.sources.classify import MERGER, UNDETERMINED, Decision


def add_item(
    result: ParseResult,
    *,
    source: str,
    authority: str,
    parser_version: str,
    item_id: str,
    title: str,
    url: str | None,
    when: date | None,
    published: datetime | None,
    decision: Decision,
    payload: Payload,
    case_ref: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    info = {"kind": decision.kind, "rule": decision.rule, "basis": decision.basis}
    ex = {"classification": info, **(extra or {})}
    if not decision.parties and decision.kind in (MERGER, UNDETERMINED):
        ex["parties_note"] = "no parties could be read from the title or text"
        result.warnings.append(f"{source}: {item_id}: no parties found in '{title[:80]}'; kept with its text")
    if decision.kind in (MERGER, UNDETERMINED):
        status = decision.status if decision.kind == MERGER and decision.status else Status.unknown
        raw = title if decision.kind == MERGER else f"undetermined: {title}"
        if decision.kind == UNDETERMINED:
            result.warnings.append(f"{source}: {item_id}: undetermined ({decision.rule}); kept as 'unknown'")
        result.filings.append(
            Filing(
                source=source,
                source_id=item_id,
                authority=authority,
                jurisdiction="US",
                case_ref=case_ref,
                title=title,
                parties=decision.parties,
                status=status,
                status_raw=raw,
                status_date=when,
                detail=decision.detail or ("undetermined" if decision.kind == UNDETERMINED else None),
                url=url,
                published_at=published,
                extra=ex,
                fetched_at=payload.fetched_at,
                payload_sha256=payload.sha256,
                parser_version=parser_version,
            )
        )
        return
    result.notices.append(
        {
            "id": f"{source}:{item_id}",
            "source": source,
            "source_id": item_id,
            "authority": authority,
            "jurisdiction": "US",
            "case_ref": case_ref,
            "title": title,
            "parties": [{"name": p.name, "role": p.role.value} for p in decision.parties],
            "status": None,
            "status_raw": title,
            "status_date": when.isoformat() if when else None,
            "detail": decision.detail,
            "url": url,
            "notice": True,
            "classification": info,
        }
    )
