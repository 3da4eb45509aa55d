"""UK CMA merger cases from GOV.UK: the Search API lists them, the Content API holds each case in full.

Wire facts (shared/sources/uk_cma.md): any unknown Search API parameter is a 422, so URLs are built from a fixed
whitelist; ``count`` is at most 1,500; ``case_type``/``case_state`` are arrays in search results and strings in
content items; ``outcome_type`` is absent while a case is open; the body's "Statutory timetable" table writes dates
in words and the deadline in it moves. Status never comes from the description prose.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bs4 import BeautifulSoup

from mergerwatch.core.errors import HttpError, ParseError, SourceError
from mergerwatch.core.model import Filing, Party, Role, Status, StatusEvent
from mergerwatch.core.names import clean_text
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.sources.base import (
    FetchContext,
    ParseResult,
    Payload,
    Source,
    first,
    http_hint,
    loads_json,
    query_int,
    reject_body,
)

SEARCH_URL = "https://www.gov.uk/api/search.json"
CONTENT_URL = "https://www.gov.uk/api/content"
SITE = "https://www.gov.uk"
PAGE_COUNT = 500  # at most 1,500; a few hundred keeps each answer small
FIELDS = (
    "title,link,description,public_timestamp,case_type,case_state,market_sector,outcome_type,opened_date,closed_date"
)
MARGIN = timedelta(days=1)

# outcome_type -> (status, note). The table of status_vocabulary.md §3.7.
OUTCOMES: dict[str, Status] = {
    "mergers-phase-1-clearance": Status.cleared,
    "mergers-phase-1-clearance-with-undertakings-in-lieu": Status.cleared_with_remedies,
    "mergers-phase-1-exception-to-duty-to-refer": Status.cleared,
    "mergers-phase-1-found-not-to-qualify": Status.closed_no_jurisdiction,
    "mergers-phase-1-public-interest-interventions": Status.referred,
    "mergers-phase-1-referral": Status.in_depth_review,  # to Phase 2, not to another authority
    "mergers-phase-2-clearance": Status.cleared,
    "mergers-phase-2-clearance-with-remedies": Status.cleared_with_remedies,
    "mergers-phase-2-prohibition": Status.prohibited,
    "mergers-phase-2-cancellation": Status.abandoned,
}
_MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(), 1
    )
}
_DATE_WORDS = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})")
_RANGE = re.compile(r"^\s*(\d{1,2})(?:\s+([A-Za-z]+))?(?:\s+(\d{4}))?\s+(?:to|-|–)\s+(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})")


def words_date(text: str) -> tuple[date | None, date | None]:
    """(start, end) of ``7 September 2015``, ``10 to 24 July 2015`` or ``29 May 2024 to 5 June 2024``."""
    t = clean_text(text)
    m = _RANGE.match(t)
    if m:
        d1, mon1, y1, d2, mon2, y2 = m.groups()
        end = _mk(d2, mon2, y2)
        start = _mk(d1, mon1 or mon2, y1 or y2)
        return start, end
    m = _DATE_WORDS.search(t)
    if m:
        d = _mk(*m.groups())
        return d, d
    return None, None


def _mk(d: str, month: str, y: str) -> date | None:
    mon = _MONTHS.get(month.lower())
    try:
        return date(int(y), mon, int(d)) if mon else None
    except ValueError:
        return None


def parties_from_title(title: str) -> tuple[list[Party], bool]:
    """``A / B merger inquiry`` -> parties; the flag is False when the title has no ``/``."""
    t = re.sub(r"\s*merger inquiry\s*$", "", clean_text(title), flags=re.I)
    t = re.sub(r"\s*\((?:certain|some) assets?\)", "", t, flags=re.I).strip()
    parts = [p.strip() for p in re.split(r"\s+/\s+|\s*/\s*", t) if p.strip()]
    if len(parts) == 2:
        return [Party(name=parts[0], role=Role.acquirer), Party(name=parts[1], role=Role.target)], True
    return [Party(name=p, role=Role.other) for p in parts], len(parts) > 1


def _facet(value: Any) -> Any:
    """A facet value as its slug: until 2025-01-20 the Search API sent ``{"label": …, "value": …}`` objects
    (uk_cma.md §2.2), since then plain slugs."""
    if isinstance(value, dict):
        return value.get("value") or value.get("slug") or value.get("label")
    return value


def _scalar(value: Any) -> str | None:
    v = _facet(first(value))
    return str(v) if v not in (None, "") else None


def _facets(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [str(_facet(v)) for v in values if _facet(v) not in (None, "")]


class CmaMergers(Source):
    name = "cma-mergers"
    parser_version = "cma-1"
    host_rules = {"www.gov.uk": HostRule(min_interval=0.2, timeout=30.0, deadline=60.0)}

    def __init__(self, search_url: str = SEARCH_URL, content_url: str = CONTENT_URL) -> None:
        self.search_url = search_url
        self.content_url = content_url

    # --- fetching ---------------------------------------------------------------------------

    @staticmethod
    def search_params(start: int, count: int = PAGE_COUNT) -> dict[str, str]:
        # Only documented parameters: anything else is a 422.
        return {
            "filter_format": "cma_case",
            "filter_case_type": "mergers",
            "order": "-public_timestamp",
            "count": str(count),
            "start": str(start),
            "fields": FIELDS,
        }

    def _get(self, ctx: FetchContext, url: str, params: dict[str, str] | None = None) -> Any:
        try:
            return ctx.client.get(url, params=params)
        except HttpError as exc:
            if exc.status == 422:
                detail = ""
                try:
                    detail = str(json.loads(exc.body).get("error", ""))[:300]
                except (ValueError, AttributeError):
                    pass
                raise SourceError(
                    self.name,
                    f"GOV.UK rejected a search parameter (HTTP 422: {detail or 'no detail'})",
                    "the Search API changed its parameters; please report this to mergerwatch",
                ) from None
            raise SourceError(
                self.name, str(exc), http_hint(exc, "the next refresh retries; stored cases are kept")
            ) from None

    def fetch(self, ctx: FetchContext) -> Iterator[Payload]:
        if ctx.case:  # one case page on demand, by slug or path
            path = "/cma-cases/" + ctx.case.strip().removeprefix(SITE).rstrip("/").rsplit("/", 1)[-1]
            resp = self._get(ctx, self.content_url + path)
            yield Payload(self.name, resp.url, resp.content, content_type=resp.content_type, kind="content")
            return
        hwm_text = ctx.get(self.name, "public_timestamp_hwm")
        floor = None
        if ctx.since:
            floor = datetime(ctx.since.year, ctx.since.month, ctx.since.day).isoformat()
        elif hwm_text and not ctx.full:
            floor = (datetime.fromisoformat(hwm_text) - MARGIN).isoformat()
        changed: list[str] = []
        newest = hwm_text
        start = 0
        while True:
            resp = self._get(ctx, self.search_url, self.search_params(start))
            payload = Payload(
                self.name,
                resp.url,
                resp.content,
                content_type=resp.content_type,
                kind="search-index",
                expect_records=False,
            )
            yield payload
            doc = loads_json(resp.content, self.name, "the GOV.UK answer")
            results = doc.get("results") or []
            stop = not results
            for r in results:
                ts = str(r.get("public_timestamp") or "")
                if floor and ts and _ts(ts) < floor:
                    stop = True
                    break
                if r.get("link"):
                    changed.append(str(r["link"]))
                if ts and (newest is None or _ts(ts) > _ts(newest)):
                    newest = ts
            start += len(results)
            if stop or start >= int(doc.get("total") or 0):
                break
        failures = []
        for link in dict.fromkeys(changed):
            path = "/" + link.strip().removeprefix(SITE).lstrip("/")
            try:
                resp = self._get(ctx, self.content_url + path)
            except SourceError as exc:
                failures.append(f"{path}: {exc.message}")
                continue
            yield Payload(self.name, resp.url, resp.content, content_type=resp.content_type, kind="content")
        if failures:
            raise SourceError(
                self.name,
                f"{len(failures)} case page(s) could not be read: " + "; ".join(failures[:5]),
                "the others were stored; the next refresh reads these again",
            )
        if newest:
            ctx.set(self.name, "public_timestamp_hwm", _ts(newest))

    def doctor(self, ctx: FetchContext) -> tuple[bool, str]:
        resp = self._get(ctx, self.search_url, self.search_params(0, count=5))
        res = self.parse(Payload(self.name, resp.url, resp.content, kind="search"))
        if not res.filings:
            return False, "the Search API returned no merger case"
        results = (loads_json(resp.content, self.name, "the GOV.UK answer") or {}).get("results") or [{}]
        shape = "label/value objects" if isinstance(first(results[0].get("case_type")), dict) else "plain slugs"
        link = res.filings[0].url.removeprefix(SITE) if res.filings[0].url else ""
        item = self.parse(Payload(self.name, "", self._get(ctx, self.content_url + link).content, kind="content"))
        timetable = "no timetable"
        if item.filings:
            f = item.filings[0]
            timetable = f"deadline {f.deadline}" if f.deadline else "no deadline read"
            timetable += f", phase {f.extra.get('phase') or '?'}"
        return bool(item.filings), (
            f"{len(res.filings)} case(s) listed, facets as {shape}; content item of {link} parsed ({timetable})"
        )

    # --- parsing ----------------------------------------------------------------------------

    def parse(self, payload: Payload) -> ParseResult:
        reject_body(self.name, payload.body, "JSON")
        doc = loads_json(payload.body, self.name, "the GOV.UK answer")
        if isinstance(doc, dict) and "error" in doc and "results" not in doc:
            raise SourceError(self.name, f"GOV.UK answered with an error: {str(doc['error'])[:300]}")
        if isinstance(doc, dict) and "results" in doc:
            if payload.kind == "search-index":  # in a refresh the cases are read from the Content API
                total = doc.get("total") if isinstance(doc.get("total"), int) else None
                return ParseResult([], declared_total=total, page_items=len(doc.get("results") or []),
                                   page_start=query_int(payload.url, "start"))  # fmt: skip
            return self.parse_search(doc, payload)
        if isinstance(doc, dict) and "details" in doc and "base_path" in doc:
            res = ParseResult([])
            res.filings.append(self._content_item(doc, payload, res.warnings))
            return res
        raise ParseError(self.name, "the JSON is neither a GOV.UK search page nor a content item")

    def parse_search(self, doc: dict[str, Any], payload: Payload) -> ParseResult:
        res = ParseResult([], declared_total=doc.get("total") if isinstance(doc.get("total"), int) else None)
        res.page_items, res.page_start = len(doc.get("results") or []), query_int(payload.url, "start")
        for r in doc.get("results") or []:
            try:
                meta = {
                    k: r.get(k)
                    for k in ("case_type", "case_state", "market_sector", "outcome_type", "opened_date", "closed_date")
                }
                res.filings.append(
                    self._filing(
                        r.get("link") or r.get("_id"),
                        r.get("title") or "",
                        r.get("description"),
                        meta,
                        None,
                        r.get("public_timestamp"),
                        payload,
                        res.warnings,
                    )
                )
            except (ValueError, TypeError, AttributeError) as exc:
                res.warnings.append(f"{self.name}: skipped search result {r.get('link')}: {exc}")
        if doc.get("results") and not res.filings:
            raise ParseError(self.name, "no case could be read from the search page; the format may have changed")
        return res

    def _content_item(self, doc: dict[str, Any], payload: Payload, warnings: list[str]) -> Filing:
        details = doc.get("details") or {}
        return self._filing(
            doc["base_path"],
            doc.get("title") or "",
            doc.get("description"),
            details.get("metadata") or {},
            details.get("body"),
            doc.get("public_updated_at") or doc.get("updated_at"),
            payload,
            warnings,
        )

    def _filing(
        self,
        link: str | None,
        title: str,
        description: str | None,
        meta: dict[str, Any],
        body: str | None,
        public_ts: str | None,
        payload: Payload,
        warnings: list[str],
    ) -> Filing:
        if not link:
            raise ValueError("no link / base_path")
        path = "/" + str(link).removeprefix(SITE).lstrip("/")
        slug = path.rsplit("/", 1)[-1]
        title = clean_text(title)
        case_type = _scalar(meta.get("case_type"))
        state = _scalar(meta.get("case_state"))
        outcome = _scalar(meta.get("outcome_type"))
        opened = _iso_date(meta.get("opened_date"))
        closed = _iso_date(meta.get("closed_date"))
        sectors = _facets(meta.get("market_sector"))
        if case_type and case_type != "mergers":
            warnings.append(f"{self.name}: {slug} is a '{case_type}' case, not a merger; kept for reference")
        parties, ok = parties_from_title(title)
        if not ok:
            warnings.append(f"{self.name}: {slug}: title '{title}' has no '/', parties could not be split")
        events: list[StatusEvent] = []
        tt = read_timetable(body) if body else None
        deadline = None
        phase_heading = tt.phase if tt else None
        if tt is not None and not tt.found and state != "open":
            # a closed case: its outcome_type says what happened, the page's phase headings add nothing
            phase_heading = None
        if tt is not None and not tt.found and not phase_heading:
            warnings.append(f"{self.name}: {slug}: no statutory timetable in the case page; status from metadata only")
        elif tt is not None and not tt.rows and phase_heading:
            warnings.append(
                f"{self.name}: {slug}: a Phase {phase_heading} heading but no readable timetable dates; "
                "phase kept, no deadline"
            )
        for d_start, _d_end, action in tt.rows if tt else []:
            low = action.lower()
            if "launch of merger inquiry" in low or "launch of the merger inquiry" in low:
                events.append(
                    StatusEvent(status=Status.notified, status_raw=action, date=d_start, detail="cma_phase_1_launch")
                )
            elif "invitation to comment" in low:
                events.append(
                    StatusEvent(
                        status=Status.under_review, status_raw=action, date=d_start, detail="cma_invitation_to_comment"
                    )
                )
            elif re.search(r"date of reference|reference (?:to|for) phase 2|phase 2 reference", low) and d_start:
                events.append(
                    StatusEvent(
                        status=Status.in_depth_review, status_raw=action, date=d_start, detail="cma_phase_2_reference"
                    )
                )
            elif "deadline" in low and d_start and (deadline is None or d_start > deadline):
                deadline = d_start
            elif d_start:  # an earlier deadline (the Phase 1 row of a Phase 2 page) is dated history
                events.append(StatusEvent(status=None, status_raw=action, date=d_start, detail="cma_timetable"))
        if opened is None:
            # 1,240 of 2,562 cases carry no opened_date (uk_cma.md §2.2): the earliest dated event stands in.
            dated = [e.date for e in events if e.date]
            opened = min(dated) if dated else None
        if outcome:
            status = OUTCOMES.get(outcome, Status.unknown)
            raw, sdate, detail = outcome, closed or (events[-1].date if events else opened), outcome
            if status is Status.unknown:
                warnings.append(f"{self.name}: {slug}: outcome_type '{outcome}' matches no rule; kept as 'unknown'")
        elif state == "closed":
            status, raw, sdate, detail = Status.closed, "closed (no outcome_type)", closed, "cma_closed_no_outcome"
        elif phase_heading == 2:
            ref = [e for e in events if e.detail == "cma_phase_2_reference"]
            status, raw, sdate, detail = (
                Status.in_depth_review,
                "Phase 2",
                ref[-1].date if ref else None,
                "cma_phase_2",
            )
        else:
            known = [e for e in events if e.status is not None]
            # the launch outranks an invitation to comment of the same day
            last = max(known, key=lambda e: (e.date or date.min, e.detail == "cma_phase_1_launch")) if known else None
            if last:
                status, raw, sdate, detail = last.status, last.status_raw, last.date, last.detail
            else:
                status, raw, sdate, detail = (
                    Status.under_review,
                    f"case_state: {state or 'unknown'}",
                    opened,
                    "cma_open",
                )
        extra = {
            "slug": slug,
            "case_type": case_type,
            "case_state": state,
            "market_sector": sectors,
            "opened_date": opened.isoformat() if opened else None,
            "closed_date": closed.isoformat() if closed else None,
            "description": clean_text(description) if description else None,
            "phase": phase_heading,
        }
        return Filing(
            source=self.name,
            source_id=slug,
            authority="CMA",
            jurisdiction="UK",
            case_ref=slug,
            title=title,
            parties=parties,
            status=status,
            status_raw=raw,
            status_date=sdate,
            detail=detail,
            url=SITE + path,
            deadline=deadline,
            events=events,
            published_at=_parse_ts(public_ts),
            extra={k: v for k, v in extra.items() if v not in (None, "", [])},
            fetched_at=payload.fetched_at,
            payload_sha256=payload.sha256,
            parser_version=self.parser_version,
        )


@dataclass
class Timetable:
    rows: list[tuple[date | None, date | None, str]]  # (start, end, action) in page order
    phase: int | None  # the highest "Phase <n>" heading
    found: bool  # the page has a timetable table or dated timetable lines


_LINE = re.compile(r"^\s*([A-Za-z][^:]{2,80}?)\s*:\s*(\d{1,2}\s+[A-Za-z]+\s+\d{4})\b")
_LINE_WORDS = ("deadline", "reference", "launch", "extended", "extension", "decision", "invitation")


def read_timetable(body: str) -> Timetable:
    """The case page's timetable in whichever form it has (uk_cma.md §2.1–2.2): a "Statutory timetable" table of
    date / action rows (2015 and 2019 pages, dates in words, sometimes ranges), or "Administrative timetable"
    lines such as "Date of reference: 12 May 2022" and "Statutory deadline: 21 December 2022" (2022–23 pages).
    The phase comes from the "Phase <n>" headings whatever the timetable looks like."""
    soup = BeautifulSoup(body, "lxml")
    phase = None
    for h in soup.find_all(["h2", "h3", "h4"]):
        m = re.match(r"\s*phase\s+(\d)\b", h.get_text(" "), re.I)
        if m:
            phase = max(phase or 0, int(m.group(1)))
    found = False  # a timetable heading alone, without a table or dated lines, is not a timetable
    rows: list[tuple[date | None, date | None, str]] = []
    for table in soup.find_all("table"):
        head = " ".join(c.get_text(" ") for c in table.find_all("th")).lower()
        prev = table.find_previous(["h2", "h3", "h4"])
        under_timetable = prev is not None and "timetable" in prev.get_text(" ").lower()
        if not (under_timetable or ("date" in head and "action" in head)):
            continue
        found = True
        for tr in table.find_all("tr"):
            cells = [clean_text(td.get_text(" ")) for td in tr.find_all(["td", "th"])]
            if len(cells) >= 2 and tr.find("td") is not None:
                start, end = words_date(cells[0])
                rows.append((start, end, cells[1]))
    for el in soup.find_all(["p", "li"]):
        m = _LINE.match(clean_text(el.get_text(" ")))
        if m and any(w in m.group(1).lower() for w in _LINE_WORDS):
            start, end = words_date(m.group(2))
            if start:
                found = True
                rows.append((start, end, clean_text(m.group(1))))
    return Timetable(rows, phase, found)


def _iso_date(value: Any) -> date | None:
    v = _scalar(value)
    return date.fromisoformat(v[:10]) if v else None


def _ts(text: str) -> str:
    """A public_timestamp in one comparable form (UTC ISO)."""
    return _parse_ts(text).isoformat() if _parse_ts(text) else text


def _parse_ts(text: Any) -> datetime | None:
    if not text:
        return None
    t = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", str(text).replace("Z", "+00:00"))
    try:
        dt = datetime.fromisoformat(t)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=None)
