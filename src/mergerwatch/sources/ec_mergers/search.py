"""The search API behind the case portal (POST, multipart parts ``query``/``sort``/``displayFields``): recent windows
and one case on demand. It codes values differently from the dump (``MEsimplified``, ``DecisionType20310``) and
writes dates as Brussels midnight in UTC; decisions come as results of their own, joined to their case here."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from mergerwatch.core.errors import ParseError, SourceError
from mergerwatch.core.model import StatusEvent
from mergerwatch.sources.base import ParseResult, Payload, Source, first, query_int, sniff_kind
from mergerwatch.sources.ec_mergers.cases import case_filing
from mergerwatch.sources.ec_mergers.decisions import decision_event, decision_label, summarise_unknown
from mergerwatch.sources.ec_mergers.values import ec_date, normalise_case_ref

SEARCH_URL = "https://api.tech.ec.europa.eu/search-api/prod/rest/search"
# A public, anonymous browser key that the portal itself serves (assets/env-json-config.json).
SEARCH_KEY = "CS_PROD_ODSE_PROD"
PAGE_SIZE = 100
RESULT_CAP = 3000  # the search API returns about this many results per query at most
BOUNDARY = "mergerwatch-7f3c1e"  # fixed, so a request's body (and its replay key) is the same every time
DISPLAY_FIELDS = [
    "metadataType", "metadataReference", "caseNumber", "caseTitle", "caseCompanies", "caseInstrument",
    "caseRegulation", "caseSimplified", "caseSectors", "caseInitiationDate", "caseNotificationDate",
    "caseDeadlineDate", "caseLastDecisionDate", "caseInvestigationPhase", "caseOfficialJournalPublications",
    "casePressReleases", "decisionAdoptionDate", "decisionTypes", "decisionNumber",
]  # fmt: skip


def search_request(query: dict[str, Any], page: int) -> dict[str, Any]:
    parts = {
        "query": ("blob", json.dumps(query).encode(), "application/json"),
        "sort": ("blob", json.dumps([{"field": "caseNumber", "order": "DESC"}]).encode(), "application/json"),
        "displayFields": ("blob", json.dumps(DISPLAY_FIELDS).encode(), "application/json"),
    }
    return {
        "params": {"apiKey": SEARCH_KEY, "text": "*", "pageSize": str(PAGE_SIZE), "pageNumber": str(page)},
        "files": parts,
        "headers": {
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Accept": "application/json",
            "Origin": "https://competition-cases.ec.europa.eu",
            "Referer": "https://competition-cases.ec.europa.eu/",
        },
    }


def window_query(start: date, end: date) -> dict[str, Any]:
    """Merger cases notified or decided in [start, end), and the decisions adopted then."""
    rng = {"gte": f"{start.isoformat()}T00:00:00.000Z", "lt": f"{end.isoformat()}T00:00:00.000Z"}
    return {
        "bool": {
            "must": [{"term": {"caseInstrument": "M"}}],
            "should": [
                {"range": {"caseNotificationDate": rng}},
                {"range": {"caseLastDecisionDate": rng}},
                {"range": {"decisionAdoptionDate": rng}},
            ],
            "minimum_should_match": 1,
        }
    }


def case_query(case_ref: str) -> dict[str, Any]:
    return {"bool": {"must": [{"terms": {"caseNumber": [normalise_case_ref(case_ref)[0]]}}]}}


def parse_search(src: Source, payload: Payload) -> ParseResult:
    try:
        doc = json.loads(payload.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(
            src.name,
            f"the search-API response is not valid JSON ({exc})",
            "it may be truncated; the raw response was kept",
        ) from None
    if not isinstance(doc, dict) or "results" not in doc:
        detail = ""
        if isinstance(doc, dict):
            detail = str(doc.get("message") or doc.get("error") or doc.get("errors") or "")[:300]
        raise SourceError(
            src.name,
            f"the search API answered without results{': ' + detail if detail else ''}",
            "its query format may have changed; run `mergerwatch doctor`",
        )
    total = doc.get("totalResults")
    result = ParseResult([], declared_total=total if isinstance(total, int) else None)
    page, size = query_int(payload.url, "pageNumber"), query_int(payload.url, "pageSize")
    result.page_items, result.page_start = len(doc.get("results") or []), ((page or 1) - 1) * (size or 100)
    cases: dict[str, dict[str, Any]] = {}
    decisions: dict[str, list[StatusEvent]] = {}
    for item in doc.get("results") or []:
        meta = (item or {}).get("metadata") or {}
        try:
            number = str(first(meta.get("caseNumber")) or item.get("reference") or "")
            _ref, full = normalise_case_ref(number)
            mtype = str(first(meta.get("metadataType")) or "")
            is_decision = mtype == "METADATA_DECISION" or "-DEC" in str(item.get("reference", "")) and not mtype
            if is_decision or (meta.get("decisionTypes") and mtype != "METADATA_CASE"):
                codes = [str(c) for c in meta.get("decisionTypes") or []]
                labels = [decision_label(c) for c in codes]
                ev = decision_event(labels, ec_date(meta.get("decisionAdoptionDate")), None, result.warnings)
                decisions.setdefault(full, []).append(ev)
                cases.setdefault(full, {k: v for k, v in meta.items() if k.startswith("case")})
            elif mtype in ("METADATA_CASE", ""):
                cases[full] = {**cases.get(full, {}), **meta}
        except (ValueError, TypeError, AttributeError) as exc:
            result.warnings.append(
                f"{src.name}: skipped result {item.get('reference') if isinstance(item, dict) else '?'}: {exc}"
            )
    for full, meta in cases.items():
        try:
            sectors = [str(s) for s in meta.get("caseSectors") or []]
            result.filings.append(
                case_filing(src, full, meta, decisions.get(full, []), payload, {"nace_codes": sectors}, result.warnings)
            )
        except (ValueError, TypeError, KeyError) as exc:
            result.warnings.append(f"{src.name}: skipped case {full}: {exc}")
    result.warnings = summarise_unknown(src.name, result.warnings)
    if doc.get("results") and not result.filings:
        raise ParseError(src.name, "no case could be read from the search-API results; the format may have changed")
    return result


def search_total(body: bytes, source: str) -> int:
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        kind = sniff_kind(body)
        raise ParseError(
            source,
            "got an HTML page where the search API's JSON was expected"
            if kind == "html"
            else "the search-API response is not valid JSON",
            "the portal may be showing its app shell or an error page; the raw page was kept",
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("totalResults"), int):
        raise SourceError(
            source,
            "the search API answered without a result count (an error body with HTTP 200?)",
            "run `mergerwatch doctor`; the query format may have changed",
        )
    return int(doc["totalResults"])
