"""One payload through the pipeline: keep raw -> parse (pure) -> import (one transaction)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from mergerwatch.errors import ParseError
from mergerwatch.model import Filing
from mergerwatch.sources.base import ParseResult, Payload, Source
from mergerwatch.store import ImportReport, Store

MatchKey = Callable[[Filing], str | None]


def match_key_for(source: Source) -> MatchKey | None:
    return getattr(source, "match_key", None)


@dataclass
class PayloadOutcome:
    raw_id: int
    report: ImportReport
    records: int
    warnings: list[str] = field(default_factory=list)


def parse_checked(source: Source, payload: Payload) -> ParseResult:
    """Parse, and treat zero records as an error unless the payload or the document declared it possible."""
    result = source.parse(payload)
    if not result.filings and not result.notices and payload.expect_records and not (result.declared_total == 0):
        raise ParseError(
            source.name,
            f"{payload.url} parsed to zero records where records were expected",
            "the page layout may have changed; the raw payload was kept for re-parsing",
        )
    return result


def process_payload(store: Store, source: Source, payload: Payload, observed_at: str | None = None) -> PayloadOutcome:
    raw_id = store.save_payload(payload)  # before parsing: a parse failure loses nothing
    try:
        result = parse_checked(source, payload)
    except ParseError as exc:
        store.mark_payload(raw_id, ok=False, error=str(exc))
        raise
    except Exception as exc:
        store.mark_payload(raw_id, ok=False, error=f"{type(exc).__name__}: {exc}")
        raise
    report = store.import_filings(result.filings, observed_at, match_key=match_key_for(source))
    store.mark_payload(raw_id, ok=True, records=len(result.filings))
    if payload.validators:
        store.set_validators(*payload.validators)
    return PayloadOutcome(raw_id, report, len(result.filings), result.warnings)
