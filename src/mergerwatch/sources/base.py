"""The source contract: fetching (network, yields raw payloads) is separate from parsing (pure).

``parse(body, meta)`` takes bytes and returns typed records; it needs no network and no database,
so the same function serves ``refresh``, ``ingest``, ``parse``, the golden tests and the benchmarks.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from mergerwatch.core import registry
from mergerwatch.core.errors import HttpError, ParseError
from mergerwatch.core.model import Filing
from mergerwatch.core.payload import Payload, file_url

if TYPE_CHECKING:
    from mergerwatch.core.registry import SourceProfile
    from mergerwatch.fetch.client import Client  # fetching only: parsing never imports httpx
    from mergerwatch.fetch.hosts import HostRule


@dataclass
class ParseResult:
    filings: list[Filing]
    warnings: list[str] = field(default_factory=list)
    # Filled by parsers that read a count the document itself declares (meta.count, total ...).
    declared_total: int | None = None
    # Items read and recognised as not merger matters (or merger-related but informational): kept in the raw
    # payload and reported, never turned into merger events.
    notices: list[dict[str, Any]] = field(default_factory=list)
    # Set by a parser when the document itself shows that it is an answer with nothing for us (a count
    # field, a page of other components): then zero records is plausible where the request allowed it.
    empty_ok: bool = False
    # A paged answer's own envelope: how many entries this page lists, and where the page starts (the request's
    # offset). A page that lists none where the answer declares more than its start is an error, whatever the
    # request (pipeline.parse_checked): "results": [] with "total": 15 is a broken answer, not an empty one.
    page_items: int | None = None
    page_start: int | None = None


class StateStore(Protocol):
    def get_state(self, source: str, key: str) -> str | None: ...

    def set_state(self, source: str, key: str, value: str | None) -> None: ...


@dataclass
class FetchContext:
    client: Client
    state: StateStore
    since: date | None = None
    full: bool = False
    # One case on demand (an EC case number, a CMA slug): sources that can fetch a single case do only that.
    case: str | None = None
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("mergerwatch.fetch"))
    # Sources put warnings here (DEMO_KEY in use, a window split); the run report shows them.
    notes: list[str] = field(default_factory=list)
    # Keeps a body the source refuses before it becomes a payload (a dump that fails validation), so every
    # failure leaves its raw body for re-parsing; refresh sets it to store the body as a failed payload.
    on_failed: Callable[[Payload, str], None] | None = None

    def fail(self, payload: Payload, exc: Exception) -> Exception:
        """Keep ``payload`` as the evidence of ``exc`` and return ``exc`` for the caller to raise."""
        if self.on_failed is not None:
            self.on_failed(payload, str(exc))
        return exc

    def get(self, source: str, key: str) -> str | None:
        return self.state.get_state(source, key)

    def set(self, source: str, key: str, value: str | None) -> None:
        self.state.set_state(source, key, value)


class Source:
    """Base class of every source module. Its facts (authority, jurisdiction, title, URL prefix, clocks) are its
    registry entry's (core/registry.py); what it fetches and how it reads it are its own."""

    name: ClassVar[str]
    parser_version: ClassVar[str]
    # The hosts this source asks, each with its politeness and bounds (the numbers and their reasons are in
    # shared/sources/*.md); the refresh gives them to the one client every source shares.
    host_rules: ClassVar[dict[str, HostRule]] = {}

    @property
    def profile(self) -> SourceProfile:
        prof = registry.profile(self.name)
        if prof is None:
            raise AssertionError(f"source {self.name!r} has no registry entry (core/registry.py)")
        return prof

    @property
    def authority(self) -> str:
        return self.profile.authority

    @property
    def jurisdiction(self) -> str:
        return self.profile.jurisdiction

    @property
    def title(self) -> str:
        return self.profile.title

    @property
    def hosts(self) -> tuple[str, ...]:
        return tuple(self.host_rules)

    def fetch(self, ctx: FetchContext) -> Iterator[Payload]:
        raise NotImplementedError

    def parse(self, payload: Payload) -> ParseResult:
        raise NotImplementedError

    def doctor(self, ctx: FetchContext) -> tuple[bool, str]:
        """Live check: fetch one small page and report whether the parser still understands it."""
        for payload in self.fetch(ctx):
            result = self.parse(payload)
            # Items read as notices (not merger matters) also show that the parser understands the page.
            n = len(result.filings) + len(result.notices)
            return (
                n > 0,
                f"{len(result.filings)} record(s) and {len(result.notices)} notice(s) parsed from {payload.url}",
            )
        return False, "nothing fetched"

    @property
    def max_body(self) -> int:
        """The largest answer this source takes from any of its hosts: a saved file is held to it too."""
        from mergerwatch.fetch.hosts import DEFAULT_RULE  # the bounds' module (no httpx behind it)

        return max((r.max_body for r in self.host_rules.values()), default=DEFAULT_RULE.max_body)

    def payload_for_file(self, body: bytes, path: str) -> Payload:
        """A saved file as a payload: the file is its provenance."""
        return Payload(source=self.name, url=file_url(path), body=body, kind=self.sniff(body))

    def payloads_from_file(self, path: Path) -> Iterator[Payload] | None:
        """A saved file too large to hold whole, read as the payloads a fetch of it makes (a source whose answer is
        hundreds of megabytes); None: the file is one payload, read whole within ``max_body``."""
        return None

    def sniff(self, body: bytes) -> str:
        return ""


def query_int(url: str, *names: str) -> int | None:
    """The first of ``names`` given as a number in the query of ``url`` (a page's offset), else None."""
    from urllib.parse import parse_qsl, urlsplit

    params = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    for name in names:
        value = params.get(name, "")
        if value.strip().isdigit():
            return int(value)
    return None


def sniff_kind(body: bytes) -> str:
    """'json', 'xml', 'html', 'empty' or 'unknown' from the first bytes of a body."""
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    if not head:
        return "empty"
    if head[:1] in (b"{", b"["):
        return "json"
    if head.startswith(b"<!doctype html") or head.startswith(b"<html") or b"<html" in head[:200]:
        return "html"
    if head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed"):
        return "xml"
    if head[:1] == b"<":
        return "html"
    return "unknown"


def reject_body(source: str, body: bytes, expected: str) -> None:
    """Raise a clear ParseError for bodies that cannot be what ``expected`` names."""
    kind = sniff_kind(body)
    if kind == "empty":
        raise ParseError(
            source,
            f"the response is empty where {expected} was expected",
            "the download may have been cut off; run the refresh again",
        )
    if kind == "html":
        raise ParseError(
            source,
            f"got an HTML page where {expected} was expected",
            "the site may be showing an error or block page; the raw page was kept for re-parsing",
        )


def loads_json(body: bytes, source: str, what: str = "the answer") -> Any:
    """JSON or a ParseError that says what the body looked like (HTML page, truncated download)."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        if sniff_kind(body) == "html":
            raise ParseError(
                source,
                f"got an HTML page where {what} (JSON) was expected",
                "the site may be showing an error or block page; the raw page was kept",
            ) from None
        raise ParseError(
            source, f"{what} is not valid JSON ({exc})", "it may be truncated; the raw payload was kept for re-parsing"
        ) from None


def first(value: Any) -> Any:
    """The first element of a list, or the value itself (sources that hold scalars as lists)."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def http_hint(exc: HttpError, default: str, blocked: str | None = None) -> str:
    """What the user can do about a failed request, by what actually failed."""
    if exc.offline:
        return "the host could not be reached: check the network connection, then run the refresh again"
    if blocked and exc.status in (401, 403):
        return blocked
    return default


def duration_words(seconds: float) -> str:
    """``45 s``, ``12 min``, ``3.5 h``: a wait as a person says it."""
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
