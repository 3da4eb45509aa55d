"""What a watch covers: a deal (company names), a company followed (every filing naming it), or a rule (every case
at an authority that reaches a phase); the records it covers, now or among a night's fresh filings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mergerwatch.query.companies import find_company
from mergerwatch.query.deals import deal
from mergerwatch.query.facts import phase_of
from mergerwatch.store.read.reader import as_reader

if TYPE_CHECKING:  # the typed records are for reading the code: nothing to load
    from mergerwatch.core.records import FilingRecord


def watch_kind(w: dict[str, Any]) -> str:
    """deal (a list of company names), party or cases (a follow rule, kept as an object in the same column)."""
    names = w["names"]
    return str(names.get("rule")) if isinstance(names, dict) else "deal"


def watched_records(store: Any, w: dict[str, Any], among: set[str] | None = None) -> list[FilingRecord]:
    """The records a watch covers (only those in ``among`` when given: a night's fresh filings)."""
    rd = as_reader(store)
    kind = watch_kind(w)
    if kind == "deal":
        recs = deal(rd, w["names"])["filings"]
        return [r for r in recs if among is None or r["id"] in among]
    if kind == "party":
        ids = set(find_company(rd, w["names"]["party"]).by_filing)
        return rd.filing_records(sorted(ids & among if among is not None else ids))
    rule = w["names"]
    ids = sorted(among) if among is not None else [r["id"] for r in rd.filing_rows(
        [rule["authority"]] if rule.get("authority") else [])]  # fmt: skip
    out = []
    for r in rd.filing_records(ids):
        if rule.get("authority") and r["authority"].upper() != rule["authority"]:
            continue
        if rule.get("phase") and phase_of(r) != rule["phase"]:
            continue
        out.append(r)
    return out
