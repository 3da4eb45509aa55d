"""DOJ Antitrust Division press releases through the justice.gov News API (no key).

API facts (shared/sources/doj.md §1): ``page`` is 0-based, ``pagesize`` at most 50, results come oldest first
unless ``sort=date&direction=DESC`` is sent, dates are epoch seconds as strings, and no server-side component
filter is confirmed, so the Antitrust Division is picked from ``component[].name`` here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from mergerwatch.classify import classify_press
from mergerwatch.errors import ParseError, SourceError
from mergerwatch.http import HttpError
from mergerwatch.matching import clean_text
from mergerwatch.sources.base import FetchContext, ParseResult, Payload, Source, http_hint, loads_json, reject_body
from mergerwatch.sources.us_enforcement import add_item

API_URL = "https://www.justice.gov/api/v1/press_releases.json"
COMPONENT = "Antitrust Division"
PAGE_SIZE = 50
MAX_PAGES_FIRST_RUN = 10
MARGIN = timedelta(days=2)


class DojPress(Source):
    name = "doj-press"
    authority = "DOJ"
    jurisdiction = "US"
    title = "DOJ Antitrust Division press releases (justice.gov News API)"
    parser_version = "doj-press-1"
    hosts = ("www.justice.gov",)

    def __init__(self, api_url: str = API_URL) -> None:
        self.api_url = api_url

    def fetch(self, ctx: FetchContext) -> Iterator[Payload]:
        hwm = ctx.get(self.name, "date_hwm")
        floor = None
        if ctx.since:
            floor = datetime(ctx.since.year, ctx.since.month, ctx.since.day, tzinfo=UTC).timestamp()
        elif hwm:
            floor = float(hwm) - MARGIN.total_seconds()
        newest = float(hwm) if hwm else None
        for page in range(0, 10_000):
            params = {"sort": "date", "direction": "DESC", "page": str(page), "pagesize": str(PAGE_SIZE)}
            try:
                resp = ctx.client.get(
                    self.api_url,
                    params=params,
                    headers={"Accept": "application/json", "Referer": "https://www.justice.gov/"},
                )
            except HttpError as exc:
                hint = http_hint(
                    exc,
                    "the next refresh retries",
                    blocked="justice.gov may be blocking the request; check MERGERWATCH_CONTACT and try later",
                )
                raise SourceError(self.name, str(exc), hint) from None
            yield Payload(
                self.name, resp.url, resp.content, content_type=resp.content_type, kind="api", expect_records=False
            )
            doc = loads_json(resp.content, self.name, "the News API answer")
            dates = [float(r.get("date") or 0) for r in doc.get("results") or []]
            if dates:
                newest = max(newest or 0, max(dates))
            if not dates or len(dates) < PAGE_SIZE or (floor and min(dates) < floor):
                break
            if floor is None and page + 1 >= MAX_PAGES_FIRST_RUN:
                break
        if newest:
            ctx.set(self.name, "date_hwm", str(int(newest)))

    def parse(self, payload: Payload) -> ParseResult:
        reject_body(self.name, payload.body, "JSON")
        doc = loads_json(payload.body, self.name, "the News API answer")
        if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
            raise ParseError(self.name, "the answer has no 'results' list; the News API format may have changed")
        status = ((doc.get("metadata") or {}).get("responseInfo") or {}).get("status")
        if status not in (None, 200, "200"):
            raise SourceError(self.name, f"the News API reported status {status}")
        count = ((doc.get("metadata") or {}).get("resultset") or {}).get("count")
        result = ParseResult([], empty_ok=bool(doc["results"]) or isinstance(count, int | str))
        other = 0
        for r in doc["results"]:
            components = [str(c.get("name", "")) for c in r.get("component") or [] if isinstance(c, dict)]
            if COMPONENT not in components:
                other += 1
                continue
            title = clean_text(r.get("title") or "")
            try:
                when = datetime.fromtimestamp(int(r.get("date") or r.get("created")), UTC)
            except (TypeError, ValueError):
                when = None
            decision = classify_press(title, r.get("body") or r.get("teaser") or "", "DOJ")
            add_item(
                result,
                source=self.name,
                authority="DOJ",
                parser_version=self.parser_version,
                item_id=str(r.get("uuid") or r.get("url")),
                title=title,
                url=r.get("url"),
                when=when.date() if when else None,
                published=when,
                decision=decision,
                payload=payload,
                case_ref=r.get("number"),
                extra={"vuuid": r.get("vuuid")} if r.get("vuuid") else None,
            )
        if other:
            result.warnings.append(
                f"{self.name}: {other} release(s) from other DOJ components skipped (only '{COMPONENT}' is read)"
            )
        return result
