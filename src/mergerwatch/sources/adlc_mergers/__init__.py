"""Autorité de la concurrence (France): the merger control decisions (DCC) of the authority's open-data file of
published decisions on data.gouv.fr, one record per decision.

Wire facts (shared/sources/national_authorities.md §2, the real records in fixtures/adlc-mergers/): the dataset's
metadata (data.gouv.fr API) names the current file among its resources; the file is one JSON array of every
published decision since 1988 (about 210 MB), each a flat object (``type_decision`` "DCC" for a merger decision, a
string or a list, sometimes a list written as text; ``dispositifs_dcc`` the outcome; ``url_site`` the one unique
key). The file holds decisions only: a review appears here when it is over.

The file is spooled to disk as it arrives and read one record at a time (``iter_array_items``): memory holds a
record, never the file. Each merger decision becomes its own payload, so that a new file stores only what changed.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mergerwatch.core.errors import HttpError, ParseError, SourceError
from mergerwatch.core.names import clean_text
from mergerwatch.core.payload import file_url
from mergerwatch.fetch.hosts import MB, HostRule
from mergerwatch.sources.adlc_mergers.decisions import (
    NotAnArray,
    french_date,
    is_merger_decision,
    iter_array_items,
    outcome_of,
    parse_decisions,
    source_id_of,
)
from mergerwatch.sources.adlc_mergers.merger_list import is_list_page, parse_merger_list
from mergerwatch.sources.base import FetchContext, ParseResult, Payload, Source, http_hint, loads_json, sniff_kind

__all__ = ["AdlcMergers", "NotAnArray", "french_date", "iter_array_items", "outcome_of", "pick_resource"]

DATASET_API = "https://www.data.gouv.fr/api/1/datasets/decisions-publiees-par-lautorite-de-la-concurrence-depuis-1988/"
# robots.txt forbids every address with a query string: the list's first page, as it is, and nothing more
LIST_URL = "https://www.autoritedelaconcurrence.fr/fr/liste-de-controle-des-concentrations"
FILE_ORIGINS = ("https://static.data.gouv.fr",)  # where data.gouv.fr serves uploaded files; another is refused, named
KEPT = 20 * MB  # of a file that cannot be read, what is kept as its failed payload
FILE_PART = 4 * MB  # a saved file is ingested in parts of about this size


class AdlcMergers(Source):
    name = "adlc-mergers"
    parser_version = "adlc-1"
    # The metadata is small; the file is large and read once a day at most, only when the metadata says it changed.
    host_rules = {
        "www.data.gouv.fr": HostRule(min_interval=2.0, timeout=30.0, deadline=60.0, max_body=5 * MB),
        # 210 MB in 15 minutes needs 240 kB/s; a slower line gets a clear error and the next night tries again
        "static.data.gouv.fr": HostRule(
            min_interval=2.0, timeout=120.0, retries=1, deadline=900.0, max_body=1024 * MB
        ),  # fmt: skip
        # the site's own pages: others wait 1.5-2 s between requests; one request a night here
        "www.autoritedelaconcurrence.fr": HostRule(min_interval=2.0, timeout=30.0, deadline=60.0),
    }

    def __init__(
        self, dataset_api: str = DATASET_API, file_origins: tuple[str, ...] = FILE_ORIGINS, list_url: str = LIST_URL
    ) -> None:
        self.dataset_api = dataset_api
        self.file_origins = file_origins
        self.list_url = list_url

    # --- fetching ---------------------------------------------------------------------------

    def _get(self, ctx: FetchContext, url: str, **kw: Any) -> Any:
        try:
            return ctx.client.get(url, **kw)
        except HttpError as exc:
            hint = http_hint(exc, "the next refresh retries; stored decisions are kept")
            raise SourceError(self.name, str(exc), hint) from None

    def resource(self, ctx: FetchContext) -> tuple[Payload, dict[str, Any]]:
        """The dataset's metadata and the resource to read: the French JSON file (by format and title, never by
        position; the largest where several qualify)."""
        resp = self._get(ctx, self.dataset_api)
        meta = Payload(self.name, resp.url, resp.content, content_type=resp.content_type, kind="metadata")
        try:
            data = loads_json(resp.content, self.name, "the dataset's metadata")
        except ParseError as exc:
            raise ctx.fail(meta, exc) from None
        resources = data.get("resources") if isinstance(data, dict) else None
        if not isinstance(resources, list):
            raise ctx.fail(meta, ParseError(self.name, "the dataset's metadata lists no resources",
                                            "the data.gouv.fr API may have changed; the answer was kept"))  # fmt: skip
        chosen = pick_resource(resources)
        if chosen is None:
            formats = sorted({str(r.get("format") or "?") for r in resources if isinstance(r, dict)})
            raise ctx.fail(meta, ParseError(
                self.name,
                f"the dataset lists no French JSON file (formats: {', '.join(formats) or 'none'})",
                "the authority may have changed how it publishes the file; the answer was kept",
            ))  # fmt: skip
        parts = urlsplit(str(chosen.get("url") or ""))
        if f"{parts.scheme}://{parts.netloc}" not in self.file_origins:
            raise ctx.fail(meta, SourceError(
                self.name,
                f"the dataset's file is served from {parts.scheme}://{parts.netloc}, not from "
                f"{', '.join(self.file_origins)}",
                "mergerwatch reads large files only from the hosts it knows; please report it",
            ))  # fmt: skip
        return meta, chosen

    def fetch(self, ctx: FetchContext) -> Iterator[Payload]:
        yield from self._file(ctx)
        # then the merger list's first page: the newest decisions, before the file has them
        resp = self._get(ctx, self.list_url, conditional=True)
        if not resp.not_modified:
            yield Payload(self.name, resp.url, resp.content, content_type=resp.content_type, kind="list",
                          validators=resp.validators)  # fmt: skip

    def _file(self, ctx: FetchContext) -> Iterator[Payload]:
        _meta, res = self.resource(ctx)
        signature = json.dumps([res.get("url"), res.get("filesize"), res.get("last_modified"),
                                (res.get("checksum") or {}).get("value") if isinstance(res.get("checksum"), dict)
                                else None])  # fmt: skip
        if not ctx.full and ctx.get(self.name, "resource") == signature:
            ctx.notes.append(f"{self.name}: the decisions file has not changed since the last refresh")
            return
        url = str(res["url"])
        try:
            spool = tempfile.TemporaryFile(prefix="mergerwatch-adlc-")
        except OSError as exc:
            raise SourceError(self.name, f"cannot make a temporary file ({exc.strerror})",
                              "free some disk space, then run the refresh again") from None  # fmt: skip
        with spool:
            try:
                resp = self._get(ctx, url, conditional=True, sink=spool)
            except OSError as exc:  # the disk filled while the file arrived
                raise SourceError(self.name, f"cannot keep the downloaded file ({exc.strerror})",
                                  "free some disk space, then run the refresh again") from None  # fmt: skip
            if resp.not_modified:
                ctx.set(self.name, "resource", signature)
                return
            spool.seek(0)
            total = merger = 0
            last: Payload | None = None
            try:
                for text, record in iter_array_items(spool):
                    total += 1
                    if not is_merger_decision(record):
                        continue
                    merger += 1
                    if last is not None:
                        yield last
                    last = Payload(self.name, f"{resp.url}#{source_id_of(record)}", text.encode("utf-8"),
                                   content_type="application/json", kind="decision")  # fmt: skip
            except (ValueError, OSError) as exc:
                spool.seek(0)
                kept = Payload(self.name, resp.url, spool.read(KEPT), content_type=resp.content_type, kind="file")
                what = "an HTML page" if sniff_kind(kept.body) == "html" else "not the list of decisions it should be"
                reason = str(exc) if not isinstance(exc, NotAnArray) else f"the file is {what}"
                raise ctx.fail(kept, ParseError(
                    self.name, f"{reason} after {total} record(s)",
                    f"the raw file (its first {KEPT // MB} MB) was kept; stored decisions are unchanged",
                )) from None  # fmt: skip
            before = int(ctx.get(self.name, "merger_decisions") or 0)
            if merger == 0 or merger < before // 2:
                spool.seek(0)
                kept = Payload(self.name, resp.url, spool.read(KEPT), content_type=resp.content_type, kind="file")
                raise ctx.fail(kept, ParseError(
                    self.name,
                    f"the decisions file holds {merger} merger decision(s) among {total} record(s)"
                    + (f", where it held {before}" if before else ""),
                    "the file may be cut off or changed; it was kept (its first part) and nothing stored changed",
                ))  # fmt: skip
            if last is not None:
                last.validators = resp.validators  # the next request is conditional once all of it is stored
                yield last
        ctx.set(self.name, "resource", signature)
        ctx.set(self.name, "merger_decisions", str(merger))

    def doctor(self, ctx: FetchContext) -> tuple[bool, str]:
        _meta, res = self.resource(ctx)
        size = res.get("filesize")
        size_text = f"{int(size) / MB:,.0f} MB" if isinstance(size, int | float) else "size not given"
        file_said = (
            f"the dataset names '{clean_text(str(res.get('title') or '?'))[:80]}' ({res.get('format')}, {size_text}, "
            f"modified {str(res.get('last_modified') or '?')[:10]}) at {res.get('url')} (the file itself is read by "
            "refresh)"
        )
        resp = self._get(ctx, self.list_url, conditional=False)
        try:
            listed = self.parse(Payload(self.name, resp.url, resp.content, kind="list"))
        except SourceError as exc:
            return False, f"{file_said}; the merger list: {exc}"
        return True, (
            f"{file_said}; the merger list's first page shows {len(listed.filings)} merger decision(s) in the "
            f"expected markup (declaring {listed.declared_total or '?'} in all)"
        )

    # --- saved files --------------------------------------------------------------------------

    def payloads_from_file(self, path: Path) -> Iterator[Payload]:
        """A saved copy of the decisions file (or a part of it), read as a refresh reads the download: one record at
        a time, its merger decisions stored in parts of a few megabytes, the file their provenance."""
        try:
            fh = path.open("rb")
        except OSError as exc:
            raise SourceError(self.name, f"cannot read {path}: {exc.strerror}") from None
        with fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
            fh.seek(0)
            if head[:1] != b"[":  # one record (a stored payload written out), or not a decisions file at all
                yield self.payload_for_file(fh.read(KEPT), str(path))
                return
            part: list[str] = []
            size = first = n = 0
            try:
                for text, record in iter_array_items(fh):
                    n += 1
                    if not is_merger_decision(record):
                        continue
                    if not part:
                        first = n
                    part.append(text)
                    size += len(text)
                    if size >= FILE_PART:
                        yield self._part(path, part, first, n)
                        part, size = [], 0
            except ValueError as exc:
                raise ParseError(self.name, f"{path.name}: {exc} after {n} record(s)",
                                 "the records before it were read; the file was not changed") from None  # fmt: skip
            if part:
                yield self._part(path, part, first, n)
            elif first == 0:
                raise ParseError(self.name, f"{path.name}: {n} record(s), none of them a merger decision (DCC)",
                                 "this source reads the merger control decisions of the decisions file")  # fmt: skip

    def _part(self, path: Path, texts: list[str], first: int, last: int) -> Payload:
        body = ("[" + ",\n".join(texts) + "]").encode("utf-8")
        return Payload(self.name, f"{file_url(str(path))}#records-{first}-{last}", body, kind="decisions")

    # --- parsing ----------------------------------------------------------------------------

    def sniff(self, body: bytes) -> str:
        if sniff_kind(body) == "html":
            return "list"
        return "decisions" if body.lstrip()[:1] == b"[" else "decision"

    def parse(self, payload: Payload) -> ParseResult:
        if sniff_kind(payload.body) == "html" and is_list_page(payload.body):
            return parse_merger_list(payload, self.name, self.parser_version)
        return parse_decisions(payload, self.name, self.parser_version)


def pick_resource(resources: list[Any]) -> dict[str, Any] | None:
    """The French JSON file among the dataset's resources: format JSON, not the English translation, the largest."""
    fits = []
    for r in resources:
        if not isinstance(r, dict) or str(r.get("format") or "").strip().lower() != "json":
            continue
        words = f"{r.get('title') or ''} {r.get('url') or ''}".lower()
        if re.search(r"(?:[-_.]en\.json|\benglish\b|\banglais\b|\btranslat)", words):
            continue
        fits.append(r)
    size = lambda r: r.get("filesize") if isinstance(r.get("filesize"), int | float) else 0  # noqa: E731
    return max(fits, key=size) if fits else None
