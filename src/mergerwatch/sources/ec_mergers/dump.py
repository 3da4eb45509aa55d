"""The open-data dump ``case-data-M.json``: one JSON object keyed by case number, every metadata value a list, several
values JSON documents inside strings (eu_commission.md §0). Read case by case (ijson), counted before it is kept."""

from __future__ import annotations

from typing import Any

import ijson

from mergerwatch.core.errors import ParseError
from mergerwatch.core.model import Filing, Status, StatusEvent
from mergerwatch.sources.base import ParseResult, Payload, Source, first
from mergerwatch.sources.ec_mergers.cases import case_filing
from mergerwatch.sources.ec_mergers.decisions import decision_event, summarise_unknown
from mergerwatch.sources.ec_mergers.values import decision_link, ec_date, json_in_string


def parse_dump(src: Source, payload: Payload) -> ParseResult:
    """Read the dump case by case (ijson): only one case's objects exist at a time. The body is handed to the
    parser as it is, one buffer and no copy: ijson re-joins a string that spans buffers at a cost that grows with
    the square of its length (an 80 MB string took 27 s in 64 KB buffers), one buffer keeps it linear."""
    result = ParseResult([])
    n = 0
    try:
        for key, case in ijson.kvitems(payload.body, "", use_float=True):
            if key.startswith("_"):
                continue  # notes, not cases
            n += 1
            try:
                result.filings.append(_dump_case(src, key, case, payload, result.warnings))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                result.warnings.append(f"{src.name}: skipped case {key}: missing or malformed field ({exc})")
    except ijson.JSONError as exc:
        raise ParseError(
            src.name,
            f"the open-data dump is not valid JSON ({exc})",
            "it may be truncated; nothing from it was stored and the raw file was kept",
        ) from None
    result.declared_total = n
    result.warnings = summarise_unknown(src.name, result.warnings)
    if n and not result.filings:
        raise ParseError(src.name, f"none of the {n} cases could be read; the format may have changed")
    if not n:
        raise ParseError(src.name, "the open-data dump holds no cases")
    return result


def _dump_case(src: Source, key: str, case: dict[str, Any], payload: Payload, warnings: list[str]) -> Filing:
    meta = case["metadata"]
    events: list[StatusEvent] = []
    for d in case.get("decisions") or []:
        dm = d.get("metadata") or {}
        labels = []
        for t in dm.get("decisionTypes") or []:
            t = json_in_string(t)
            labels.append(str(t.get("label") or t.get("code")) if isinstance(t, dict) else str(t))
        adopted = ec_date(dm.get("decisionAdoptionDate"))
        url = decision_link(d)
        if not labels and adopted is None:
            # The typeless entry with a negative number and only an OJ date is the OJ notice of the
            # notification (eu_commission.md §0.1): a dated notification event, not an unknown decision.
            oj = ec_date(dm.get("decisionOfficialJournalPublicationsPublishedDates"))
            events.append(
                StatusEvent(
                    status=Status.notified,
                    status_raw="Prior notification published in the Official Journal",
                    date=oj,
                    detail="ec_prior_notification",
                    url=url,
                )
            )
            continue
        events.append(decision_event(labels, adopted, url, warnings))
    # Every decision's own reference, GUID ones included (M.10010-DEC{DE5AA077-…}: no decisionNumber), so a
    # decision can be named even where the dump gives it no number.
    refs = [str(first((d.get("metadata") or {}).get("metadataReference")) or "") for d in case.get("decisions") or []]
    sectors = []
    for s in meta.get("caseSectors") or []:
        s = json_in_string(s)
        sectors.append({"code": s.get("code"), "label": s.get("label")} if isinstance(s, dict) else {"code": s})
    extra = {"nace": sectors, "decision_refs": [r for r in refs if r]}
    return case_filing(src, key, meta, events, payload, extra, warnings)


def count_dump_cases(body: bytes, source: str) -> int:
    """Count the top-level cases without building them (validation before anything is stored)."""
    n = 0
    try:
        for prefix, event, _value in ijson.parse(body):  # the bytes as they are: one buffer, no copy
            if prefix == "" and event == "map_key":
                n += 1
    except ijson.JSONError as exc:
        raise ParseError(
            source,
            f"the open-data dump is not valid JSON ({exc})",
            "it may be truncated; the previous data is kept and the next run retries",
        ) from None
    return n
