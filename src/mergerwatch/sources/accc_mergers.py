"""ACCC acquisitions register (Australia): every notification and waiver application under the mandatory regime
of 1 January 2026 (voluntary from 1 July 2025), from the register's pages and each matter's own page.

Wire facts (shared/sources/national_authorities.md §3, real pages in fixtures/accc-mergers/): a Drupal 10 view of
cards, 50 a page (``?init=1&items_per_page=50&page=N``, 0-based), the pager naming the last page and the facets
counting every matter; a card says status, type, case number, stage and notification date but not the
determination, which only the matter page gives, with the published end of the determination period, the dated
"Decisions and key events" and the documents (linked, never downloaded). The listing's order is not stable across
pages, so a matter missing from it is never taken as closed. Status never comes from the description prose.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from mergerwatch.core.errors import HttpError, ParseError, SourceError
from mergerwatch.core.model import Filing, Party, Role, Status, StatusEvent
from mergerwatch.core.names import clean_text
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.sources.base import (
    FetchContext,
    ParseResult,
    Payload,
    Source,
    http_hint,
    reject_body,
    sniff_kind,
)

SITE = "https://www.accc.gov.au"
REGISTER_URL = SITE + "/public-registers/mergers-and-acquisitions-registers/acquisitions-register"
PAGE_SIZE = 50
MAX_PAGES = 40  # 8 pages in June 2026; a pager claiming more than this is not followed blindly
MATTERS_PER_RUN = 60  # matter pages read by one nightly run (10 s apart); the rest wait for the next run

_STATUS_WORDS = {
    "under assessment": "open",
    "assessment completed": "completed",
    "assessment ceased": "ceased",
    "assessment suspended": "suspended",
}
_DETERMINATIONS: dict[str, tuple[Status, str]] = {
    "approved": (Status.cleared, "accc_approved"),
    "approved with conditions": (Status.cleared_with_remedies, "accc_approved_with_conditions"),
    "not approved": (Status.prohibited, "accc_not_approved"),
}
_EXTENDED = re.compile(r"extended by (\d+) business days?", re.I)
_TYPE_FACET = 'ul[data-drupal-facet-alias="acccgov_acquisition_type"]'


def _text(el: Tag | None) -> str:
    return clean_text(el.get_text(" ")) if el is not None else ""


def _day(el: Tag | None) -> date | None:
    """The date of a ``<time datetime="2026-06-22T12:00:00Z">`` inside ``el`` (the time is a placeholder)."""
    t = el.find("time") if el is not None else None
    value = t.get("datetime") if isinstance(t, Tag) else None
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _fields(root: Tag) -> dict[str, Tag]:
    """Each labelled Drupal field under ``root``: its label's words (lower case) -> the field element."""
    out: dict[str, Tag] = {}
    for label in root.select("div.field > .field__label"):
        parent = label.parent
        if isinstance(parent, Tag):
            out.setdefault(_text(label).lower(), parent)
    return out


def _value(fields: dict[str, Tag], *labels: str) -> str:
    for label in labels:
        el = fields.get(label)
        if el is not None:
            items = el.select(".field__item")
            return clean_text(" ".join(i.get_text(" ") for i in items)) if items else ""
    return ""


def _traders(el: Tag | None, role: Role) -> tuple[list[Party], dict[str, str]]:
    """The parties of one list (acquirers, targets, others) and the identifier each carries (ABN, ACN, a foreign
    registration number), as published."""
    parties: list[Party] = []
    ids: dict[str, str] = {}
    for li in el.select("li") if el is not None else []:
        name_el = li.select_one(".field_acccgov_name")
        name = _text(name_el)
        if not name:
            continue
        parties.append(Party(name=name, role=role))
        spans = [s for s in li.select("span") if s is not name_el]
        ident = clean_text(" ".join(s.get_text(" ") for s in spans))
        if ident:
            ids[name] = re.sub(r"\s*-\s*", " ", ident).strip()
    return parties, ids


def _public(href: str | None) -> str | None:
    """An attachment's link as an absolute https URL (any other scheme is dropped: outside text is data)."""
    if not href:
        return None
    url = urljoin(SITE + "/", href.strip())
    return url if url.startswith("https://") else None


class AcccMergers(Source):
    name = "accc-mergers"
    parser_version = "accc-1"
    # A few requests a minute (national_authorities.md §3.5): the register's 8 pages and the matter pages that
    # changed take a few minutes a night.
    host_rules = {"www.accc.gov.au": HostRule(min_interval=10.0, timeout=30.0, deadline=90.0)}

    def __init__(self, register_url: str = REGISTER_URL) -> None:
        self.register_url = register_url

    # --- fetching ---------------------------------------------------------------------------

    @staticmethod
    def page_params(page: int) -> dict[str, str]:
        return {"init": "1", "items_per_page": str(PAGE_SIZE), "page": str(page)}

    def _get(self, ctx: FetchContext, url: str, params: dict[str, str] | None = None) -> Any:
        try:
            return ctx.client.get(url, params=params)
        except HttpError as exc:
            raise SourceError(
                self.name, str(exc), http_hint(exc, "the next refresh retries; stored matters are kept")
            ) from None

    def fetch(self, ctx: FetchContext) -> Iterator[Payload]:
        if ctx.case:  # one matter page on demand, by its URL or its path on the site
            target = ctx.case.strip()
            url = target if target.startswith("https://") else urljoin(SITE + "/", target.lstrip("/"))
            if not url.startswith(SITE + "/"):
                raise SourceError(self.name, f"'{target}' is not a page of the ACCC's acquisitions register")
            resp = self._get(ctx, url)
            yield Payload(self.name, resp.url, resp.content, content_type=resp.content_type, kind="matter")
            return
        seen: dict[str, str] = json.loads(ctx.get(self.name, "matters") or "{}")
        cards: dict[str, tuple[str, str, str]] = {}  # case number -> (link, signature, status words)
        last = 0
        page = 0
        declared: int | None = None
        while page <= min(last, MAX_PAGES - 1):
            resp = self._get(ctx, self.register_url, self.page_params(page))
            yield Payload(self.name, resp.url, resp.content, content_type=resp.content_type, kind="register")
            soup = BeautifulSoup(resp.content, "lxml")
            last = max(last, last_page(soup))
            declared = declared if declared is not None else declared_matters(soup)
            for card in read_cards(soup, resp.url):  # the same matter on two pages (the order moves): once
                cards.setdefault(card["case"], (card["link"], card["signature"], card["status"]))
            page += 1
        if last >= MAX_PAGES:
            ctx.notes.append(f"{self.name}: the register claims {last + 1} pages; the first {MAX_PAGES} were read")
        elif declared and len(cards) < declared // 2:
            # the order moves between pages (a few matters seen twice, a few missed), never by half
            raise SourceError(
                self.name,
                f"the register counts {declared} matters but its {page} page(s) listed {len(cards)}",
                "the register may be changing under the run or its paging changed; the next refresh reads it again",
            )
        # A matter page is read again when its card changed or the matter is still open (its deadline and events
        # move without the card changing): matters not read yet first (open ones before closed ones), then the open
        # ones read before, in the register's order.
        due = [c for c, (_l, sig, status) in cards.items() if seen.get(c) != sig or status == "under assessment"]
        due.sort(key=lambda c: (c in seen, cards[c][2] != "under assessment"))
        limit = len(due) if ctx.full else MATTERS_PER_RUN
        failures = []
        for case in due[:limit]:
            link = cards[case][0]
            try:
                resp = self._get(ctx, link)
            except SourceError as exc:
                failures.append(f"{case}: {exc.message}")
                continue
            payload = Payload(self.name, resp.url, resp.content, content_type=resp.content_type, kind="matter")
            try:  # read here first: one page the parser cannot read must not hold up the others, night after night
                self.parse(payload)
            except SourceError as exc:
                ctx.fail(payload, exc)
                failures.append(f"{case}: {exc.message}")
                continue
            yield payload
            seen[case] = cards[case][1]
        if len(due) > limit:
            ctx.notes.append(
                f"{self.name}: {len(due) - limit} matter page(s) left for the next run (at most {limit} a run; "
                "`refresh --full` reads them all)"
            )
        ctx.set(self.name, "matters", json.dumps(seen, sort_keys=True))
        if failures:
            raise SourceError(
                self.name,
                f"{len(failures)} matter page(s) could not be read: " + "; ".join(failures[:5]),
                "the others were stored; the next refresh reads these again",
            )

    def doctor(self, ctx: FetchContext) -> tuple[bool, str]:
        resp = self._get(ctx, self.register_url, self.page_params(0))
        res = self.parse(Payload(self.name, resp.url, resp.content, kind="register"))
        soup = BeautifulSoup(resp.content, "lxml")
        cards = read_cards(soup, resp.url)
        if not res.filings or not cards:
            return False, "the register's first page showed no matter"
        matter = self.parse(Payload(self.name, cards[0]["link"], self._get(ctx, cards[0]["link"]).content,
                                    kind="matter"))  # fmt: skip
        f = matter.filings[0] if matter.filings else None
        said = f"{f.source_id}: {f.status_raw}" if f else "no matter read"
        return bool(f), (
            f"{len(cards)} card(s) on page 1 of {last_page(soup) + 1}, {res.declared_total} matter(s) counted by the "
            f"facets; the register's path {urlsplit(resp.url).path}; matter page {said}"
        )

    # --- parsing ----------------------------------------------------------------------------

    def sniff(self, body: bytes) -> str:
        head = body[:400_000]
        if b"accc-collapsed-card" in head:
            return "register"
        if b"acquisition-summary-wrapper" in head or b"acccgov-merger-id" in head:
            return "matter"
        return ""

    def parse(self, payload: Payload) -> ParseResult:
        kind = sniff_kind(payload.body)
        if kind in ("empty", "json", "unknown"):
            reject_body(self.name, payload.body, "an HTML page of the register")
            raise ParseError(self.name, f"the answer is not an HTML page ({kind})", "the raw answer was kept")
        soup = BeautifulSoup(payload.body, "lxml")
        if soup.select_one("div.accc-collapsed-card") is not None or soup.select_one(_TYPE_FACET):
            return self._register(soup, payload)
        article = soup.select_one("article .acquisition-summary-wrapper")
        if article is not None:
            res = ParseResult([])
            res.filings.append(self._matter(soup, payload, res.warnings))
            return res
        title = _text(soup.find("title"))[:120]
        raise ParseError(
            self.name,
            f"the page is neither the acquisitions register nor a matter page ({title or 'no title'})",
            "the site may be showing an error or block page, or its layout changed; the raw page was kept",
        )

    def _register(self, soup: BeautifulSoup, payload: Payload) -> ParseResult:
        res = ParseResult([], declared_total=declared_matters(soup))
        query = dict(parse_qsl(urlsplit(payload.url).query))
        try:
            size = int(query.get("items_per_page") or PAGE_SIZE)
            res.page_start = int(query.get("page") or 0) * size
        except ValueError:
            res.page_start = None
        cards = soup.select("div.accc-collapsed-card")
        res.page_items = len(cards)
        for card in cards:
            try:
                res.filings.append(self._card(card, payload, res.warnings))
            except ValueError as exc:
                res.warnings.append(f"{self.name}: skipped a register card: {exc}")
        if cards and not res.filings:
            raise ParseError(
                self.name, "no matter could be read from the register's cards; the layout may have changed"
            )
        if not cards and (res.declared_total or 0) > (res.page_start or 0):
            raise ParseError(
                self.name,
                f"the register page lists no matter while the register counts {res.declared_total}",
                "the page may be cut off or its cards' layout changed; the raw page was kept",
            )
        return res

    def _card(self, card: Tag, payload: Payload, warnings: list[str]) -> Filing:
        link = card.select_one(".accc-collapsed-card__header a[href]")
        fields = _fields(card)
        case = _value(fields, "case number", "acquisition case number")
        if not case or link is None:
            raise ValueError("no case number or link")
        title = _text(card.select_one(".accc-collapsed-card__header h3")) or case
        return self._filing(
            case=case,
            title=title,
            url=urljoin(_base(payload.url), str(link.get("href"))),
            fields=fields,
            events_table=None,
            documents_table=None,
            updated=None,
            payload=payload,
            warnings=warnings,
        )

    def _matter(self, soup: BeautifulSoup, payload: Payload, warnings: list[str]) -> Filing:
        article = soup.select_one("article")
        assert article is not None
        fields = _fields(article)
        case = _value(fields, "acquisition case number", "case number")
        if not case:
            raise ParseError(self.name, "the matter page has no case number; the layout may have changed")
        canonical = soup.select_one('link[rel="canonical"]')
        url = payload.url if payload.url.startswith("https://") else str(canonical.get("href") if canonical else "")
        tables: dict[str, Tag] = {}
        for h in article.select("h3.border-bottom"):
            table = h.find_next("table")
            if isinstance(table, Tag):
                tables[_text(h).lower()] = table
        modified = soup.select_one('meta[property="article:modified_time"]')
        return self._filing(
            case=case,
            title=_text(soup.select_one("h1.page-title")) or case,
            url=url or None,
            fields=fields,
            events_table=tables.get("decisions and key events"),
            documents_table=tables.get("related documents"),
            updated=_timestamp(modified.get("content") if modified else None),
            payload=payload,
            warnings=warnings,
        )

    def _filing(
        self,
        case: str,
        title: str,
        url: str | None,
        fields: dict[str, Tag],
        events_table: Tag | None,
        documents_table: Tag | None,
        updated: datetime | None,
        payload: Payload,
        warnings: list[str],
    ) -> Filing:
        status_words = _value(fields, "acquisition status")
        kind = _value(fields, "type") or ("Waiver" if case.upper().startswith("WA-") else "Notification")
        waiver = kind.lower().startswith("waiver")
        stage = _value(fields, "stage")
        determination = _value(fields, "accc determination")
        notified = _day(fields.get("effective notification date"))
        applied = _day(fields.get("waiver application date"))
        decided = _day(fields.get("determination publication date"))
        period_end = _day(fields.get("end of determination period"))
        phase = 2 if "phase 2" in stage.lower() else 1 if "phase 1" in stage.lower() else None
        parties: list[Party] = []
        ids: dict[str, str] = {}
        for label, role in (("acquirer(s)", Role.acquirer), ("target(s) or vendor(s)", Role.target),
                            ("other party(ies)", Role.other)):  # fmt: skip
            found, found_ids = _traders(fields.get(label), role)
            parties += found
            ids.update(found_ids)
        if not parties:
            sides = re.split(r"\s+[–-]\s+", title, maxsplit=1)
            roles = (Role.acquirer, Role.target) if len(sides) == 2 else (Role.other,)
            parties = [Party(name=p.strip(), role=r) for p, r in zip(sides, roles, strict=True)]
        events, extension = _events(events_table, determination)
        documents = _documents(documents_table)
        if waiver:
            start = StatusEvent(status=Status.under_review, status_raw="Waiver application", date=applied,
                                detail="accc_waiver_application")  # fmt: skip
        else:
            start = StatusEvent(status=Status.notified, status_raw="Effective notification date", date=notified,
                                detail="accc_notified")  # fmt: skip
        if start.date:
            events.insert(0, start)
        state = _STATUS_WORDS.get(status_words.lower(), "")
        raw = " · ".join(w for w in (status_words, stage, determination) if w) or "no status published"
        status, detail, sdate = Status.unknown, "accc_unknown", None
        if state == "completed" and determination:
            found = _DETERMINATIONS.get(determination.lower())
            if found is not None:  # else undetermined, warned below with the words kept
                status, detail = found
                if waiver:
                    detail = "accc_waiver_granted" if status is Status.cleared else "accc_waiver_not_approved"
                    status = Status.cleared if status is Status.cleared else Status.closed
                dated = [e.date for e in events if e.detail in ("accc_determination", "accc_waiver_determination")]
                sdate = decided or (max(d for d in dated if d) if any(dated) else None)
        elif state == "completed":  # a register card: the determination is on the matter page only (read later)
            status, detail = Status.unknown, "accc_assessment_completed"
        elif state == "ceased":
            ceased = [e for e in events if e.detail in ("accc_withdrawn", "accc_fee_not_paid", "accc_ceased")]
            status, detail = Status.abandoned, ceased[-1].detail if ceased else "accc_ceased"
            sdate = ceased[-1].date if ceased else None
        elif state == "open" and waiver:
            status, detail, sdate = Status.under_review, "accc_waiver_application", applied
        elif state == "open" and phase == 2:
            opened = [e.date for e in events if e.detail == "accc_phase_2_review" and e.date]
            status, detail, sdate = Status.in_depth_review, "accc_phase_2", max(opened) if opened else None
        elif state == "open" and phase == 1:
            status, detail, sdate = Status.notified, "accc_phase_1", notified
        if status is Status.unknown and detail == "accc_unknown":
            warnings.append(f"{self.name}: {case}: status '{raw}' matches no rule; kept as 'unknown'")
        extra = {
            "case_number": case,
            "type": kind,
            "acquisition_status": status_words,
            "stage": stage,
            "determination": determination or None,
            "phase": phase,
            "notification_date": notified.isoformat() if notified else None,
            "waiver_application_date": applied.isoformat() if applied else None,
            "determination_date": decided.isoformat() if decided else None,
            "end_of_determination_period": period_end.isoformat() if period_end else None,
            "extension_business_days": extension or None,
            "sectors": [s.strip() for s in _value(fields, "anzsic code(s)").split(";") if s.strip()],
            "party_identifiers": ids,
            "description": _description(fields.get("description")),
            "documents": documents,
        }
        return Filing(
            source=self.name,
            source_id=case.upper(),
            authority="ACCC",
            jurisdiction="AU",
            case_ref=case.upper(),
            title=title,
            parties=parties,
            status=status,
            status_raw=raw,
            status_date=sdate,
            detail=detail,
            url=url,
            deadline=period_end if status in (Status.notified, Status.in_depth_review, Status.under_review) else None,
            events=events,
            updated_at=updated,
            extra={k: v for k, v in extra.items() if v not in (None, "", [], {})},
            fetched_at=payload.fetched_at,
            payload_sha256=payload.sha256,
            parser_version=self.parser_version,
        )


def _events(table: Tag | None, determination: str) -> tuple[list[StatusEvent], int]:
    """The dated rows of "Decisions and key events", each read by its words, and the business days of extension they
    announce. A determination row takes its status from the page's determination."""
    events: list[StatusEvent] = []
    extension = 0
    for tr in table.find_all("tr") if table is not None else []:
        cells = tr.find_all("td")
        if len(cells) < 2:
            continue
        when, words = _day(cells[0]), _text(cells[1])
        if not words:
            continue
        link = cells[2].find("a") if len(cells) > 2 else None
        url = _public(str(link.get("href"))) if isinstance(link, Tag) else None
        status, detail = event_kind(words, determination)
        m = _EXTENDED.search(words)
        if m:
            extension += int(m.group(1))
        events.append(StatusEvent(status=status, status_raw=words[:300], date=when, detail=detail, url=url))
    events.reverse()  # the page lists the newest first
    return events, extension


def event_kind(words: str, determination: str) -> tuple[Status | None, str]:
    """What one event row says: (status, detail). Only a determination, a move to Phase 2 and a cessation change the
    status; notices, questionnaires, extensions, undertakings and reasons are history."""
    low = words.lower()
    if "ceased" in low and "fee" in low:
        return Status.abandoned, "accc_fee_not_paid"
    if "ceased" in low and "request" in low:
        return Status.abandoned, "accc_withdrawn"
    if "ceased" in low:
        return Status.abandoned, "accc_ceased"
    if "reasons" in low:
        return None, "accc_reasons"
    if "competition concerns" in low:
        return None, "accc_nocc"
    if "phase 2 review" in low or "phase 2 notice" in low:
        return Status.in_depth_review, "accc_phase_2_review"
    if "extend" in low and ("timeline" in low or "period" in low):
        return None, "accc_timeline_extended"
    if "undertaking" in low:
        return None, "accc_undertaking"
    if "questionnaire" in low:
        return None, "accc_questionnaire"
    if "determination" in low:
        found = _DETERMINATIONS.get(determination.lower())
        waiver = "waiver" in low
        if found is None:
            return None, "accc_waiver_determination" if waiver else "accc_determination"
        status, _detail = found
        if waiver:
            return (Status.cleared if status is Status.cleared else Status.closed), "accc_waiver_determination"
        return status, "accc_determination"
    return None, "accc_event"


def _documents(table: Tag | None) -> list[dict[str, str]]:
    out = []
    for tr in table.find_all("tr") if table is not None else []:
        cells = tr.find_all("td")
        if len(cells) < 2:
            continue
        link = cells[2].find("a") if len(cells) > 2 else None
        when = _day(cells[0])
        doc = {"date": when.isoformat() if when else "", "title": _text(cells[1])[:300],
               "url": (_public(str(link.get("href"))) if isinstance(link, Tag) else None) or ""}  # fmt: skip
        out.append({k: v for k, v in doc.items() if v})
    return out


def _description(el: Tag | None) -> str | None:
    if el is None:
        return None
    full = el.select_one(".full-text") or el.select_one(".field__item")
    if full is None:
        return None
    # paragraph by paragraph, each read whole: inline tags (<strong>IAG</strong>) do not split words from brackets
    blocks = [clean_text(p.get_text("")) for p in full.find_all("p")] or [_text(full)]
    text = " ".join(b for b in blocks if b)
    return text[:2000] if text else None


def _base(url: str) -> str:
    """What a register page's relative links are read against: the page's own address, the site for a file."""
    return url if url.startswith(("https://", "http://")) else SITE + "/"


def read_cards(soup: BeautifulSoup, base: str = SITE + "/") -> list[dict[str, str]]:
    """Each card of a register page: case number, matter link, a signature of what the card says, status words."""
    out = []
    for card in soup.select("div.accc-collapsed-card"):
        link = card.select_one(".accc-collapsed-card__header a[href]")
        fields = _fields(card)
        case = _value(fields, "case number", "acquisition case number").upper()
        if not case or link is None:
            continue
        status = _value(fields, "acquisition status")
        notified = _day(fields.get("effective notification date"))
        signature = "|".join((status, _value(fields, "stage"), notified.isoformat() if notified else ""))
        out.append({"case": case, "link": urljoin(base, str(link.get("href"))), "signature": signature,
                    "status": status.lower()})  # fmt: skip
    return out


def last_page(soup: BeautifulSoup) -> int:
    """The 0-based number of the register's last page, from its pager (0 when there is no pager)."""
    last = 0
    for a in soup.select(".pager__items a[href]"):
        page = dict(parse_qsl(urlsplit(str(a.get("href"))).query)).get("page", "")
        if page.isdigit():
            last = max(last, int(page))
    return last


def declared_matters(soup: BeautifulSoup) -> int | None:
    """How many matters the register counts: the "Showing 1 - 18 of 18" summary where the page has one, else the
    sum of the Type facet's counts (notifications and waivers)."""
    footer = soup.select_one(".view-footer")
    m = re.search(r"of\s+(\d+)", _text(footer)) if footer is not None else None
    if m:
        return int(m.group(1))
    facet = soup.select(_TYPE_FACET + " a[data-drupal-facet-item-count]")
    counts = [a.get("data-drupal-facet-item-count") for a in facet]
    numbers = [int(str(c)) for c in counts if str(c).isdigit()]
    return sum(numbers) if numbers else None


def _timestamp(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
