"""Bundeskartellamt (Germany): the list of current merger proceedings ("Laufende Verfahren": every notification, with
its file number, companies, product area and, once the procedure is over, its completion) and the decision search
(decisions and case summaries of merger control, with their type).

Wire facts (shared/sources/national_authorities.md §1): HTML pages of the federal Government Site Builder, paged by a
``gtp`` parameter whose "=" is encoded twice; robots.txt asks for 30 s between requests. No capture of the list
exists: its layout (one table, five cells: Datum, Aktenzeichen, Unternehmen, Produktbereich, Abschluss; "-" while
open) is known from other consumers' code, and the decision search's from a real 2018 scrape of its table
(fixtures/bkarta-mergers/, all derived). So tables are read by their column heads where they have them, by the
five cells where they do not, and a page that shows neither is an error that names what it showed. The German
words of the outcome are matched by stem and always kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from bs4 import BeautifulSoup, Tag

from mergerwatch.core.errors import HttpError, ParseError, SourceError
from mergerwatch.core.model import Filing, Party, Role, Status, StatusEvent
from mergerwatch.core.names import clean_text
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.sources.base import FetchContext, ParseResult, Payload, Source, http_hint, reject_body, sniff_kind

SITE = "https://www.bundeskartellamt.de"
LIST_URL = SITE + "/SiteGlobals/Forms/Suche/LaufendeVerfahren/LaufendeVerfahren_Formular.html"
LIST_ID = "83488"  # the list's id in its paging parameter (gtp=83488_list%253D2)
SEARCH_URL = SITE + "/SiteGlobals/Forms/Suche/Entscheidungssuche_Formular.html"
SEARCH = {"cl2Categories_Arbeitsbereich": "Fusionskontrolle", "cl2Categories_Format": "Entscheidungen",
          "resultsPerPage": "50"}  # fmt: skip
# Every night the first three pages (about seven weeks of notifications, longer than a first phase): a case's
# completion is seen while its row is still there. Older rows are not read again but by `refresh --full`.
PAGES_PER_NIGHT = 3
MAX_PAGES = 30  # `refresh --full`: more than 1,000 notifications a year at 50 a page

REF = re.compile(r"\bB\s?\d{1,2}\s*[-–]\s*\d{1,4}\s*/\s*\d{2,4}\b")
DAY = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
SOFT = "\u00ad"  # the site hyphenates words with soft hyphens: "Clear\u00adance"

# column head words -> row key (German list, English and German decision search); first match wins
HEADS = (("aktenzeichen", "ref"), ("reference", "ref"), ("datum", "date"), ("date", "date"),
         ("unternehmen", "parties"), ("subject", "subject"), ("titel", "subject"), ("thema", "subject"),
         ("produkt", "product"), ("product", "product"), ("markt", "product"), ("abschluss", "completion"),
         ("type of decision", "decision"), ("entscheidung", "decision"), ("art", "decision"))  # fmt: skip
LIST_CELLS = ("date", "ref", "parties", "product", "completion")  # the list without column heads

# outcome stems, German and English (the decision search's types), first match wins: the severest first, since
# the site runs two types together ("ProhibitionTermination of proceeding")
OUTCOMES: tuple[tuple[tuple[str, ...], Status, str], ...] = (
    (("untersag", "prohibition"), Status.prohibited, "bkarta_prohibition"),
    (("entflecht", "unbundling"), Status.dissolution_ordered, "bkarta_unbundling"),
    (
        ("nebenbestimmung", "bedingung", "auflage", "conditional clearance"),
        Status.cleared_with_remedies,
        "bkarta_clearance_conditions",
    ),  # fmt: skip
    (("hauptprüf",), Status.in_depth_review, "bkarta_phase_2"),
    (("fristablauf",), Status.cleared, "bkarta_deemed_clearance"),
    (("freigabe", "freigegeben", "clearance"), Status.cleared, "bkarta_clearance"),
    (("rücknahme", "zurückgenommen", "withdraw"), Status.abandoned, "bkarta_withdrawn"),
    (("einstellung", "eingestellt", "termination of proceeding"), Status.closed, "bkarta_terminated"),
    (("bußgeld", "fining"), Status.unknown, "bkarta_fine"),
    (("feststellung", "finding"), Status.unknown, "bkarta_notifiable_finding"),
    (("sonstige", "other"), Status.unknown, "bkarta_other"),
)

# Parties in a case's short subject ("Clearance of acquisition of Sanitec by Geberit", "Erwerb der X durch Y",
# "Phonak / GN ReSound"): (pattern, role of the first name, role of the second)
_LEAD = re.compile(
    r"^(?:case summary from [^:]*:\s*)?(?:merger control:\s*)?(?:bundeskartellamt\s+(?:clears|prohibits)\s+)?"
    r"(?:(?:clearance|prohibition|withdrawal|examination|reversal|final abandonment|approval)\s+of\s+)?"
    r"(?:the\s+)?(?:notification\s+(?:of|for)\s+)?(?:(?:planned|proposed|intended)\s+)?",
    re.I,
)
_SUBJECTS: tuple[tuple[re.Pattern[str], Role, Role], ...] = (
    (re.compile(r"(?:acquisition|takeover) of (.+?) by (.+)$", re.I), Role.target, Role.acquirer),
    (re.compile(r"acquisition by (.+?) of (.+)$", re.I), Role.acquirer, Role.target),
    (re.compile(r"^(.+?)['’]s acquisition of (.+)$", re.I), Role.acquirer, Role.target),
    (
        re.compile(r"erwerb (?:von|der|des|einer|eines) (.+?) durch (?:die |den |das )?(.+)$", re.I),
        Role.target,
        Role.acquirer,
    ),  # fmt: skip
    (
        re.compile(
            r"(?:merger|joint venture|zusammenschluss) (?:between|of|von|zwischen) (.+?) (?:and|und) (.+)$", re.I
        ),
        Role.other,
        Role.other,
    ),  # fmt: skip
    (re.compile(r"^([^/]{2,80}?) / (.+)$"), Role.other, Role.other),
)
_TAIL = re.compile(r"\s+(?:cleared|prohibited|freigegeben|untersagt)\b.*$|\s+[–-]\s+.*$|\s*\(.*$", re.I)
_SHARE = re.compile(r"^(?:(?:\d+(?:[.,]\d+)?\s*%|a majority|a stake|a minority stake|all)\s+(?:of\s+)?"
                    r"(?:the\s+)?(?:shares|interest)?\s*(?:in|of)\s+)", re.I)  # fmt: skip
_PLACE = re.compile(r"(\b(?:GmbH|AG|SE|KG|KGaA|mbH|Ltd|Inc|LLC|plc|S\.A\.|N\.V\.|B\.V\.|Oyj|ASA|A/S))(?:\s*,\s*[A-ZÄÖÜ]"
                    r"[\w.\- ]{1,40})+$")  # fmt: skip


def plain(text: str) -> str:
    return clean_text(text.replace(SOFT, ""))


def outcome_of(raw: str) -> tuple[Status, str]:
    low = plain(raw).lower()
    if low in ("", "-", "–", "—"):
        return Status.notified, "bkarta_notified"
    for stems, status, detail in OUTCOMES:
        if any(s in low for s in stems):
            return status, detail
    if DAY.search(low):
        return Status.unknown, "bkarta_completed"
    return Status.unknown, "bkarta_unknown"


# Lower-case words that belong inside a company's name ("Becton Dickinson and Company", "Apotheke am Rothenbaum")
_JOINS = frozenset("and & of de la du von van der den die das am an und zu für of the y e".split())


# "part of X", "the retail business of X", "outlets belonging to X": the company is what follows
_PART_OF = re.compile(r"^.*\b(?:part|business|segment|assets|shares|stake|outlets|branch|division|activities|"
                      r"operations|control|shareholding|interest|title rights)s?\s+(?:of|in|over|from)\s+|"
                      r"^.*\bbelonging to\s+", re.I)  # fmt: skip
# the first word of a phrase that names a procedure, not a company ("Withdrawal of ...", "Major mergers ...")
_NOT_NAMES = frozenset("acquisition acquisitions enforcement withdrawal major merger mergers clearance prohibition "
                       "examination notification creation establishment".split())  # fmt: skip


def _name(text: str) -> str:
    """A company's name out of a phrase around it: a description before it ("the aircraft manufacturer Airbus",
    "part of X") and words after it ("X approved", "X in the video-on-demand sector") are left out; "" where the
    phrase names no company."""
    text = _SHARE.sub("", re.sub(r"^\d+\.\s+", "", text.strip(" ,.;:")))
    text = _PART_OF.sub("", text)
    text = _PLACE.sub(r"\1", text)
    words = text.strip("\"'“”„‚‘’ ").split()
    first = next((i for i, w in enumerate(words) if w[:1].isupper() or w[:1].isdigit()), None)
    if first is None:
        return text.strip(" ,.;:")  # no capital anywhere ("comdirect bank"): the phrase as it is
    words = words[first:]
    for i, w in enumerate(words[1:], 1):
        if w[:1].islower() and w.lower() not in _JOINS:
            words = words[:i]
            break
    while words and words[-1].lower() in _JOINS:
        words.pop()
    name = " ".join(words).strip(" ,.;:\"'“”„‚‘’")
    if not words or words[0].lower() in _NOT_NAMES or re.fullmatch(r"[\d.\s]*", name):
        return ""
    return name


def parties_of(subject: str) -> list[Party]:
    """The companies a short subject names, where it follows one of the common shapes; none where it does not."""
    text = _LEAD.sub("", plain(subject))
    for pattern, first, second in _SUBJECTS:
        m = pattern.search(text)
        if not m:
            continue
        a, b = _name(m.group(1)), _name(_TAIL.sub("", m.group(2)))
        names = [(n, r) for n, r in ((a, first), (b, second)) if 1 < len(n) <= 120]
        if names:
            return [Party(name=n, role=r) for n, r in names]
    return []


def _doc_kind(href: str, subject: str) -> str:
    """A decision row names a decision or its case summary ("Fallbericht"): one file number can have both."""
    if "fallbericht" in href.lower() or plain(subject).lower().startswith(("case summary", "fallbericht")):
        return "summary"
    return "decision"


def _names_only(text: str) -> bool:
    """Whether a phrase reads as a company's name: every word capitalised, a number or a joining word."""
    words = text.split()
    return 0 < len(words) <= 12 and all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _JOINS for w in words)


def _day(text: str) -> date | None:
    m = DAY.search(text)
    if not m:
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def _ref(text: str) -> str | None:
    m = REF.search(plain(text))
    return re.sub(r"\s+", "", m.group(0)).replace("–", "-") if m else None


class BkartaMergers(Source):
    name = "bkarta-mergers"
    parser_version = "bkarta-1"
    # robots.txt: Crawl-delay 30 (a night reads two to four pages)
    host_rules = {
        "www.bundeskartellamt.de": HostRule(min_interval=30.0, timeout=30.0, retries=2, backoff=30.0, deadline=90.0)
    }

    def __init__(self, list_url: str = LIST_URL, search_url: str = SEARCH_URL) -> None:
        self.list_url = list_url
        self.search_url = search_url

    # --- fetching ---------------------------------------------------------------------------

    def _get(self, ctx: FetchContext, url: str, params: dict[str, str], conditional: bool) -> Any:
        try:
            return ctx.client.get(url, params=params, conditional=conditional)
        except HttpError as exc:
            hint = http_hint(exc, "the next refresh retries; stored proceedings are kept",
                             blocked="the site refused the request (a block for this address?); run `doctor` and "
                             "see docs/live-checks.md")  # fmt: skip
            raise SourceError(self.name, str(exc), hint) from None

    @staticmethod
    def page_params(n: int) -> dict[str, str]:
        # "gtp=83488_list%253D2": the value is "83488_list%3D2", encoded once more when sent
        return {"resultsPerPage": "50", **({"gtp": f"{LIST_ID}_list%3D{n}"} if n > 1 else {})}

    def fetch(self, ctx: FetchContext) -> Iterator[Payload]:
        # the decision search first: a list page that cannot be read ends the source's run, not the search's
        resp = self._get(ctx, self.search_url, SEARCH, conditional=True)
        if not resp.not_modified:
            yield Payload(self.name, resp.url, resp.content, content_type=resp.content_type, kind="decisions",
                          validators=resp.validators)  # fmt: skip
        read: list[str] = []
        for n in range(1, (MAX_PAGES if ctx.full else PAGES_PER_NIGHT) + 1):
            resp = self._get(ctx, self.list_url, self.page_params(n), conditional=n == 1)
            if resp.not_modified:
                break
            payload = Payload(self.name, resp.url, resp.content, content_type=resp.content_type, kind="list",
                              validators=resp.validators, expect_records=n == 1)  # fmt: skip
            try:
                refs = [f.case_ref or "" for f in self.parse(payload).filings]
            except SourceError:
                yield payload  # read again by the pipeline, which fails it and keeps the page
                break
            if n > 1 and (not refs or set(refs) <= set(read)):
                break  # past the last page, or a site that ignores the page asked for: nothing new here
            yield payload
            read += refs

    def doctor(self, ctx: FetchContext) -> tuple[bool, str]:
        resp = self._get(ctx, self.list_url, self.page_params(1), conditional=False)
        res = self.parse(Payload(self.name, resp.url, resp.content, kind="list"))
        form = res.filings[0].extra.get("form", "?") if res.filings else "?"
        ends = sorted({str(f.extra.get("completion_raw", "")) for f in res.filings} - {""})
        return bool(res.filings), (
            f"{len(res.filings)} proceeding(s) on page 1, read as {form}; completion cells seen: "
            f"{', '.join(repr(e) for e in ends[:6]) or 'none filled'}"
        )

    # --- parsing ----------------------------------------------------------------------------

    def sniff(self, body: bytes) -> str:
        return "decisions" if b"searchResultTable" in body or b"Type of decision" in body else "list"

    def parse(self, payload: Payload) -> ParseResult:
        kind = sniff_kind(payload.body)
        if kind != "html":
            reject_body(self.name, payload.body, "the list's HTML page")
            raise ParseError(self.name, f"the answer is not an HTML page ({kind})", "the raw answer was kept")
        soup = BeautifulSoup(payload.body, "lxml")
        title = plain(soup.title.get_text(" ")) if soup.title else ""
        shown = len(plain(soup.get_text(" ")))
        table, columns, form = _find_table(soup)
        if table is None:
            raise ParseError(
                self.name,
                f"no table of proceedings or decisions in the page ('{title[:80] or 'no title'}', {shown} characters)",
                "the site may be showing an error or block page, or its layout changed; the raw page was kept",
            )
        res = ParseResult([])
        rows = 0
        for tr in table.find_all("tr"):
            cells = [c for c in tr.find_all(["td", "th"], recursive=False)]
            if len(cells) != len(columns) or not tr.find("td"):
                continue
            rows += 1
            row = {col: plain(td.get_text(" ")) for col, td in zip(columns, cells, strict=True)}
            link = tr.find("a", href=True)
            try:
                res.filings.append(self._row(row, form, str(link["href"]) if link else "", payload, res.warnings))
            except ValueError as exc:
                res.warnings.append(f"{self.name}: skipped a row ({row.get('ref', '')[:20]}): {exc}")
        if not res.filings:
            if rows == 0 and "gtp=" in payload.url and not payload.expect_records:
                res.empty_ok = True  # a page past the last one: the table, no rows
                return res
            raise ParseError(
                self.name,
                f"the page's table ({form}) holds no proceeding it could read ({rows} row(s))",
                "page 1 is never empty: the page may be cut off or its layout changed; the raw page was kept",
            )
        return res

    def _row(self, row: dict[str, str], form: str, href: str, payload: Payload, warnings: list[str]) -> Filing:
        ref = _ref(row.get("ref", ""))
        if ref is None:
            raise ValueError(f"no file number in '{row.get('ref', '')[:30]}'")
        day = _day(row.get("date", ""))
        if day is None:
            raise ValueError(f"date '{row.get('date', '')[:20]}' is not DD.MM.YYYY")
        decision = "decision" in row
        raw = row.get("decision" if decision else "completion", "") or ("" if decision else "-")
        status, detail = outcome_of(raw)
        if decision and status is Status.notified:
            status, detail = Status.unknown, "bkarta_unknown"  # a decision row without a type
        if detail == "bkarta_unknown":
            warnings.append(f"{self.name}: '{raw[:60]}' of {ref} matches no rule; kept as undetermined")
        text = row.get("parties") or row.get("subject", "")
        parties = parties_of(text)
        if not parties and not decision:  # the list's companies in a shape no rule reads: names only, kept as such
            parties = [Party(name=n, role=Role.other) for n in (p.strip() for p in text.split(";")) if _names_only(n)]
        events = []
        if decision:
            events.append(StatusEvent(status=status, status_raw=raw or "no type", date=day, detail=detail))
        else:
            # the authority's own words for an open case: its Abschluss cell, "-" (the current status's event too)
            events.append(StatusEvent(status=Status.notified, status_raw=raw if detail == "bkarta_notified" else "-",
                                      date=day, detail="bkarta_notified"))  # fmt: skip
            if detail != "bkarta_notified":
                ended = _day(raw)
                events.append(StatusEvent(status=status, status_raw=raw, date=ended, detail=detail,
                                          date_precision=None if ended else "none"))  # fmt: skip
        url = href if href.startswith("https://") else (SITE + href if href.startswith("/") else None)
        extra = {
            "form": form,
            "phase": 2 if detail == "bkarta_phase_2" else 1,
            "notification_date": None if decision else day.isoformat(),
            "decision_date": day.isoformat() if decision else None,
            "product_area": row.get("product") or None,
            "completion_raw": None if decision else raw,
            "decision_type_raw": raw if decision else None,
            "subject": text or None,
        }
        return Filing(
            source=self.name,
            source_id=(_doc_kind(href, text) + "-" if decision else "") + ref.replace("/", "-"),
            authority="BKARTA",
            jurisdiction="DE",
            case_ref=ref,
            title=f"{ref}: {text}" if text else ref,
            parties=parties,
            status=status,
            status_raw=raw or ("no type" if decision else "-"),  # the list's "-" (or empty cell): still open
            status_date=events[-1].date or day,
            detail=detail,
            url=url,
            events=events,
            extra={k: v for k, v in extra.items() if v not in (None, "")},
            fetched_at=payload.fetched_at,
            payload_sha256=payload.sha256,
            parser_version=self.parser_version,
        )


def _heads(table: Tag) -> list[str]:
    head = table.find("tr")
    if head is None:
        return []
    return [plain(c.get_text(" ")).lower() for c in head.find_all(["th", "td"], recursive=False)]


def _find_table(soup: BeautifulSoup) -> tuple[Tag | None, list[str], str]:
    """The table of proceedings or decisions, its row keys, and the form it came in (what `doctor` reports): by its
    column heads, else by five cells whose second is a file number."""
    tables = soup.find_all("table")
    for table in tables:
        heads = _heads(table)
        columns = [next((k for w, k in HEADS if w in h), h) for h in heads]
        if "ref" in columns and "date" in columns and ({"completion", "decision"} & set(columns)):
            return table, columns, f"a table with the heads {', '.join(heads)}"
    for table in tables:
        for tr in table.find_all("tr"):
            tds = tr.find_all("td", recursive=False)
            if len(tds) == 5 and _ref(tds[1].get_text(" ")) and _day(tds[0].get_text(" ")):
                return table, list(LIST_CELLS), "a table of five cells without heads"
    return None, [], ""
