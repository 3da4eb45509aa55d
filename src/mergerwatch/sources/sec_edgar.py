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

import html
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from mergerwatch.core.errors import HttpError, ParseError, SourceError
from mergerwatch.core.model import Filing, Party, Role, Status, StatusEvent
from mergerwatch.core.names import clean_text
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.hsr_text import extract, sentences
from mergerwatch.sources.base import FetchContext, ParseResult, Payload, Source, http_hint, loads_json

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

_HEADER = re.compile(r"^\s*([A-Z][A-Z /-]+?):\s*(.*?)\s*$", re.M)
_ARCHIVE_PATH = re.compile(r"/Archives/edgar/data/(\d+)(?:/(\d{18}|\d{10}-\d{2}-\d{6}))?")
_ADSH = re.compile(r"\b(\d{10}-\d{2}-\d{6})\b")
_COMPANY = re.compile(
    r"\b((?:[A-Z][\w&'.-]*(?:,)?\s+){0,4}?[A-Z][\w&'.-]*,?\s+(?:Inc\.?|Incorporated|Corp\.?|Corporation|"
    r"Ltd\.?|Limited|LLC|L\.L\.C\.|plc|PLC|N\.V\.|S\.A\.|AG|SE|L\.P\.))(?![\w])"
)
# Defined terms of merger documents that look like names ("the Company", "Parent", "Merger Sub Inc.")
_GENERIC = re.compile(
    r"^(?:the )?(?:company|parent|purchaser|merger|sub|offer|offeror|buyer|seller|stock|options?|shares?|board|"
    r"agreement|registrant|issuer|holdings?|group|subsidiar\w*|affiliates?)\b",
    re.I,
)
_BLOCK_PAGE = re.compile(
    rb"Request Rate Threshold Exceeded|Undeclared Automated Tool|Your Request Originates from an", re.I
)
_DEAL_WORDS = re.compile(r"acqui|merger|combination|licen", re.I)
_HEDGED_DEAL = re.compile(r"\b(?:may|might|would|could|will|if|unless|whether|propose[ds]?|seek)\b", re.I)
# Deal words, each followed by the counterparty's name: acquisitions, mergers, and licence-and-hire deals such as
# Nvidia / Groq ("entered into a non-exclusive license agreement with Groq, Inc.").
_DEAL = re.compile(
    r"\b(?:acquired|completed (?:the|its|our) acquisition of|agreed to acquire|(?:merger|combination) agreement with|"
    r"agreement and plan of merger with|business combination with|merger with|(?:license|licence|licensing) "
    r"agreement with|to be acquired by|acquisition (?:of us|of the Company) by)\s+(?:\w+\s+){0,2}?",
    re.I,
)
_AGENCY_NAMES = re.compile(r"Federal Trade Commission|Department of Justice|Antitrust Division|Commission", re.I)
_DOC_DATE = re.compile(
    r"Date of Report[^:]{0,80}:\s*([A-Z][a-z]+\s*\d{1,2},\s*\d{4})|FILED AS OF DATE:\s*(\d{8})", re.I
)


_DROP_BLOCKS = re.compile(r"<(script|style|ix:header|head)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")


def _to_text(body: str) -> str:
    """A filing document as plain text. EDGAR documents are machine-written HTML (often megabytes of inline XBRL);
    dropping tags with one regex reads them several times faster than building a tree, and only the words
    matter here. Hidden XBRL headers, scripts and styles are dropped first."""
    if not re.search(r"<(?:html|div|p|table|body|font|span)\b", body[:20000], re.I):
        return body
    text = _TAG.sub(" ", _DROP_BLOCKS.sub(" ", body))
    return html.unescape(text)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _strip_name(name: str) -> str:
    return re.sub(r"^(?:the|and|with|of|by|from|to|that|Under|On)\s+", "", clean_text(name)).strip(" ,")


class SecEdgar(Source):
    name = "sec-edgar"
    follows_companies = True
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
        want = _norm(name)
        rows = table.values() if isinstance(table, dict) else table
        best = [r for r in rows if isinstance(r, dict) and _norm(str(r.get("title", ""))).startswith(want)]
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
        return Payload(self.name, f"file://{path}", body, kind=kind, expect_records=kind not in _DOCUMENT_KINDS)

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
        meta = _header(text) if kind == "submission-text" else {}
        m = _ARCHIVE_PATH.search(payload.url)
        if m:
            meta.setdefault("cik", str(int(m.group(1))))
            adsh = m.group(2)
            if adsh:
                meta.setdefault("accession", adsh if "-" in adsh else f"{adsh[:10]}-{adsh[10:12]}-{adsh[12:]}")
        documents = _documents(text) if kind == "submission-text" else [("", "", text)]
        plain = "\n".join(_to_text(body) for dtype, _name, body in documents if _readable(dtype, _name))
        if not meta.get("date"):
            dm = _DOC_DATE.search(plain[:20000])
            if dm:
                meta["date"] = _any_date(dm.group(1) or dm.group(2))
            else:
                first = re.search(r"([A-Z][a-z]{2,8}\.?\s*\d{1,2},\s*\d{4})", plain[:600])
                meta["date"] = _any_date(first.group(1)) if first else None
        return self._records(payload, meta, plain)

    def _records(self, payload: Payload, meta: dict[str, Any], plain: str) -> ParseResult:
        res = ParseResult([], empty_ok=True)
        doc_date: date | None = meta.get("date")
        filer = meta.get("name") or ""
        filer_norm = _norm(filer).split("-")[0] if filer else ""
        sents = sentences(plain)
        hsr = extract(plain, doc_date, sents)
        events: list[tuple[str | None, StatusEvent, str | None]] = []
        for e in hsr:
            events.append(
                (
                    _counterparty(e.sentence, filer_norm),
                    StatusEvent(
                        status=e.status,
                        status_raw=e.sentence[:1000],
                        date=e.date,
                        detail=e.detail,
                        deadline=e.deadline,
                        basis="text",
                        url=payload.url if payload.url.startswith("http") else None,
                    ),
                    e.agency,
                )
            )
        for s in sents:
            if len(s) > 1500 or not _DEAL_WORDS.search(s):
                continue
            m = _DEAL.search(s)
            if not m or re.search(r"\[\s*[A-Z][a-z]+ \d", s) or _HEDGED_DEAL.search(s[: m.end()]):
                continue
            other = _counterparty(s[m.end() : m.end() + 80], filer_norm)
            if not other:
                continue
            dates = re.findall(r"([A-Z][a-z]{2,8}\.?\s*\d{1,2},\s*\d{4})", s)
            when = _any_date(dates[0]) if dates else doc_date
            if when is None:
                continue
            events.append(
                (
                    other,
                    StatusEvent(
                        status=None,
                        status_raw=s[:1000],
                        date=when,
                        detail="sec_deal_disclosure",
                        basis="text",
                        url=payload.url if payload.url.startswith("http") else None,
                    ),
                    None,
                )
            )
        if not events:
            return res
        # one record per deal per filer: events without a named counterparty join the document's main one
        named = Counter(c for c, _e, _a in events if c)
        main = named.most_common(1)[0][0] if named else None
        groups: dict[str | None, list[tuple[StatusEvent, str | None]]] = {}
        for c, e, a in events:
            groups.setdefault(c or main, []).append((e, a))
        for other, evs in groups.items():
            res.filings.append(self._filing(payload, meta, filer, other, evs))
        return res

    def _filing(
        self,
        payload: Payload,
        meta: dict[str, Any],
        filer: str,
        other: str | None,
        evs: list[tuple[StatusEvent, str | None]],
    ) -> Filing:
        events = sorted((e for e, _a in evs), key=lambda e: e.date or date.min)
        bearing = [e for e in events if e.status is not None]
        cur = bearing[-1] if bearing else None
        agencies = [a for e, a in evs if a and e.status is not None]
        who = meta.get("cik") or _norm(filer) or payload.sha256[:12]
        key = f"{who}:{_norm(other)}" if other else f"{who}:{meta.get('accession') or payload.sha256[:12]}"
        parties = []
        if filer:
            parties.append(Party(name=filer, role=Role.other))
        for former in meta.get("former_names") or []:
            parties.append(Party(name=former, role=Role.other))
        if other:
            parties.append(Party(name=other, role=Role.other))
        title = f"{filer or 'Filer'}{' / ' + other if other else ''} (SEC {meta.get('form') or 'filing'})"
        deadline = next((e.deadline for e in reversed(events) if e.deadline), None)
        return Filing(
            source=self.name,
            source_id=key,
            authority=agencies[-1] if agencies else "US",
            jurisdiction="US",
            case_ref=meta.get("accession"),
            title=title,
            parties=parties,
            status=cur.status if cur else Status.unknown,
            status_raw=cur.status_raw if cur else "deal disclosed by a party; no HSR status in the filing",
            status_date=cur.date if cur else (events[-1].date if events else None),
            detail=cur.detail if cur else "sec_deal_disclosure",
            url=payload.url if payload.url.startswith("http") else None,
            deadline=deadline,
            events=events,
            extra={
                k: v
                for k, v in {
                    "cik": meta.get("cik"),
                    "accession": meta.get("accession"),
                    "form": meta.get("form"),
                    "filed": meta["date"].isoformat() if meta.get("date") else None,
                    "counterparty": other,
                }.items()
                if v
            },
            fetched_at=payload.fetched_at,
            payload_sha256=payload.sha256,
            parser_version=self.parser_version,
        )


def _header(text: str) -> dict[str, Any]:
    """The EDGAR header of a full submission: accession, form, filing date, the filer and its former names."""
    head = text[: text.find("</SEC-HEADER>")] if "</SEC-HEADER>" in text else text[:8000]
    fields = [(k.strip(), v) for k, v in _HEADER.findall(head)]
    get = {k: v for k, v in reversed(fields)}
    # the filer: the FILER block, else the subject company of a tender-offer schedule
    block = head
    for marker in ("FILER:", "SUBJECT COMPANY:", "FILED BY:"):
        if marker in head:
            block = head[head.index(marker) :]
            break
    name = re.search(r"COMPANY CONFORMED NAME:\s*(.+)", block)
    cik = re.search(r"CENTRAL INDEX KEY:\s*(\d+)", block)
    filed = get.get("FILED AS OF DATE", "")
    return {
        "accession": get.get("ACCESSION NUMBER"),
        "form": get.get("CONFORMED SUBMISSION TYPE"),
        "date": _any_date(filed) if filed else None,
        "name": clean_text(name.group(1)) if name else None,
        "cik": str(int(cik.group(1))) if cik else None,
        "former_names": [clean_text(x) for x in re.findall(r"FORMER CONFORMED NAME:\s*(.+)", block)],
    }


def _documents(text: str) -> list[tuple[str, str, str]]:
    out = []
    for m in re.finditer(r"<DOCUMENT>(.*?)</DOCUMENT>", text, re.S):
        part = m.group(1)
        t = re.search(r"<TYPE>([^\n<]+)", part)
        f = re.search(r"<FILENAME>([^\n<]+)", part)
        body = re.search(r"<TEXT>(.*?)</TEXT>", part, re.S)
        out.append(
            ((t.group(1) if t else "").strip(), (f.group(1) if f else "").strip(), body.group(1) if body else "")
        )
    return out or [("", "", text)]


def _readable(dtype: str, name: str) -> bool:
    """The filing's prose: the main document and exhibits; not XBRL schemas, images, archives or PDFs."""
    if dtype.startswith(("EX-101", "GRAPHIC", "ZIP", "XML", "JSON", "EXCEL", "PDF")):
        return False
    return not name.lower().endswith((".xsd", ".xml", ".jpg", ".gif", ".png", ".zip", ".pdf", ".xlsx", ".json"))


def _any_date(text: str | None) -> date | None:
    if not text:
        return None
    t = re.sub(r"\s+", " ", text.strip().replace(".", ""))
    for fmt in ("%Y%m%d", "%B %d, %Y", "%b %d, %Y", "%B%d, %Y"):
        try:
            return datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    return None


def _counterparty(sentence: str, filer_norm: str) -> str | None:
    """The first company the sentence names that is not the filer (nor an agency)."""
    for m in _COMPANY.finditer(sentence):
        name = _strip_name(m.group(1))
        norm = _norm(name)
        if not name or _AGENCY_NAMES.search(name) or (filer_norm and norm.startswith(filer_norm)):
            continue
        if _GENERIC.match(name):
            continue
        if len(name) < 4 or norm in ("the-company", "company", "parent", "the-group", "group"):
            continue
        return name
    return None
