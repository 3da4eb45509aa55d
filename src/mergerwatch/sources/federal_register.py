"""Federal Register notices of the DOJ Antitrust Division and the FTC (documents API, no key).

API facts (shared/sources/federal_register.md): windows by ``publication_date``; follow ``next_page_url`` exactly
as given (pages past 50 silently reset to page 1, so URLs are never built by hand); ``results`` is absent when
``count`` is 0. Tunney Act notices and FTC competition consents need their text to tell a merger from a conduct
case: the fetcher reads ``raw_text_url`` for those, and a saved search page alone leaves them "undetermined".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from mergerwatch.core.errors import HttpError, ParseError, SourceError
from mergerwatch.core.names import clean_text
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.sources.base import (
    FetchContext,
    ParseResult,
    Payload,
    Source,
    http_hint,
    loads_json,
    query_int,
    reject_body,
    sniff_kind,
)
from mergerwatch.sources.classify import UNDETERMINED, classify_fr
from mergerwatch.sources.us_enforcement import add_item

API_URL = "https://www.federalregister.gov/api/v1/documents.json"
AGENCIES = ("antitrust-division", "federal-trade-commission")
FIELDS = ("title", "type", "abstract", "document_number", "html_url", "publication_date", "agencies", "raw_text_url")
PARENT_AGENCIES = ("justice-department",)
DOJ_AGENCY_ID = 268  # the agency id of justice-department in a real response
COUNT_CAP = 10_000  # the API counts (and serves) at most this many documents per query
PER_PAGE = 200
LOOKBACK = timedelta(days=7)
_TEXT_URL = re.compile(r"/full_text/text/(\d{4})/(\d{2})/(\d{2})/([\w-]+)\.txt")


class FederalRegister(Source):
    name = "federal-register"
    parser_version = "fr-1"
    host_rules = {"www.federalregister.gov": HostRule(min_interval=0.25, timeout=60.0, deadline=90.0)}

    def __init__(self, api_url: str = API_URL) -> None:
        self.api_url = api_url

    def params(self, start: date, end: date, agencies: tuple[str, ...] = AGENCIES) -> list[tuple[str, str]]:
        p = [("conditions[agencies][]", a) for a in agencies]
        p += [
            ("conditions[type][]", "NOTICE"),
            ("conditions[publication_date][gte]", start.isoformat()),
            ("conditions[publication_date][lte]", end.isoformat()),
            ("order", "newest"),
            ("per_page", str(PER_PAGE)),
        ]
        p += [("fields[]", f) for f in FIELDS]
        return p

    def fetch(self, ctx: FetchContext) -> Iterator[Payload]:
        last = ctx.get(self.name, "last_window_end")
        start = ctx.since or (date.fromisoformat(last) - LOOKBACK if last else date.today() - timedelta(days=60))
        end = date.today()
        need_text: list[str] = []
        yield from self._window(ctx, start, end, AGENCIES, need_text)
        # A DOJ notice tagged only with the parent agency would escape the Antitrust Division filter
        # (federal_register.md §7.4): a second query on the parent; its other notices are kept as notices.
        try:
            yield from self._window(ctx, start, end, PARENT_AGENCIES, need_text)
            ctx.set(self.name, "parent_query", "accepted")
        except SourceError as exc:
            ctx.set(self.name, "parent_query", "refused")
            ctx.notes.append(
                f"{self.name}: the query on the parent agency '{PARENT_AGENCIES[0]}' failed ({exc.message}); "
                "the Antitrust Division and FTC notices were read"
            )
        for text_url in dict.fromkeys(need_text):
            try:
                resp = ctx.client.get(text_url)
            except HttpError as exc:
                ctx.notes.append(f"{self.name}: could not read {text_url}: {exc}; it stays undetermined")
                continue
            yield Payload(self.name, resp.url, resp.content, content_type=resp.content_type, kind="text")
        ctx.set(self.name, "last_window_end", end.isoformat())

    def _window(
        self, ctx: FetchContext, start: date, end: date, agencies: tuple[str, ...], need_text: list[str]
    ) -> Iterator[Payload]:
        """Every page of one publication-date window, following ``next_page_url`` (with its
        ``search_after_cursor``) exactly as given. The API counts at most 10,000 documents and serves at most 50
        pages, so a window whose count reaches the cap is split in halves until each is under it."""
        url: str | None = self.api_url
        params: list[tuple[str, str]] | None = self.params(start, end, agencies)
        seen: set[str] = set()
        first = True
        while url:
            try:
                resp = ctx.client.get(url, params=params)
            except HttpError as exc:
                raise SourceError(self.name, str(exc), http_hint(exc, "the next refresh retries")) from None
            yield Payload(
                self.name, resp.url, resp.content, content_type=resp.content_type, kind="search", expect_records=False
            )
            doc = loads_json(resp.content, self.name, "the Federal Register answer")
            if not isinstance(doc, dict):
                return
            count = doc.get("count")
            if first and isinstance(count, int) and count >= COUNT_CAP:
                if start < end:
                    mid = start + (end - start) // 2
                    ctx.notes.append(
                        f"{self.name}: {start}..{end} reaches the API's cap of {COUNT_CAP:,} documents; "
                        "read as two smaller windows"
                    )
                    yield from self._window(ctx, start, mid, agencies, need_text)
                    yield from self._window(ctx, mid + timedelta(days=1), end, agencies, need_text)
                    return
                ctx.notes.append(
                    f"{self.name}: {start} alone holds {COUNT_CAP:,} or more documents; those past the cap "
                    "cannot be reached through the API"
                )
            first = False
            numbers = [str(r.get("document_number")) for r in doc.get("results") or [] if isinstance(r, dict)]
            if numbers and set(numbers) <= seen:
                # pages past 50 silently restart at page 1: a page of documents already read ends the window
                ctx.notes.append(f"{self.name}: the API served a page already read ({start}..{end}); stopped there")
                return
            seen.update(numbers)
            for r in doc.get("results") or []:
                d = classify_fr(r.get("title") or "", r.get("abstract"), None)
                if d.kind == UNDETERMINED and r.get("raw_text_url"):
                    need_text.append(str(r["raw_text_url"]))
            url, params = doc.get("next_page_url"), None  # as given (with its cursor): never rebuilt

    def doctor(self, ctx: FetchContext) -> tuple[bool, str]:
        """One small page per query; says which branch the live API took for the facts only it can settle."""
        start, end = date.today() - timedelta(days=90), date.today()
        said = []
        ok = True
        for agencies in (AGENCIES, PARENT_AGENCIES):
            params = [(k, v) for k, v in self.params(start, end, agencies) if k != "per_page"] + [("per_page", "5")]
            try:
                resp = ctx.client.get(self.api_url, params=params)
                doc = loads_json(resp.content, self.name, "the Federal Register answer")
                res = self.parse(Payload(self.name, resp.url, resp.content, kind="search"))
            except (HttpError, SourceError) as exc:
                said.append(f"query on {'/'.join(agencies)} failed: {exc}")
                ok = ok and agencies is PARENT_AGENCIES
                continue
            nxt = str(doc.get("next_page_url") or "")
            said.append(
                f"{'/'.join(agencies)}: count {doc.get('count')}, {len(res.filings)} record(s) and "
                f"{len(res.notices)} notice(s) on the first page, next page "
                + ("by search_after_cursor" if "search_after_cursor=" in nxt else "by page number" if nxt else "none")
            )
        return ok, "; ".join(said)

    def sniff(self, body: bytes) -> str:
        kind = sniff_kind(body)
        return "search" if kind == "json" else ("text" if kind == "unknown" else kind)

    def parse(self, payload: Payload) -> ParseResult:
        if payload.kind == "text" or (payload.kind not in ("search",) and _TEXT_URL.search(payload.url)):
            return self.parse_text(payload)
        reject_body(self.name, payload.body, "JSON")
        doc = loads_json(payload.body, self.name, "the Federal Register answer")
        if (
            isinstance(doc, dict)
            and "status" in doc
            and "message" in doc
            and "results" not in doc
            and "count" not in doc
        ):
            raise SourceError(self.name, f"the API refused the query: {doc['message']}")
        if isinstance(doc, list):
            items, count = doc, None  # a bare results array
        elif isinstance(doc, dict) and "document_number" in doc:
            items, count = [doc], None  # one document
        elif isinstance(doc, dict) and "count" in doc:
            items, count = doc.get("results") or [], doc.get("count")  # no `results` key when count is 0
        else:
            raise ParseError(self.name, "neither a documents search page, a results array nor a document")
        result = ParseResult([], declared_total=count if isinstance(count, int) else None)
        if isinstance(count, int):  # a search page: its start from the page number and size asked
            page, per = query_int(payload.url, "page"), query_int(payload.url, "per_page")
            result.page_items, result.page_start = len(items), ((page or 1) - 1) * (per or 20)
        for r in items:
            try:
                title = clean_text(r["title"])
                number = str(r["document_number"])
                when = date.fromisoformat(str(r["publication_date"])[:10])
            except (KeyError, TypeError, ValueError) as exc:
                result.warnings.append(f"{self.name}: skipped a result without title/number/date ({exc})")
                continue
            objs = [a for a in r.get("agencies") or [] if isinstance(a, dict)]
            agencies = [a.get("slug") or a.get("raw_name") for a in objs]
            # the DOJ by name, slug or id: the Antitrust Division's parent is `justice-department`, id 268
            doj = any(a.get("id") == DOJ_AGENCY_ID or a.get("parent_id") == DOJ_AGENCY_ID for a in objs)
            authority = (
                "DOJ"
                if doj or any("justice" in str(a).lower() or "antitrust" in str(a).lower() for a in agencies)
                else ("FTC" if any("trade" in str(a).lower() for a in agencies) else _authority_from_title(title))
            )
            decision = classify_fr(title, r.get("abstract"), None)
            add_item(
                result,
                source=self.name,
                authority=authority,
                parser_version=self.parser_version,
                item_id=number,
                title=title,
                url=r.get("html_url"),
                when=when,
                published=None,
                decision=decision,
                payload=payload,
                case_ref=number,
                extra={"agencies": agencies, "type": r.get("type")},
            )
        if count and not items:
            raise ParseError(self.name, f"the page is empty although the API counts {count} documents")
        return result

    def parse_text(self, payload: Payload) -> ParseResult:
        # The raw-text endpoint answers plain text; an empty body or an HTML page (a bot wall, an error page)
        # is not the notice, and reading it as one would store "undetermined" over nothing.
        reject_body(self.name, payload.body, "the notice's plain text")
        text = payload.body.decode("utf-8", errors="replace")
        if len(text.strip()) < 30:  # a notice is pages long; a few words are a stub or a block message
            raise ParseError(
                self.name,
                f"{payload.url} is not the text of a Federal Register notice ({len(text.strip())} characters)",
                "the site may have sent an error or block page; the raw body was kept for re-parsing",
            )
        m = _TEXT_URL.search(payload.url)
        if m:
            y, mo, d, number = m.groups()
            when: date | None = date(int(y), int(mo), int(d))
        else:  # a text saved by hand: the document number from the file name, the date from the FR header
            n = re.search(r"(\d{4}-\d{4,6})", payload.url.rsplit("/", 1)[-1])
            if not n:
                raise ParseError(
                    self.name,
                    "cannot tell which document this text is",
                    "name the file after its document number, e.g. 2025-12887.txt",
                )
            number = n.group(1)
            hd = re.search(
                r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),\s+([A-Z][a-z]+ \d{1,2}, \d{4})",
                text[:3000],
            )
            when = datetime.strptime(hd.group(1), "%B %d, %Y").date() if hd else None
        # The title is the first line that names the notice type (text files keep the FR's line breaks).
        lines = [clean_text(x) for x in text[:6000].splitlines()]
        title = next(
            (
                x
                for x in lines
                if re.search(r"[;:]?\s*(?:Proposed Final Judgment|Analysis of|Response (?:of|to))", x) and len(x) < 400
            ),
            f"Federal Register document {number}",
        )
        decision = classify_fr(title, None, text)
        authority = "FTC" if re.search(r"FEDERAL TRADE COMMISSION", text[:2000]) else "DOJ"
        result = ParseResult([])
        add_item(
            result,
            source=self.name,
            authority=authority,
            parser_version=self.parser_version,
            item_id=number,
            title=title,
            url=f"https://www.federalregister.gov/d/{number}",
            when=when,
            published=None,
            decision=decision,
            payload=payload,
            case_ref=number,
            extra={"read_from": "raw_text"},
        )
        return result


def _authority_from_title(title: str) -> str:
    """When a record names no agency: DOJ files "United States v. …", the FTC publishes consents and ET listings."""
    if re.match(r"United States", title):
        return "DOJ"
    if re.search(r"Consent Order|Early Termination|Premerger Notification", title, re.I):
        return "FTC"
    return "US"
