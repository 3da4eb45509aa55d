"""European Commission merger cases: the open-data dump and the search API behind the case portal.

Wire facts (shared/sources/eu_commission.md): the dump ``case-data-M.json`` (~40 MB) is one JSON object keyed by
case number, every metadata value is a list, and several values are JSON documents inside strings. The search
API (POST, multipart parts ``query``/``sort``/``displayFields``) codes values differently (``MEsimplified``,
``DecisionType20310``) and writes dates as Brussels midnight in UTC. The two decision-type code spaces differ,
so decisions are mapped by their label text; unknown ones are kept verbatim as ``unknown``.
Also read: the legacy ISEF CSV export (real, 2016), whose rows carry no decision type.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from mergerwatch.core.errors import HttpError, ParseError, SourceError
from mergerwatch.fetch.hosts import MB, HostRule
from mergerwatch.sources.base import FetchContext, ParseResult, Payload, Source, http_hint, reject_body, sniff_kind
from mergerwatch.sources.ec_mergers.dump import count_dump_cases, parse_dump
from mergerwatch.sources.ec_mergers.isef import parse_isef_csv
from mergerwatch.sources.ec_mergers.search import (
    PAGE_SIZE,
    RESULT_CAP,
    SEARCH_URL,
    case_query,
    parse_search,
    search_request,
    search_total,
    window_query,
)

DUMP_URL = "https://compcases-open-data-portal-files-prod.s3.eu-west-1.amazonaws.com/case-data-M.json"
MIN_DUMP_CASES = 1000  # a live dump with fewer cases is truncated or wrong
SHRINK_LIMIT = 0.8  # a dump holding fewer than 80 % of the last good one's cases is refused


class EcMergers(Source):
    name = "ec-mergers"
    parser_version = "ec-2"
    host_rules = {
        # The open-data dump is ~39 MB today (eu_commission.md): room to grow to 150 MB, not for a bomb (a command
        # stays under 300 MB, benchmarks/bench_memory.py); ten minutes an attempt, three attempts at most.
        "compcases-open-data-portal-files-prod.s3.eu-west-1.amazonaws.com": HostRule(
            min_interval=1.0, timeout=120.0, retries=2, max_body=150 * MB, deadline=600.0
        ),
        "competition-cases.ec.europa.eu": HostRule(
            min_interval=1.0, timeout=120.0, retries=2, max_body=150 * MB, deadline=600.0
        ),
        "api.tech.ec.europa.eu": HostRule(min_interval=1.0, timeout=60.0, deadline=90.0),
    }

    def __init__(self, dump_url: str = DUMP_URL, search_url: str = SEARCH_URL) -> None:
        self.dump_url = dump_url
        self.search_url = search_url

    # --- fetching ---------------------------------------------------------------------------

    def fetch(self, ctx: FetchContext) -> Iterator[Payload]:
        if ctx.case:
            yield from self.fetch_case(ctx, ctx.case)
            return
        yield from self._fetch_dump(ctx)
        since = ctx.since or (date.today() - timedelta(days=14))
        yield from self.search_window(ctx, since, date.today() + timedelta(days=1))

    def _fetch_dump(self, ctx: FetchContext) -> Iterator[Payload]:
        try:
            resp = ctx.client.get(self.dump_url, conditional=True)
        except HttpError as exc:
            raise SourceError(
                self.name,
                f"could not download the open-data dump: {exc}",
                http_hint(exc, "the next refresh retries; the cases already stored are kept"),
            ) from None
        if resp.not_modified:
            return  # unchanged since the last run: one conditional request, nothing else
        payload = Payload(
            self.name, resp.url, resp.content, content_type=resp.content_type, kind="dump", validators=resp.validators
        )
        try:
            reject_body(self.name, resp.content, "the open-data dump (JSON)")
            n = count_dump_cases(resp.content, self.name)
        except ParseError as exc:
            raise ctx.fail(payload, exc) from None
        last = int(ctx.get(self.name, "dump_cases") or 0)
        if n < MIN_DUMP_CASES:
            raise ctx.fail(
                payload,
                ParseError(
                    self.name,
                    f"the open-data dump holds only {n} cases (expected thousands)",
                    "it may be truncated; the previous data is kept and the raw file was kept for re-parsing",
                ),
            )
        if last and n < last * SHRINK_LIMIT:
            raise ctx.fail(
                payload,
                ParseError(
                    self.name,
                    f"the open-data dump shrank from {last} to {n} cases",
                    "refusing it; the previous data is kept. Check the file by hand if this persists",
                ),
            )
        yield payload
        ctx.set(self.name, "dump_cases", str(n))

    def _post(self, ctx: FetchContext, query: dict[str, Any], page: int) -> Payload:
        req = search_request(query, page)
        try:
            resp = ctx.client.post(self.search_url, params=req["params"], files=req["files"], headers=req["headers"])
        except HttpError as exc:
            raise SourceError(
                self.name, f"the search API failed: {exc}", http_hint(exc, "the next refresh retries")
            ) from None
        return Payload(
            self.name, resp.url, resp.content, content_type=resp.content_type, kind="search", expect_records=False
        )

    def search_window(self, ctx: FetchContext, start: date, end: date) -> Iterator[Payload]:
        """Every page of a date window; a full window (the API caps results) is split in two and retried."""
        first_page = self._post(ctx, window_query(start, end), 1)
        try:
            total = search_total(first_page.body, self.name)
        except ParseError as exc:
            raise ctx.fail(first_page, exc) from None
        if total >= RESULT_CAP and (end - start).days > 1:
            mid = start + (end - start) / 2
            ctx.notes.append(f"{self.name}: {total} results for {start}..{end}; splitting the window at {mid}")
            yield from self.search_window(ctx, start, mid)
            yield from self.search_window(ctx, mid, end)
            return
        yield first_page
        pages = -(-total // PAGE_SIZE)
        for page in range(2, pages + 1):
            yield self._post(ctx, window_query(start, end), page)

    def fetch_case(self, ctx: FetchContext, case_ref: str) -> Iterator[Payload]:
        yield self._post(ctx, case_query(case_ref), 1)

    def doctor(self, ctx: FetchContext) -> tuple[bool, str]:
        msgs, ok = [], True
        try:
            payload = next(iter(self.search_window(ctx, date.today() - timedelta(days=30), date.today())), None)
            n = len(self.parse(payload).filings) if payload else 0
            ok = n > 0
            msgs.append(f"search API: {n} case(s) in the last 30 days")
        except SourceError as exc:
            ok = False
            msgs.append(f"search API: {exc}")
        try:
            resp = ctx.client.request("HEAD", self.dump_url)
            msgs.append(f"dump: reachable ({resp.headers.get('content-length', '?')} bytes)")
        except HttpError as exc:
            ok = False
            msgs.append(f"dump: {exc}")
        return ok, "; ".join(msgs)

    # --- parsing ----------------------------------------------------------------------------

    def sniff(self, body: bytes) -> str:
        kind = sniff_kind(body)
        if kind == "json":
            head = body[:4096]
            return "search" if b'"results"' in head or b'"totalResults"' in head else "dump"
        if kind == "unknown" and body.lstrip(b"\xef\xbb\xbf")[:10].upper().startswith(b"CASE_CODE"):
            return "isef-csv"
        return kind

    def parse(self, payload: Payload) -> ParseResult:
        reject_body(self.name, payload.body, "JSON")
        kind = payload.kind if payload.kind in ("dump", "search", "isef-csv") else self.sniff(payload.body)
        if kind == "isef-csv":
            return parse_isef_csv(self, payload)
        if kind == "search":
            return parse_search(self, payload)
        if kind == "dump":
            return parse_dump(self, payload)
        raise ParseError(self.name, "the file is neither the open-data dump, a search-API response nor an ISEF export")
