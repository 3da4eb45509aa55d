"""FTC HSR early-termination notices: the JSON:API at api.ftc.gov and the keyless RSS feed.

Wire facts (shared/sources/ftc.md): JSON:API pages of at most 50, ``page[offset]`` is a record count,
the API's own ``links.next`` points at www.ftc.gov and drops the key (so we build page URLs ourselves
on api.ftc.gov and send the key in the X-Api-Key header, which keeps it out of every URL we store),
grants can be posted months late (sync on ``created``/``updated``, never on ``date``), transaction
numbers repeat (identity is the API UUID or the feed's node id). The RSS alone carries Granting Status,
holds the 20 newest grants by grant date, and double-escapes text inside ``<description>``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from defusedxml import ElementTree as SafeET

from mergerwatch.core.errors import BackfillPaused, HttpError, ParseError, RateLimited, SourceError
from mergerwatch.core.model import Filing, Party, Role, Status
from mergerwatch.core.names import clean_text, normalise_name
from mergerwatch.core.redaction import register_secret
from mergerwatch.fetch.hosts import HostRule
from mergerwatch.sources.base import (
    FetchContext,
    ParseResult,
    Payload,
    Source,
    duration_words,
    http_hint,
    loads_json,
    query_int,
    reject_body,
    sniff_kind,
)

API_URL = "https://api.ftc.gov/v0/hsr-early-termination-notices"
RSS_URL = "https://www.ftc.gov/feeds/hsr-early-termination-notices.xml"
KEY_ENV = "MERGERWATCH_FTC_API_KEY"
PAGE_LIMIT = 50  # the API's maximum (Drupal OffsetPage::SIZE_MAX)
STATUS_RAW = "Early termination granted"
DETAIL = "hsr_early_termination"
_EASTERN = ZoneInfo("America/New_York")
# One day of slack below the high-water mark: notices posted in the same minute as the last run.
INCREMENTAL_MARGIN = timedelta(days=1)

GATEWAY_HINTS = {
    "API_KEY_MISSING": f"set {KEY_ENV} to a free api.data.gov key (https://api.data.gov/signup/)",
    "API_KEY_INVALID": f"{KEY_ENV} is not a valid api.data.gov key; check it or get a new one at "
    "https://api.data.gov/signup/",
    "API_KEY_DISABLED": f"the key in {KEY_ENV} has been disabled; get a new one at https://api.data.gov/signup/",
    "API_KEY_UNAUTHORIZED": f"the key in {KEY_ENV} is not authorised for this API",
    "API_KEY_UNVERIFIED": f"the key in {KEY_ENV} is not verified yet; follow the e-mail from api.data.gov",
    "HTTPS_REQUIRED": "the API only answers over HTTPS",
}


class FtcEarlyTermination(Source):
    name = "ftc-early-termination"
    parser_version = "ftc-et-1"
    host_rules = {
        # api.data.gov gateway; 1,000/hour with a key; slow (a 2-record page took 12.5 s).
        "api.ftc.gov": HostRule(min_interval=4.0, timeout=90.0, retries=3, backoff=5.0, deadline=180.0),
        # robots.txt Crawl-delay: 5
        "www.ftc.gov": HostRule(min_interval=5.0, timeout=60.0, deadline=90.0),
    }

    def __init__(self, api_url: str = API_URL, rss_url: str = RSS_URL) -> None:
        # Overridable so fault tests can point the real fetch code at a server on 127.0.0.1.
        self.api_url = api_url
        self.rss_url = rss_url

    # --- fetching ---------------------------------------------------------------------------

    def api_key(self, ctx: FetchContext) -> tuple[str, bool]:
        key = os.environ.get(KEY_ENV, "").strip()
        if key:
            register_secret(key)
            return key, False
        return "DEMO_KEY", True

    def fetch(self, ctx: FetchContext) -> Iterator[Payload]:
        key, demo = self.api_key(ctx)
        if demo:
            ctx.notes.append(
                f"{self.name}: {KEY_ENV} is not set; using DEMO_KEY (30 requests/hour, 50/day per IP) and the RSS "
                "feed. Get a free key at https://api.data.gov/signup/ for backfills."
            )
        # The RSS feed: keyless, one request, the only surface with Granting Status.
        yield from self._fetch_rss(ctx)
        # New notices first, so a rate limit during a long backfill never costs tonight's news.
        yield from self._incremental(ctx, key)
        if ctx.full or ctx.get(self.name, "backfill_offset") is not None:
            yield from self._backfill(ctx, key)

    def _fetch_rss(self, ctx: FetchContext) -> Iterator[Payload]:
        resp = ctx.client.get(self.rss_url, conditional=True)
        if resp.not_modified:
            return
        yield Payload(
            self.name, resp.url, resp.content, content_type=resp.content_type, kind="rss", validators=resp.validators
        )

    def _api_page(self, ctx: FetchContext, key: str, offset: int, sort_path: str, direction: str) -> Payload:
        params = {
            "page[offset]": str(offset),
            "page[limit]": str(PAGE_LIMIT),
            f"sort[sort-{sort_path}][path]": sort_path,
            f"sort[sort-{sort_path}][direction]": direction,
        }
        try:
            resp = ctx.client.get(self.api_url, params=params, headers={"X-Api-Key": key})
        except HttpError as exc:
            raise self._http_error(exc, offset) from None
        return Payload(self.name, resp.url, resp.content, content_type=resp.content_type, kind="api")

    def _http_error(self, exc: HttpError, offset: int) -> SourceError:
        code = _gateway_code(exc.body)
        if exc.status == 429 or code == "OVER_RATE_LIMIT":
            wait = f" in about {duration_words(exc.retry_after)}" if exc.retry_after else ""
            return RateLimited(
                self.name,
                f"FTC rate limit reached, resuming{wait} at offset {offset}",
                f"the next refresh continues from there; a key in {KEY_ENV} raises the limit",
                retry_after=exc.retry_after,
            )
        if code in GATEWAY_HINTS:
            return SourceError(self.name, f"the FTC API refused the request ({code})", GATEWAY_HINTS[code])
        if exc.status == 403:
            return SourceError(self.name, "the FTC API answered 403 Forbidden", f"set {KEY_ENV} to a valid key")
        return SourceError(self.name, str(exc), http_hint(exc, "the FTC API may be down; the next refresh retries"))

    def _incremental(self, ctx: FetchContext, key: str) -> Iterator[Payload]:
        """Newest edits first; stop at the high-water mark. Nothing new costs one request."""
        hwm_text = ctx.get(self.name, "api_updated_hwm")
        floor: datetime | None = None
        if ctx.since:
            floor = datetime(ctx.since.year, ctx.since.month, ctx.since.day, tzinfo=UTC)
        elif hwm_text:
            floor = datetime.fromisoformat(hwm_text) - INCREMENTAL_MARGIN
        sort_path = ctx.get(self.name, "api_sort_path") or "changed"
        offset = 0
        newest: datetime | None = None
        while True:
            try:
                payload = self._api_page(ctx, key, offset, sort_path, "DESC")
            except SourceError as exc:
                # `changed` is the documented Drupal sort path but unverified here; fall back to `created`.
                if sort_path == "changed" and "HTTP 400" in str(exc):
                    sort_path = "created"
                    ctx.set(self.name, "api_sort_path", sort_path)
                    continue
                raise
            payload.expect_records = offset == 0 and floor is None
            yield payload
            page = loads_json(payload.body, self.name, "the FTC API answer")
            stamps = [_api_stamp(r) for r in page.get("data") or []]
            stamps = [s for s in stamps if s]
            if stamps and (newest is None or max(stamps) > newest):
                newest = max(stamps)
            done = not stamps or len(page.get("data") or []) < PAGE_LIMIT
            if floor is not None and stamps and min(stamps) < floor:
                done = True
            if floor is None and offset + PAGE_LIMIT >= 200:
                # First run with no history: the newest 200 only; `--full` does the backfill.
                done = True
            if done:
                break
            offset += PAGE_LIMIT
        if newest is not None and (not hwm_text or newest.isoformat() > hwm_text):
            ctx.set(self.name, "api_updated_hwm", newest.isoformat())

    def _backfill(self, ctx: FetchContext, key: str) -> Iterator[Payload]:
        """Oldest first so offsets stay stable while new notices arrive; checkpointed after every page."""
        offset = int(ctx.get(self.name, "backfill_offset") or 0)
        ctx.set(self.name, "backfill_offset", str(offset))
        while True:
            try:
                payload = self._api_page(ctx, key, offset, "created", "ASC")
            except RateLimited as exc:
                raise BackfillPaused(self.name, exc.message, exc.hint, exc.retry_after) from None
            payload.expect_records = False  # the last page may be empty
            yield payload
            # The page is stored when we get here: move the checkpoint past it.
            page = loads_json(payload.body, self.name, "the FTC API answer")
            n = len(page.get("data") or [])
            total = (page.get("meta") or {}).get("count")
            offset += n
            if n < PAGE_LIMIT or (isinstance(total, int) and offset >= total):
                ctx.set(self.name, "backfill_offset", None)
                ctx.set(self.name, "backfill_done", datetime.now(UTC).isoformat())
                break
            ctx.set(self.name, "backfill_offset", str(offset))

    def doctor(self, ctx: FetchContext) -> tuple[bool, str]:
        key, demo = self.api_key(ctx)
        msgs, ok = [], True
        for label, get in (
            ("RSS", lambda: next(self._fetch_rss(ctx), None)),
            ("API", lambda: self._api_page(ctx, key, 0, "created", "DESC")),
        ):
            try:
                payload = get()
                if payload is None:
                    msgs.append(f"{label}: not modified since last check")
                    continue
                result = self.parse(payload)
                ok = ok and bool(result.filings)
                msgs.append(f"{label}: {len(result.filings)} notice(s) parsed")
            except SourceError as exc:
                ok = False
                msgs.append(f"{label}: {exc}")
        if demo:
            msgs.append(f"(DEMO_KEY in use; set {KEY_ENV})")
        return ok, "; ".join(msgs)

    @staticmethod
    def match_key(f: Filing) -> str | None:
        """The same notice on the API and in the feed: transaction number, grant date and both parties."""
        if f.source != "ftc-early-termination":
            return None
        acquiring = next((p.name for p in f.parties if p.role is Role.acquirer), "")
        acquired = next((p.name for p in f.parties[1:2]), "")
        return "|".join(
            [
                f.case_ref or "",
                f.status_date.isoformat() if f.status_date else "",
                normalise_name(acquiring).key,
                normalise_name(acquired).key,
            ]
        )

    # --- parsing ----------------------------------------------------------------------------

    def sniff(self, body: bytes) -> str:
        kind = sniff_kind(body)
        return {"json": "api", "xml": "rss"}.get(kind, kind)

    def parse(self, payload: Payload) -> ParseResult:
        body = payload.body
        if sniff_kind(body) == "html" and b"node--type-early-termination-notice" in body:
            return self.parse_html(payload)
        expected = {"api": "JSON", "rss": "an RSS feed"}.get(payload.kind, "a JSON:API page or an RSS feed")
        reject_body(self.name, body, expected)
        kind = sniff_kind(body)
        if kind == "json":
            return self.parse_api(payload)
        if kind == "xml":
            return self.parse_rss(payload)
        raise ParseError(self.name, "the file is neither JSON nor RSS", "pass an API page or the RSS feed")

    def parse_api(self, payload: Payload) -> ParseResult:
        doc = loads_json(payload.body, self.name, "the FTC API answer")
        if not isinstance(doc, dict):
            raise ParseError(self.name, "the API answer is JSON but not a JSON:API document")
        if "error" in doc and isinstance(doc["error"], dict):
            code = str(doc["error"].get("code", ""))
            msg = str(doc["error"].get("message", ""))
            if code == "OVER_RATE_LIMIT":
                raise RateLimited(
                    self.name,
                    "FTC rate limit reached (OVER_RATE_LIMIT)",
                    f"wait and run again; a key in {KEY_ENV} raises the limit",
                )
            raise SourceError(
                self.name, f"the FTC API returned an error: {code} {msg}".strip(), GATEWAY_HINTS.get(code)
            )
        if "errors" in doc:
            errs = doc.get("errors") or []
            detail = "; ".join(
                f"{e.get('title', '')} {e.get('detail', '')}".strip() for e in errs if isinstance(e, dict)
            )
            raise SourceError(self.name, f"the FTC API rejected the query: {detail or 'unknown error'}")
        data = doc.get("data")
        if not isinstance(data, list):
            raise ParseError(self.name, "the API answer has no 'data' list; the format may have changed")
        meta = doc.get("meta") or {}
        total = meta.get("count")
        if total is None and "records-total" in meta:  # legacy (2018) format
            total = int(meta["records-total"])
        result = ParseResult([], declared_total=total if isinstance(total, int) else None)
        result.page_items, result.page_start = len(data), query_int(payload.url, "page[offset]")
        for rec in data:
            try:
                result.filings.append(self._api_record(rec, payload))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                rid = rec.get("id") if isinstance(rec, dict) else "?"
                result.warnings.append(f"{self.name}: skipped record {rid}: missing or malformed field ({exc})")
        if data and not result.filings:
            raise ParseError(self.name, f"none of the {len(data)} records could be read; the format may have changed")
        if not data:
            offset = _self_offset(doc)
            if isinstance(total, int) and total > offset:
                raise ParseError(
                    self.name,
                    f"the page is empty although the API counts {total} notices (offset {offset})",
                    "the API may be misbehaving; the next refresh retries",
                )
        return result

    def _api_record(self, rec: dict[str, Any], payload: Payload) -> Filing:
        a = rec["attributes"]
        uuid = str(rec["id"])
        legacy = not _UUID.match(uuid)
        entities = a.get("acquired-entities") or []
        if isinstance(entities, str):  # legacy format: one string
            entities = [entities]
        self_link = (rec.get("links") or {}).get("self")
        href = self_link.get("href") if isinstance(self_link, dict) else self_link
        resource_version = _resource_version(href) if href else None
        url = href.split("?")[0] if href else f"{API_URL}/{uuid}"
        return self._filing(
            source_id=("d7-" + uuid) if legacy else uuid,
            txn=str(a["transaction-number"]).strip(),
            title=a.get("title") or "",
            acquiring=a.get("acquiring-party") or "",
            acquired=a.get("acquired-party") or "",
            entities=entities,
            grant_date=date.fromisoformat(str(a["date"])[:10]),
            created=_api_time(a.get("created")),
            updated=_api_time(a.get("updated")),
            url=url,
            granting_status=None,
            payload=payload,
            extra={"resource_version": resource_version} if resource_version else {},
        )

    def parse_rss(self, payload: Payload) -> ParseResult:
        try:
            root = SafeET.fromstring(payload.body)
        except SafeET.ParseError as exc:
            raise ParseError(
                self.name,
                f"the RSS feed is not well-formed XML ({exc})",
                "the download may be truncated; the raw feed was kept",
            ) from None
        except Exception as exc:  # defusedxml refuses entity tricks: never parse those
            raise ParseError(self.name, f"the RSS feed was refused by the hardened XML parser ({exc})") from None
        channel = root.find("channel")
        if root.tag != "rss" or channel is None:
            raise ParseError(self.name, f"expected an RSS 2.0 feed, got <{root.tag}>")
        items = channel.findall("item")
        result = ParseResult([])
        for item in items:
            try:
                filing = self._rss_item(item, payload, result.warnings)
                result.filings.append(filing)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                result.warnings.append(f"{self.name}: skipped RSS item '{item.findtext('title')}': {exc}")
        if not items:
            raise ParseError(
                self.name,
                "the RSS feed holds no items; the FTC feed always lists the 20 newest grants",
                "the feed may have moved or changed; check https://www.ftc.gov/feeds",
            )
        if not result.filings:
            raise ParseError(
                self.name, f"none of the {len(items)} RSS items could be read; the layout may have changed"
            )
        return result

    def _rss_item(self, item: Any, payload: Payload, warnings: list[str]) -> Filing:
        title = clean_text(item.findtext("title") or "")
        link = (item.findtext("link") or "").strip()
        guid = (item.findtext("guid") or "").strip()
        nid = guid.split()[0] if guid else ""
        if not nid.isdigit():
            raise ValueError(f"no node id in guid '{guid}'")
        pub = item.findtext("pubDate")
        created = parsedate_to_datetime(pub).astimezone(UTC) if pub else None
        from bs4 import BeautifulSoup  # only feeds and pages need it: API pages (most of a backfill) do not

        scope = BeautifulSoup(item.findtext("description") or "", "lxml")
        extra = {"node_id": nid, "slug": link.rstrip("/").rsplit("/", 1)[-1] if link else None}
        return self._from_fields(scope, f"node-{nid}", title, link or None, created, payload, extra, warnings)

    def parse_html(self, payload: Payload) -> ParseResult:
        """Legal-library pages (list or detail): the same Drupal field markup as the feed's descriptions."""
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(payload.body, "lxml")
        articles = soup.select("article.node--type-early-termination-notice")
        if not articles:
            raise ParseError(
                self.name,
                "got an HTML page with no early-termination notice in it",
                "the site may be showing an error or block page; the raw page was kept",
            )
        result = ParseResult([])
        h1 = soup.select_one("h1")
        for art in articles:
            about = str(art.get("about") or "")
            slug = about.rstrip("/").rsplit("/", 1)[-1]
            if not _SLUG.match(slug):
                result.warnings.append(f"{self.name}: skipped a notice without a transaction-number path ({about})")
                continue
            row = art.find_parent(class_="views-row")
            link = row.select_one("h3.node-title a") if row else None
            title = clean_text(link.get_text(" ") if link else (h1.get_text(" ") if h1 and len(articles) == 1 else ""))
            try:
                result.filings.append(
                    self._from_fields(
                        art,
                        f"slug-{slug}",
                        title,
                        "https://www.ftc.gov" + about,
                        None,
                        payload,
                        {"slug": slug},
                        result.warnings,
                    )
                )
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                result.warnings.append(f"{self.name}: skipped notice {slug}: {exc}")
        if not result.filings:
            raise ParseError(self.name, "none of the notices on the page could be read; the layout may have changed")
        return result

    def _from_fields(
        self,
        scope: Any,
        source_id: str,
        title: str,
        url: str | None,
        created: datetime | None,
        payload: Payload,
        extra: dict[str, Any],
        warnings: list[str],
    ) -> Filing:
        """A notice from its Drupal field divs, read by field class (never by position)."""

        def values(field: str) -> list[str]:
            div = scope.select_one(f"div.field--name-field-{field}")
            if div is None:
                return []
            out: list[str] = []
            for node in div.select(".field__item"):
                for part in clean_text(node.get_text(" ")).split("|"):
                    if part.strip():
                        out.append(part.strip())
            return out

        date_div = scope.select_one("div.field--name-field-date time[datetime]")
        if date_div is None:
            raise ValueError("no Date field")
        grant_date = date.fromisoformat(str(date_div["datetime"])[:10])  # noon UTC: the date part is the date
        txn = (values("unique-identifier") or [title.split(":")[0]])[0]
        acquiring = (values("acquiring-party") or [""])[0]
        acquired = (values("acquired-party") or [""])[0]
        if not acquiring:
            raise ValueError("no Acquiring Party field")
        granting = values("granting-status")
        granting_status = ", ".join(granting) if granting else None
        filing = self._filing(
            source_id=source_id,
            txn=txn,
            title=title,
            acquiring=acquiring,
            acquired=acquired,
            entities=values("other-entities"),
            grant_date=grant_date,
            created=created,
            updated=None,
            url=url,
            granting_status=granting_status,
            payload=payload,
            extra=extra,
        )
        if filing.status is Status.unknown:
            warnings.append(
                f"{self.name}: notice {txn} has Granting Status '{granting_status}', "
                "which no rule maps; kept as 'unknown' for review"
            )
        return filing

    def _filing(
        self,
        *,
        source_id: str,
        txn: str,
        title: str,
        acquiring: str,
        acquired: str,
        entities: list[str],
        grant_date: date,
        created: datetime | None,
        updated: datetime | None,
        url: str | None,
        granting_status: str | None,
        payload: Payload,
        extra: dict[str, Any],
    ) -> Filing:
        acquiring, acquired = clean_text(acquiring), clean_text(acquired)
        entities = [e for e in (clean_text(x) for x in entities) if e]
        parties = [Party(name=acquiring, role=Role.acquirer)]
        ent_keys = {normalise_name(e).key for e in entities}
        if acquired:
            # The acquired *person* is the target when it is itself what is bought, otherwise the seller
            # (a fund, parent or individual); the business bought is in Acquired Entities.
            same = not entities or normalise_name(acquired).key in ent_keys
            parties.append(Party(name=acquired, role=Role.target if same else Role.seller))
        acq_key = normalise_name(acquired).key if acquired else None
        for e in entities:
            if normalise_name(e).key != acq_key:
                parties.append(Party(name=e, role=Role.target))
        if granting_status is None or granting_status.casefold() == "granted":
            status, status_raw = Status.cleared, STATUS_RAW
        else:
            status, status_raw = Status.unknown, f"Granting Status: {granting_status}"
        ex: dict[str, Any] = {"transaction_number": txn, "acquired_entities": entities, **extra}
        if granting_status:
            ex["granting_status"] = granting_status
        return Filing(
            source=self.name,
            source_id=source_id,
            authority="FTC",
            jurisdiction="US",
            case_ref=txn,
            title=clean_text(title) or f"{txn}: {acquiring}; {acquired}",
            parties=parties,
            status=status,
            status_raw=status_raw,
            status_date=grant_date,
            detail=DETAIL,
            url=url,
            published_at=created,
            updated_at=updated,
            extra={k: v for k, v in ex.items() if v not in (None, "")},
            fetched_at=payload.fetched_at,
            payload_sha256=payload.sha256,
            parser_version=self.parser_version,
        )


_SLUG = re.compile(r"^\d{8}(?:-\d+)?$")  # transaction number, "-0" for a second notice sharing it
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _gateway_code(body: bytes) -> str | None:
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(doc, dict) and isinstance(doc.get("error"), dict):
        return str(doc["error"].get("code") or "") or None
    return None


def _resource_version(href: str) -> str | None:
    """The resourceVersion of a notice's self link ("id:123"), unquoted. Drupal writes only its colon escaped
    ("id%3A123"): replaced directly, which unquote does too at several times the cost (once per notice)."""
    if "resourceVersion=" not in href:
        return None
    value = href.split("resourceVersion=", 1)[1].split("&", 1)[0]
    if value.count("%") == value.count("%3A"):
        return value.replace("%3A", ":")
    return unquote(value)


def _api_time(value: Any) -> datetime | None:
    if not value:
        return None
    text = str(value)
    if "T" in text:
        return datetime.fromisoformat(text).astimezone(UTC)
    # Legacy values had no zone and were US Eastern (the same records now read 4 or 5 hours later in UTC).
    return datetime.fromisoformat(text).replace(tzinfo=_EASTERN).astimezone(UTC)


def _api_stamp(rec: Any) -> datetime | None:
    try:
        a = rec["attributes"]
        return _api_time(a.get("updated") or a.get("created"))
    except (KeyError, TypeError, ValueError):
        return None


def _self_offset(doc: dict[str, Any]) -> int:
    href = (doc.get("links") or {}).get("self") or {}
    href = href.get("href") if isinstance(href, dict) else href
    if not href:
        return 0
    q = parse_qs(urlsplit(str(href)).query)
    try:
        return int(q.get("page[offset]", ["0"])[0])
    except ValueError:
        return 0
