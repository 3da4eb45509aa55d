"""FTC competition press releases: the RSS feed with full bodies (30 newest items, keyless).

Feed facts (shared/sources/ftc.md §8): ``guid`` is a bare node id, ``<description>`` is the full press-release
HTML, ``pubDate`` is 12:00 UTC on the release date (a date, not a time), titles carry stray spaces.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from email.utils import parsedate_to_datetime

from bs4 import BeautifulSoup
from defusedxml import ElementTree as SafeET

from mergerwatch.core.errors import HttpError, ParseError, SourceError
from mergerwatch.core.names import clean_text
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.sources.base import FetchContext, ParseResult, Payload, Source, http_hint, reject_body
from mergerwatch.sources.classify import classify_press
from mergerwatch.sources.us_enforcement import add_item

FEED_URL = "https://www.ftc.gov/feeds/press-release-competition.xml"


class FtcPress(Source):
    name = "ftc-press"
    parser_version = "ftc-press-1"
    host_rules = {
        # robots.txt Crawl-delay: 5
        "www.ftc.gov": HostRule(min_interval=5.0, timeout=60.0, deadline=90.0),
    }

    def __init__(self, feed_url: str = FEED_URL) -> None:
        self.feed_url = feed_url

    def fetch(self, ctx: FetchContext) -> Iterator[Payload]:
        try:
            resp = ctx.client.get(self.feed_url, conditional=True)
        except HttpError as exc:
            raise SourceError(self.name, str(exc), http_hint(exc, "the next refresh retries")) from None
        if not resp.not_modified:
            yield Payload(
                self.name,
                resp.url,
                resp.content,
                content_type=resp.content_type,
                kind="rss",
                validators=resp.validators,
            )

    def parse(self, payload: Payload) -> ParseResult:
        reject_body(self.name, payload.body, "an RSS feed")
        try:
            root = SafeET.fromstring(payload.body)
        except SafeET.ParseError as exc:
            raise ParseError(self.name, f"the feed is not well-formed XML ({exc})", "it may be truncated") from None
        except Exception as exc:
            raise ParseError(self.name, f"the feed was refused by the hardened XML parser ({exc})") from None
        channel = root.find("channel")
        if root.tag != "rss" or channel is None:
            raise ParseError(self.name, f"expected an RSS 2.0 feed, got <{root.tag}>")
        items = channel.findall("item")
        if not items:
            raise ParseError(self.name, "the press-release feed holds no items", "the feed may have moved")
        result = ParseResult([])
        for it in items:
            title = clean_text(it.findtext("title") or "")
            nid = (it.findtext("guid") or "").split()[0] if it.findtext("guid") else ""
            link = (it.findtext("link") or "").strip()
            body = BeautifulSoup(it.findtext("description") or "", "lxml").get_text(" ")
            pub = it.findtext("pubDate")
            published = parsedate_to_datetime(pub).astimezone(UTC) if pub else None
            decision = classify_press(title, body, "FTC")
            add_item(
                result,
                source=self.name,
                authority="FTC",
                parser_version=self.parser_version,
                item_id=f"node-{nid}" if nid else link,
                title=title,
                url=link or None,
                when=published.date() if published else None,
                published=published,
                decision=decision,
                payload=payload,
            )
        return result
