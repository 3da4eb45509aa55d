"""Competition Bureau Canada: the report of merger reviews, one record per row; the current report (reviews opened
since late 2023, weekly, an outcome code per row) and the archived one (January 2015 to April 2023, by month).

Wire facts (shared/sources/national_authorities.md §4, real rows in fixtures/cb-mergers/): one static table, no
pagination; columns named in its head ("Parties to the Transaction", "Opened Date", "Concluded Date", "Industry
(NAICS)", "Outcome"; the archive: parties, industry, "Result", "Date" as YYYY-MM); parties "Acquirer / Target",
either side several names; most rows carry no id of their own, so a record's id is built from what the row says
(its opening date or month and its parties). Parties may ask the Bureau to delay or omit publication: a deal
missing from the report means nothing.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from bs4 import BeautifulSoup, Tag

from mergerwatch.core.errors import HttpError, ParseError, SourceError
from mergerwatch.core.model import Filing, Party, Role, Status, StatusEvent
from mergerwatch.core.names import clean_text
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.sources.base import FetchContext, ParseResult, Payload, Source, http_hint, reject_body, sniff_kind

SITE = "https://competition-bureau.canada.ca"
CURRENT_URL = SITE + "/en/mergers-and-acquisitions/report-concluded-merger-reviews"
ARCHIVE_URL = SITE + "/en/mergers-and-acquisitions/archived-report-merger-reviews"
PLAIN = {"wbdisable": "true"}  # the page without the Web Experience Toolkit's scripts: the same table, plain HTML

# outcome code -> (status, detail). The legend of the report: ARC (advance ruling certificate, s.102), NAL (no action
# letter), CA (consent agreement registered), JD (judicial decision), TA (abandoned by the parties), Other; Ongoing.
OUTCOMES: dict[str, tuple[Status, str]] = {
    "ongoing": (Status.under_review, "ca_ongoing"),
    "arc": (Status.cleared, "ca_arc"),
    "nal": (Status.cleared, "ca_nal"),
    "ca": (Status.cleared_with_remedies, "ca_consent_agreement"),
    "jd": (Status.unknown, "ca_judicial_decision"),  # a block or a loss in court: the code does not say which
    "ta": (Status.abandoned, "ca_abandoned"),
    "other": (Status.closed, "ca_other"),
}
_FORMS = re.compile(
    r"^(?:inc|inc\.|incorporated|ltd|ltd\.|limited|llc|l\.l\.c\.|lp|l\.p\.|llp|plc|corp|corp\.|corporation|co|co\.|"
    r"company|s\.a\.|sa|s\.a\.s\.|ag|se|gmbh|n\.v\.|nv|b\.v\.|bv|ulc|s\.e\.c\.|s\.r\.l\.|spa|s\.p\.a\.|oy|ab|as|a/s|"
    r"pty|pty\.|pte|pte\.)$",
    re.I,
)


def split_side(text: str) -> list[str]:
    """The names of one side of "Acquirer / Target": split at commas and "and", with a company form that lands alone
    ("Allergan, Inc.") put back on the name before it."""
    names: list[str] = []
    for piece in re.split(r",\s*(?:and\s+)?|\s+and\s+", text):
        piece = piece.strip()
        if not piece:
            continue
        if names and _FORMS.match(piece):
            names[-1] = f"{names[-1]}, {piece}"
        else:
            names.append(piece)
    return names


def parties_of(text: str) -> tuple[list[Party], bool]:
    """Parties of a row: split at the first " / " only (names can hold a slash), acquirers then targets; the flag
    is False when the row has no " / " (all parties then kept as "other")."""
    acquirer, sep, target = text.partition(" / ")
    if not sep:
        return [Party(name=n, role=Role.other) for n in split_side(text)], False
    return (
        [Party(name=n, role=Role.acquirer) for n in split_side(acquirer)]
        + [Party(name=n, role=Role.target) for n in split_side(target)],
        True,
    )


def row_id(opened: str, parties_text: str) -> str:
    """A stable id from what the row says: its opening date (or month) and a slug of its parties, shortened with a
    digest of the whole parties text where long."""
    plain = unicodedata.normalize("NFKD", clean_text(parties_text).lower()).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    if len(slug) > 60:
        digest = hashlib.sha256(clean_text(parties_text).lower().encode()).hexdigest()[:8]
        slug = f"{slug[:60].rstrip('-')}-{digest}"
    return f"{opened}-{slug}"


def _iso_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()) else None
    except ValueError:
        return None


class CbMergers(Source):
    name = "cb-mergers"
    parser_version = "cb-1"
    # Two pages, read once a night at most (the report changes weekly; the archive never).
    host_rules = {"competition-bureau.canada.ca": HostRule(min_interval=5.0, timeout=60.0, deadline=120.0)}

    def __init__(self, current_url: str = CURRENT_URL, archive_url: str = ARCHIVE_URL) -> None:
        self.current_url = current_url
        self.archive_url = archive_url

    # --- fetching ---------------------------------------------------------------------------

    def _get(self, ctx: FetchContext, url: str) -> Any:
        try:
            return ctx.client.get(url, params=PLAIN, conditional=True)
        except HttpError as exc:
            hint = http_hint(exc, "the next refresh retries; stored reviews are kept")
            raise SourceError(self.name, str(exc), hint) from None

    def fetch(self, ctx: FetchContext) -> Iterator[Payload]:
        reads = [("current", self.current_url)]
        if ctx.full or not ctx.get(self.name, "archive_read"):
            reads.append(("archive", self.archive_url))  # it has not changed since April 2024: once is enough
        for kind, url in reads:
            resp = self._get(ctx, url)
            if resp.not_modified:
                continue
            payload = Payload(self.name, resp.url, resp.content, content_type=resp.content_type, kind=kind,
                              validators=resp.validators)  # fmt: skip
            rows = 0
            if kind == "current":
                try:
                    rows = len(self.parse(payload).filings)
                except SourceError:
                    yield payload  # read again by the pipeline, which fails it and keeps the page
                    continue
            last = int(ctx.get(self.name, "current_rows") or 0)
            if kind == "current" and rows < last // 2:
                raise ctx.fail(payload, SourceError(
                    self.name,
                    f"the report lists {rows} review(s) where it listed {last} before",
                    "the page may be cut off or changed; the raw page was kept and nothing stored was changed",
                ))  # fmt: skip
            yield payload
            if kind == "current":
                ctx.set(self.name, "current_rows", str(rows))
            else:
                ctx.set(self.name, "archive_read", datetime.now(UTC).date().isoformat())

    def doctor(self, ctx: FetchContext) -> tuple[bool, str]:
        resp = self._get(ctx, self.current_url)
        res = self.parse(Payload(self.name, resp.url, resp.content, kind="current"))
        with_ids = sum(1 for f in res.filings if f.extra.get("row_id"))
        newest = max((f.extra.get("opened_date", "") for f in res.filings), default="")
        return bool(res.filings), (
            f"{len(res.filings)} review(s) in the current report, {with_ids} with a row id of their own, newest "
            f"opened {newest or '?'}"
        )

    # --- parsing ----------------------------------------------------------------------------

    def sniff(self, body: bytes) -> str:
        return "archive" if b"Result" in body and b"Opened Date" not in body else "current"

    def parse(self, payload: Payload) -> ParseResult:
        kind = sniff_kind(payload.body)
        if kind != "html":
            reject_body(self.name, payload.body, "the report's HTML page")
            raise ParseError(self.name, f"the answer is not an HTML page ({kind})", "the raw answer was kept")
        soup = BeautifulSoup(payload.body, "lxml")
        table, columns = _report_table(soup)
        if table is None:
            title = clean_text(soup.title.get_text(" ")) if soup.title else ""
            raise ParseError(
                self.name,
                f"no table of merger reviews in the page ({title[:100] or 'no title'})",
                "the site may be showing an error page or the report's layout changed; the raw page was kept",
            )
        res = ParseResult([])
        for tr in table.find_all("tr"):
            cells = tr.find_all("td", recursive=False)
            if len(cells) != len(columns):
                continue  # the head, the legend
            row = {col: clean_text(td.get_text(" ")) for col, td in zip(columns, cells, strict=True)}
            try:
                res.filings.append(self._row(row, str(tr.get("id") or ""), payload, res.warnings))
            except ValueError as exc:
                res.warnings.append(f"{self.name}: skipped a row ({row.get('parties', '')[:80]}): {exc}")
        if not res.filings:
            raise ParseError(
                self.name,
                "the report's table holds no review it could read",
                "the table is never empty: the page may be cut off or its layout changed; the raw page was kept",
            )
        return res

    def _row(self, row: dict[str, str], tr_id: str, payload: Payload, warnings: list[str]) -> Filing:
        text = row.get("parties", "")
        if not text:
            raise ValueError("no parties")
        parties, split = parties_of(text)
        if not split:
            warnings.append(f"{self.name}: '{text[:80]}' has no ' / ' between acquirer and target")
        code = row.get("outcome", "")
        status, detail = OUTCOMES.get(code.lower(), (Status.unknown, "ca_unknown"))
        if detail == "ca_unknown":
            warnings.append(f"{self.name}: outcome '{code}' of '{text[:60]}' matches no rule; kept as 'unknown'")
        opened = _iso_day(row.get("opened", ""))
        concluded = _iso_day(row.get("concluded", ""))
        month = row.get("month", "")
        events: list[StatusEvent] = []
        if "opened" in row:  # the current report: a review opened on a day, concluded on a day
            if opened is None:
                raise ValueError(f"opened date '{row.get('opened')}' is not a date")
            source_id = row_id(opened.isoformat(), text)
            events.append(StatusEvent(status=Status.under_review, status_raw="Opened", date=opened,
                                      detail="ca_opened"))  # fmt: skip
            sdate = opened if detail == "ca_ongoing" else concluded
        else:  # the archive: concluded in a month, its first day standing for it
            if not re.fullmatch(r"\d{4}-\d{2}", month):
                raise ValueError(f"date '{month}' is not a month")
            source_id = row_id(month, text)
            sdate = None
            events.append(StatusEvent(status=status, status_raw=code or "no outcome",
                                      date=date(int(month[:4]), int(month[5:]), 1), detail=detail,
                                      date_precision="month"))  # fmt: skip
        published = None
        m = re.match(r"(\d{4})(\d{2})(\d{2})-REPORT", tr_id)
        if m:
            published = datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=UTC)
        naics = row.get("industry", "")
        extra = {
            "parties_text": text,
            "outcome_code": code,
            "report": "archive" if "month" in row else "current",
            "opened_date": opened.isoformat() if opened else None,
            "concluded_date": concluded.isoformat() if concluded else None,
            "concluded_month": month or None,
            "sectors": [f"NAICS {naics}"] if naics else [],
            "row_id": tr_id or None,
        }
        return Filing(
            source=self.name,
            source_id=source_id,
            authority="CB",
            jurisdiction="CA",
            title=text,
            parties=parties,
            status=status,
            status_raw=code or "no outcome",
            status_date=sdate,
            detail=detail,
            url=payload.url if payload.url.startswith("https://") else (
                ARCHIVE_URL if "month" in row else CURRENT_URL),
            events=events,
            published_at=published,
            extra={k: v for k, v in extra.items() if v not in (None, "", [])},
            fetched_at=payload.fetched_at,
            payload_sha256=payload.sha256,
            parser_version=self.parser_version,
        )  # fmt: skip


# column head words -> the row key; "date" alone is the archive's month
_HEADS = (("parties", "parties"), ("opened", "opened"), ("concluded", "concluded"), ("industry", "industry"),
          ("naics", "industry"), ("outcome", "outcome"), ("result", "outcome"), ("date", "month"))  # fmt: skip


def _report_table(soup: BeautifulSoup) -> tuple[Tag | None, list[str]]:
    """The table whose head names the parties of the transaction, with its columns as row keys."""
    for table in soup.find_all("table"):
        heads = [clean_text(th.get_text(" ")).lower() for th in table.find_all("th")]
        if not any("parties" in h for h in heads):
            continue
        columns = []
        for h in heads:
            key = next((k for word, k in _HEADS if word in h), h)
            columns.append(key)
        if "outcome" in columns:
            return table, columns
    return None, []
