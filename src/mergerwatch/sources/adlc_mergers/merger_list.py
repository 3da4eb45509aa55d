"""The first page of the Autorité de la concurrence's merger-control list: the newest merger decisions, announced
there before the open-data file has them. Pure: no network, no store.

Markup (shared/sources/national_authorities.md §2.4): a Drupal ``view-search`` whose rows are
``div.views-row > div.search-index[data-history-node-id]`` with the decision's number in ``.field--name-field-id``,
its title after it in the row's ``h2 a``, its sectors in ``.field--name-field-sector a``, its date in
``time[datetime]``, and the result count in ``span.view-search__results``. That is the markup of the sibling list
of decisions and opinions (a real capture, fixtures/adlc-mergers/); the merger list's own is presumed to be the same
and is checked on every read: a page without such rows, or whose rows name no merger decision, is an error.

A row says that a decision was published, not what it decided: its record is "published, outcome not read" under
an id of its own (``list-`` and the decision page's name), beside the file's record of the same decision (one review
by its number), which never overwrites it or is overwritten by it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from mergerwatch.core.errors import ParseError
from mergerwatch.core.model import Filing, Party, Role, Status, StatusEvent
from mergerwatch.core.names import clean_text
from mergerwatch.sources.adlc_mergers.decisions import iso_day
from mergerwatch.sources.base import ParseResult, Payload

SITE = "https://www.autoritedelaconcurrence.fr"
DCC = re.compile(r"\b\d{2}-DCC-\d{1,4}\b", re.I)
MERGER_PAGES = "/decision-de-controle-des-concentrations/"


def is_list_page(body: bytes) -> bool:
    return b"view-search" in body or b"views-row" in body


def parse_merger_list(payload: Payload, name: str, version: str) -> ParseResult:
    soup = BeautifulSoup(payload.body, "lxml")
    rows = [r for r in soup.select("div.views-row") if r.select_one("[data-history-node-id]")]
    count = soup.select_one("span.view-search__results")
    declared = _int(count.get_text(" ") if count else "")
    title = clean_text(soup.title.get_text(" ")) if soup.title else ""
    if not rows:
        raise ParseError(
            name,
            f"the merger list shows no decision rows ('{title[:80] or 'no title'}'"
            + (f", which declares {declared}" if declared else "")
            + ")",
            "the site may be showing an error page, or the list's layout is not the one expected; the page was kept",
        )
    res = ParseResult([], declared_total=declared, page_items=len(rows), page_start=0)
    others = 0
    for row in rows:
        node = row.select_one("[data-history-node-id]")
        assert node is not None
        filing = _row(node, payload, name, version)
        if filing is None:
            others += 1
        else:
            res.filings.append(filing)
    if not res.filings:
        raise ParseError(
            name,
            f"the page lists {len(rows)} decision(s), none of them a merger decision: it is not the merger list",
            "the address may lead elsewhere now; the page was kept",
        )
    if others:
        res.warnings.append(f"{name}: {others} row(s) of the merger list are not merger decisions; left out")
    return res


def _row(node: Tag, payload: Payload, name: str, version: str) -> Filing | None:
    ref_tag = node.select_one(".field--name-field-id")
    ref = clean_text(ref_tag.get_text(" ")) if ref_tag else ""
    link = node.select_one("h2 a[href]")
    path = str(node.get("about") or (link.get("href") if link else "") or "")
    path = urlsplit(path).path if path.startswith("http") else path
    if not (DCC.fullmatch(ref) or MERGER_PAGES in path):
        return None
    heading = clean_text(link.get_text(" ")) if link else ""
    words = heading[len(ref) :].strip() if ref and heading.startswith(ref) else heading
    when = node.select_one("time[datetime]")
    day = iso_day(str(when.get("datetime") or "")) if when else None
    slug = path.rstrip("/").rsplit("/", 1)[-1] if path else re.sub(r"[^a-z0-9]+", "-", ref.lower())
    sectors = [clean_text(a.get_text(" ")) for a in node.select(".field--name-field-sector a")]
    url = SITE + path if path.startswith("/") else None
    return Filing(
        source=name,
        source_id=f"list-{slug}",
        authority="ADLC",
        jurisdiction="FR",
        case_ref=ref or None,
        title=f"{ref}: {words}" if ref else words or "merger control decision",
        parties=parties_of_title(words),
        status=Status.unknown,
        status_raw="décision publiée",
        status_date=day,
        detail="fr_decision_listed",
        url=url,
        events=[
            StatusEvent(status=Status.unknown, status_raw="décision publiée", date=day, detail="fr_decision_listed")
        ],  # fmt: skip
        extra={k: v for k, v in {"decision_number": ref, "sectors": sectors, "form": "merger list"}.items() if v},
        fetched_at=payload.fetched_at,
        payload_sha256=payload.sha256,
        parser_version=version,
    )


# "relative à la prise de contrôle exclusif du groupe Transarc par Infranity": the target, then the acquirer(s)
_TAKEOVER = re.compile(
    r"(?:prise de contr[ôo]le|acquisition|rachat)\s+(?:exclusif|exclusive|conjoint|conjointe)?\s*"
    r"(?:de la soci[ée]t[ée]|des soci[ée]t[ée]s|de la|du|des|de l['’]|de|d['’])\s*(.+?)\s+par\s+(.+?)\s*$",
    re.I,
)


def parties_of_title(title: str) -> list[Party]:
    m = _TAKEOVER.search(title)
    if not m:
        return []
    target, acquirers = m.group(1).strip(" ,."), m.group(2).strip(" ,.")
    names = [(target, Role.target)] + [(a.strip(), Role.acquirer) for a in re.split(r",\s*|\s+et\s+", acquirers)]
    return [Party(name=n, role=r) for n, r in names if 1 < len(n) <= 120]


def _int(text: str) -> int | None:
    m = re.search(r"\d[\d\s\u202f\u00a0.]*", text)
    return int(re.sub(r"\D", "", m.group(0))) if m else None
