"""SEC EDGAR: the US review status that only the parties publish (sec_edgar.md).

Finding filings: EDGAR full-text search (``efts.sec.gov/LATEST/search-index``) for HSR wording, one day at a time
(yesterday's filings, nightly), split by form where a query would pass the 10,000-hit window; errors come back with
HTTP 200 and an ``errorType``. One hit is one document: hits are de-duplicated by accession number and each filing is
read once, as its full submission text (header + every document), which never changes once filed. Companies the
user follows (``refresh --source sec-edgar --cik N`` or ``--party NAME``) are read through the submissions API.

Reading: every document of a filing to plain text (HTML, inline XBRL and text alike), then ``hsr_text.extract``;
sentences that describe a deal with a named company become dated disclosure events without a status.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from mergerwatch.core.errors import HttpError, ParseError, SourceError
from mergerwatch.core.payload import file_url
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.sources.base import FetchContext, ParseResult, Payload, Source, http_hint, loads_json, query_int
from mergerwatch.sources.sec_edgar.document import (
    ARCHIVE_PATH,
    DOC_DATE,
    any_date,
    documents,
    norm,
    read_header,
    readable,
    registrant_name,
    to_text,
)
from mergerwatch.sources.sec_edgar.records import records

EFTS_URL = "https://efts.sec.gov/LATEST/search-index"
SUBMISSIONS_URL = "https://data.sec.gov/submissions/CIK{:010d}.json"
TICKERS_URL = "https://www.sec.gov/files/company_tickers.json"
ARCHIVE = "https://www.sec.gov/Archives/edgar/data/{cik}/{nodash}/{adsh}.txt"
FORMS = ("8-K", "DEFM14A", "PREM14A", "SC TO-T", "SC 14D9", "S-4", "425", "10-Q", "10-K")
QUERY = '"Hart-Scott-Rodino" OR "HSR Act"'
HITS_PER_PAGE = 100
WINDOW_CAP = 10_000
MAX_FILINGS_PER_RUN = 400  # a night's HSR filings are a few dozen; the bound keeps a bad query from running away
FOLLOW_LOOKBACK = timedelta(days=400)
BLOCK_BACKOFF = timedelta(minutes=15)
_DOCUMENT_KINDS = ("submission-text", "document")  # the SEC lifts a block after ten minutes under the limit

_ADSH = re.compile(r"\b(\d{10}-\d{2}-\d{6})\b")
_BLOCK_PAGE = re.compile(
    rb"Request Rate Threshold Exceeded|Undeclared Automated Tool|Your Request Originates from an", re.I
)


class SecEdgar(Source):
    name = "sec-edgar"
    parser_version = "sec-1"
    # The SEC allows 10 requests/s for a whole machine (sec_edgar.md §1); 0.35 s per host keeps all three hosts
    # together under 9/s even if a run used them at once (one source uses them one after another).
    host_rules = {
        "efts.sec.gov": HostRule(min_interval=0.35, timeout=60.0, deadline=90.0),
        "data.sec.gov": HostRule(min_interval=0.35, timeout=60.0, deadline=90.0),
        "www.sec.gov": HostRule(min_interval=0.35, timeout=60.0, deadline=120.0),
    }

    def __init__(
        self, efts_url: str = EFTS_URL, submissions_url: str = SUBMISSIONS_URL, archive: str = ARCHIVE
    ) -> None:
        self.efts_url = efts_url
        self.submissions_url = submissions_url
        self.archive = archive

    # --- fetching ---------------------------------------------------------------------------

    def _get(self, ctx: FetchContext, url: str, params: dict[str, str] | None = None) -> Any:
        blocked = ctx.get(self.name, "blocked_until")
        if blocked and datetime.fromisoformat(blocked) > datetime.now():
            raise SourceError(
                self.name,
                f"the SEC blocked this machine earlier; not asking again before {blocked[:16]}",
                "check MERGERWATCH_CONTACT (the SEC wants a name and an e-mail address) and the request rate",
            )
        try:
            return ctx.client.get(url, params=params)
        except HttpError as exc:
            if exc.status == 403:
                # A policy block (undeclared tool or rate), not a missing page: stop asking for a while.
                ctx.set(self.name, "blocked_until", (datetime.now() + BLOCK_BACKOFF).isoformat())
                raise SourceError(
                    self.name,
                    "the SEC refused the request (HTTP 403: its block for undeclared tools or too many requests)",
                    f"mergerwatch waits {BLOCK_BACKOFF.seconds // 60} minutes before asking again; check that "
                    "MERGERWATCH_CONTACT holds your e-mail address",
                ) from None
            raise SourceError(self.name, str(exc), http_hint(exc, "the next refresh retries")) from None

    def _search(self, ctx: FetchContext, day: date, forms: tuple[str, ...]) -> Iterator[Payload]:
        """Every page of one day's search. Each page is yielded before it is read, so a refused body is kept."""
        start = 0
        while True:
            params = {
                "q": QUERY,
                "forms": ",".join(forms),
                "dateRange": "custom",
                "startdt": day.isoformat(),
                "enddt": day.isoformat(),
                "from": str(start),
            }
            resp = self._get(ctx, self.efts_url, params)
            payload = Payload(
                self.name, resp.url, resp.content, content_type=resp.content_type, kind="efts", expect_records=False
            )
            yield payload
            doc = self._efts_doc(payload)
            hits = (doc.get("hits") or {}).get("hits") or []
            start += len(hits)
            total = ((doc.get("hits") or {}).get("total") or {}).get("value") or 0
            if not hits or start >= min(int(total), WINDOW_CAP):
                return

    def _efts_doc(self, payload: Payload) -> dict:
        doc = loads_json(payload.body, self.name, "the full-text search answer")
        if not isinstance(doc, dict):
            raise ParseError(self.name, "the full-text search answer is not a JSON object")
        if doc.get("errorType") or doc.get("errorMessage"):
            # EDGAR full-text search reports errors with HTTP 200 (sec_edgar.md §2)
            raise SourceError(
                self.name,
                f"full-text search refused the query: {str(doc.get('errorMessage') or doc.get('errorType'))[:200]}",
                "the run stopped for this source; if it repeats, please report it to mergerwatch",
            )
        if "hits" not in doc:
            raise ParseError(self.name, "the full-text search answer has no 'hits'; the format may have changed")
        return doc

    def fetch(self, ctx: FetchContext) -> Iterator[Payload]:
        follow = json.loads(ctx.get(self.name, "followed_ciks") or "[]")
        if ctx.case:
            cik = self._resolve(ctx, ctx.case)
            if cik not in follow:
                follow.append(cik)
                ctx.set(self.name, "followed_ciks", json.dumps(follow))
            yield from self._company(ctx, cik)
            return
        last = ctx.get(self.name, "last_day")
        today = date.today()
        first = ctx.since or (date.fromisoformat(last) + timedelta(days=1) if last else today - timedelta(days=1))
        first = max(first, today - timedelta(days=31)) if not ctx.full else first
        seen: set[str] = set()
        day = first
        while day < today:
            accessions: dict[str, str] = {}
            groups = [FORMS]
            while groups:
                forms = groups.pop(0)
                for payload in self._search(ctx, day, forms):
                    yield payload
                    doc = self._efts_doc(payload)
                    total = (doc.get("hits") or {}).get("total") or {}
                    if forms == FORMS and int(total.get("value") or 0) >= WINDOW_CAP:
                        # past the 10,000-hit window: the same day, one form at a time
                        ctx.notes.append(f"{self.name}: {day} has {WINDOW_CAP:,}+ hits; searched form by form")
                        groups = [(f,) for f in FORMS]
                        break
                    for hit in (doc.get("hits") or {}).get("hits") or []:
                        src = hit.get("_source") or {}
                        adsh = str(src.get("adsh") or str(hit.get("_id", "")).split(":")[0])
                        ciks = src.get("ciks") or []
                        if _ADSH.fullmatch(adsh) and ciks and adsh not in seen:
                            accessions.setdefault(adsh, str(int(ciks[0])))
            for adsh, cik in accessions.items():
                if len(seen) >= MAX_FILINGS_PER_RUN:
                    ctx.notes.append(f"{self.name}: stopped after {MAX_FILINGS_PER_RUN} filings; the rest next run")
                    return
                seen.add(adsh)
                yield self._filing_text(ctx, cik, adsh)
            ctx.set(self.name, "last_day", day.isoformat())
            day += timedelta(days=1)
        for cik in follow:
            yield from self._company(ctx, cik, skip=seen)

    def _filing_text(self, ctx: FetchContext, cik: str, adsh: str) -> Payload:
        url = self.archive.format(cik=int(cik), nodash=adsh.replace("-", ""), adsh=adsh)
        resp = self._get(ctx, url)
        return Payload(
            self.name, resp.url, resp.content, content_type=resp.content_type, kind="submission-text",
            expect_records=False,
        )  # fmt: skip

    def _resolve(self, ctx: FetchContext, case: str) -> int:
        text = case.strip()
        if text.lower().startswith("cik:"):
            text = text[4:]
        if text.isdigit():
            return int(text)
        name = text.removeprefix("party:")
        resp = self._get(ctx, TICKERS_URL)
        table = loads_json(resp.content, self.name, "the SEC company list")
        want = norm(name)
        rows = table.values() if isinstance(table, dict) else table
        best = [r for r in rows if isinstance(r, dict) and norm(str(r.get("title", ""))).startswith(want)]
        best = best or [r for r in rows if isinstance(r, dict) and str(r.get("ticker", "")).lower() == name.lower()]
        if not best:
            raise SourceError(self.name, f"no listed company named '{name}' in the SEC's company list")
        return int(best[0]["cik_str"])

    def _company(self, ctx: FetchContext, cik: int, skip: set[str] | None = None) -> Iterator[Payload]:
        resp = self._get(ctx, self.submissions_url.format(int(cik)))
        payload = Payload(self.name, resp.url, resp.content, content_type=resp.content_type, kind="submissions")
        yield payload
        doc = loads_json(resp.content, self.name, "the submissions answer")
        recent = (doc.get("filings") or {}).get("recent") or {}
        since = date.today() - FOLLOW_LOOKBACK
        read = set(json.loads(ctx.get(self.name, f"read:{int(cik)}") or "[]"))
        for adsh, form, filed in zip(
            recent.get("accessionNumber") or [], recent.get("form") or [], recent.get("filingDate") or [], strict=False
        ):
            root = str(form).removesuffix("/A")
            if root not in FORMS or adsh in read or (skip and adsh in skip) or date.fromisoformat(filed) < since:
                continue
            yield self._filing_text(ctx, str(cik), adsh)
            read.add(adsh)  # filed documents never change: read once
        ctx.set(self.name, f"read:{int(cik)}", json.dumps(sorted(read)[-2000:]))

    def doctor(self, ctx: FetchContext) -> tuple[bool, str]:
        day = date.today() - timedelta(days=3)
        doc = self._efts_doc(next(self._search(ctx, day, ("8-K",))))
        total = (doc.get("hits") or {}).get("total") or {}
        resp = self._get(ctx, self.submissions_url.format(1045810))
        sub = self.parse(Payload(self.name, resp.url, resp.content, kind="submissions"))
        return True, (
            f"full-text search: {total.get('value', '?')} 8-K hit(s) for HSR wording on {day}; submissions API: "
            f"{sub.notices[0].get('name') if sub.notices else '?'} read"
        )

    # --- parsing ----------------------------------------------------------------------------

    def payload_for_file(self, body: bytes, path: str) -> Payload:
        # A filing without HSR wording or deal sentences is an answer with nothing in it, not a broken page.
        kind = self.sniff(body)
        return Payload(self.name, file_url(path), body, kind=kind, expect_records=kind not in _DOCUMENT_KINDS)

    def sniff(self, body: bytes) -> str:
        head = body[:2000].lstrip()
        if head.startswith(b"{"):
            return "efts" if b'"hits"' in body[:4000] or b'"errorType"' in head else "submissions"
        if b"<SEC-DOCUMENT>" in head or b"ACCESSION NUMBER:" in head or b"<SEC-HEADER>" in head:
            return "submission-text"
        return "document"

    def parse(self, payload: Payload) -> ParseResult:
        kind = payload.kind if payload.kind in ("efts", "submissions", "submission-text", "document") else ""
        kind = kind or self.sniff(payload.body)
        if kind == "efts":
            doc = self._efts_doc(payload)
            total = ((doc.get("hits") or {}).get("total") or {}).get("value")
            res = ParseResult([], declared_total=total if isinstance(total, int) else None, empty_ok=True)
            res.page_items = len((doc.get("hits") or {}).get("hits") or [])
            res.page_start = query_int(payload.url, "from")
            return res
        if kind == "submissions":
            doc = loads_json(payload.body, self.name, "the submissions answer")
            if not isinstance(doc, dict) or "cik" not in doc:
                raise ParseError(self.name, "the submissions answer has no 'cik'; the format may have changed")
            res = ParseResult([], empty_ok=True)
            res.notices.append(
                {
                    "kind": "sec_company",
                    "cik": str(doc.get("cik")),
                    "name": doc.get("name"),
                    "former_names": [f.get("name") for f in doc.get("formerNames") or [] if isinstance(f, dict)],
                    "tickers": doc.get("tickers"),
                }
            )
            return res
        if _BLOCK_PAGE.search(payload.body[:5000]):
            raise SourceError(
                self.name,
                "the SEC answered with its block page (undeclared tool or too many requests), not a filing",
                "check MERGERWATCH_CONTACT and wait ten minutes; the page was kept",
            )
        text = payload.body.decode("utf-8", errors="replace")
        if not text.strip():
            raise ParseError(self.name, "the filing is empty", "the download may have been cut off")
        meta = read_header(text) if kind == "submission-text" else {}
        m = ARCHIVE_PATH.search(payload.url)
        if m:
            meta.setdefault("cik", str(int(m.group(1))))
            adsh = m.group(2)
            if adsh:
                meta.setdefault("accession", adsh if "-" in adsh else f"{adsh[:10]}-{adsh[10:12]}-{adsh[12:]}")
        docs = documents(text) if kind == "submission-text" else [("", "", text)]
        plain = "\n".join(to_text(body) for dtype, _name, body in docs if readable(dtype, _name))
        if not meta.get("name"):
            meta["name"] = registrant_name(text, plain)
        if not meta.get("date"):
            dm = DOC_DATE.search(plain[:20000])
            if dm:
                meta["date"] = any_date(dm.group(1) or dm.group(2))
            else:
                first = re.search(r"([A-Z][a-z]{2,8}\.?\s*\d{1,2},\s*\d{4})", plain[:600])
                meta["date"] = any_date(first.group(1)) if first else None
        return records(self, payload, meta, plain)
