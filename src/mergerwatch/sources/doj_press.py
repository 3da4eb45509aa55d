"""DOJ Antitrust Division press releases through the justice.gov News API (no key).

API facts (shared/sources/doj.md §1): ``page`` is 0-based, ``pagesize`` at most 50, results come oldest first
unless ``sort=date&direction=DESC`` is sent, dates are epoch seconds as strings, and no server-side component
filter is confirmed, so the Antitrust Division is picked from ``component[].name`` here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from mergerwatch.core.errors import HttpError, ParseError, SourceError
from mergerwatch.core.names import clean_text
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.sources.base import FetchContext, ParseResult, Payload, Source, http_hint, loads_json, reject_body
from mergerwatch.sources.classify import classify_press
from mergerwatch.sources.us_enforcement import add_item

API_URL = "https://www.justice.gov/api/v1/press_releases.json"
COMPONENT = "Antitrust Division"
PAGE_SIZE = 50
MAX_PAGES_FIRST_RUN = 10
MARGIN = timedelta(days=2)


class DojPress(Source):
    name = "doj-press"
    parser_version = "doj-press-1"
    host_rules = {"www.justice.gov": HostRule(min_interval=1.0, timeout=60.0, deadline=90.0)}

    def __init__(self, api_url: str = API_URL) -> None:
        self.api_url = api_url

    def _page(self, ctx: FetchContext, page: int) -> Payload:
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
        return Payload(
            self.name, resp.url, resp.content, content_type=resp.content_type, kind="api", expect_records=False
        )

    def _doc(self, payload: Payload) -> dict:
        doc = loads_json(payload.body, self.name, "the News API answer")
        return doc if isinstance(doc, dict) else {}

    def fetch(self, ctx: FetchContext) -> Iterator[Payload]:
        """Newest first while the server sorts as asked; otherwise a bounded scan that stops on known ids.

        Whether the News API honours ``sort``/``direction`` is disputed (doj.md §1.3). A fetcher that trusted it
        would stop after page 0 every night if it were ignored, so the order of every page is checked (within the
        page and against the previous one); the first page out of order switches to the scan, and the run says so.
        """
        hwm = ctx.get(self.name, "date_hwm")
        floor = None
        if ctx.since:
            floor = datetime(ctx.since.year, ctx.since.month, ctx.since.day, tzinfo=UTC).timestamp()
        elif hwm:
            floor = float(hwm) - MARGIN.total_seconds()
        known = KnownIds.load(ctx.get(self.name, "known_ids"))
        newest = float(hwm) if hwm else None
        prev_min: float | None = None
        order = "newest-first"
        doc: dict = {}
        for page in range(0, 10_000):
            payload = self._page(ctx, page)
            yield payload  # first, so that a body that fails to parse is kept
            doc = self._doc(payload)
            rows = _rows(doc)
            dates = [d for d, _ in rows]
            known.add([i for _, i in rows], dates)
            if dates:
                newest = max(newest or 0, max(dates))
            seen = page_order(dates, prev_min)
            if seen != "newest-first":
                order = seen
                break
            prev_min = min(dates) if dates else prev_min
            if not dates or len(dates) < PAGE_SIZE or (floor and min(dates) < floor):
                break
            if floor is None and page + 1 >= MAX_PAGES_FIRST_RUN:
                break
        ctx.set(self.name, "order_seen", order)
        if order != "newest-first":
            yield from self._scan(ctx, doc, order, known)
            newest = max([newest or 0, *(known.newest_dates)]) or newest
        ctx.set(self.name, "known_ids", known.dump())
        if newest:
            ctx.set(self.name, "date_hwm", str(int(newest)))

    def _scan(self, ctx: FetchContext, first_doc: dict, order: str, known: KnownIds) -> Iterator[Payload]:
        """The server did not sort newest first. Ascending (the documented default): the newest releases are on
        the last pages, so read backwards from the last page; any other order: read forward. Either way stop at
        the first page whose every release is already known, and never read more than MAX_SCAN_PAGES pages."""
        had_known = bool(known.ids_before_run)
        count = _count(first_doc)
        if order == "ascending" and count:
            last = max(0, (count - 1) // PAGE_SIZE)
            pages = list(range(last, max(-1, last - MAX_SCAN_PAGES), -1))
        else:
            pages = list(range(1, 1 + MAX_SCAN_PAGES))
        read = 0
        reached_known = False
        for page in pages:
            if page == 0 and order != "ascending":
                continue
            payload = self._page(ctx, page)
            yield payload
            doc = self._doc(payload)
            read += 1
            rows = _rows(doc)
            ids = [i for _, i in rows]
            if not ids:
                break
            if had_known and all(i in known.ids_before_run for i in ids):
                reached_known = True
                break
            known.add(ids, [d for d, _ in rows])
        how = "ascending (the sort parameters were ignored)" if order == "ascending" else "in no date order"
        note = f"{self.name}: the News API returned releases {how}; {read} page(s) read by a known-id scan"
        if had_known and not reached_known:
            note += f"; it hit its bound of {MAX_SCAN_PAGES} pages before a page of known releases: some may be missing"
        ctx.notes.append(note)

    def doctor(self, ctx: FetchContext) -> tuple[bool, str]:
        payload = self._page(ctx, 0)
        result = self.parse(payload)
        payload2 = self._page(ctx, 1)
        self.parse(payload2)
        doc, doc2 = self._doc(payload), self._doc(payload2)
        d0 = [d for d, _ in _rows(doc)]
        d1 = [d for d, _ in _rows(doc2)]
        order = page_order(d0, None)
        if order == "newest-first" and d0:
            order = page_order(d1, min(d0))
        said = {
            "newest-first": "honours sort=date&direction=DESC (newest first)",
            "ascending": "ignores the sort (oldest first): nightly runs use the known-id scan",
            "unordered": "returns releases in no date order: nightly runs use the known-id scan",
        }[order]
        return True, (
            f"the News API {said}; {len(result.filings)} Antitrust Division record(s), "
            f"{len(result.notices)} notice(s) on page 0 of {_count(doc) or '?'} releases"
        )

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


MAX_SCAN_PAGES = 20
KNOWN_IDS_KEPT = 5000


def _rows(doc: dict) -> list[tuple[float, str]]:
    """(date, id) of every release of a page, whatever its component."""
    out = []
    for r in doc.get("results") or [] if isinstance(doc, dict) else []:
        if not isinstance(r, dict):
            continue
        try:
            when = float(r.get("date") or r.get("created") or 0)
        except (TypeError, ValueError):
            when = 0.0
        out.append((when, str(r.get("uuid") or r.get("url") or "")))
    return out


def _count(doc: dict) -> int | None:
    count = ((doc.get("metadata") or {}).get("resultset") or {}).get("count") if isinstance(doc, dict) else None
    try:
        return int(count) if count is not None else None
    except (TypeError, ValueError):
        return None


def page_order(dates: list[float], prev_min: float | None) -> str:
    """``newest-first`` when the page's dates never rise (and start no later than the previous page ended),
    ``ascending`` when they never fall and do rise, ``unordered`` otherwise."""
    if prev_min is not None and dates and dates[0] > prev_min:
        return "ascending" if all(a <= b for a, b in zip(dates, dates[1:], strict=False)) else "unordered"
    if all(a >= b for a, b in zip(dates, dates[1:], strict=False)):
        return "newest-first"
    if all(a <= b for a, b in zip(dates, dates[1:], strict=False)):
        return "ascending"
    return "unordered"


class KnownIds:
    """Release ids seen on earlier runs (the newest KNOWN_IDS_KEPT), kept in the source's state."""

    def __init__(self, items: list[list]) -> None:
        self.items: dict[str, float] = {str(i): float(d) for i, d in items}
        self.ids_before_run = frozenset(self.items)

    @classmethod
    def load(cls, text: str | None) -> KnownIds:
        try:
            data = json.loads(text) if text else []
            return cls([x for x in data if isinstance(x, list) and len(x) == 2])
        except (ValueError, TypeError):
            return cls([])

    def add(self, ids, dates: list[float] | None = None) -> None:
        ids = list(ids)
        for n, i in enumerate(ids):
            if i:
                self.items[i] = max(self.items.get(i, 0.0), dates[n] if dates and n < len(dates) else 0.0)

    @property
    def newest_dates(self) -> list[float]:
        return [d for d in self.items.values() if d]

    def dump(self) -> str:
        keep = sorted(self.items.items(), key=lambda kv: kv[1], reverse=True)[:KNOWN_IDS_KEPT]
        return json.dumps([[i, d] for i, d in keep])
