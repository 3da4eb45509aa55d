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

import ast
import hashlib
import io
import json
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from mergerwatch.core.errors import HttpError, ParseError, SourceError
from mergerwatch.core.model import Filing, Party, Role, Status, StatusEvent
from mergerwatch.core.names import clean_text
from mergerwatch.core.payload import file_url
from mergerwatch.fetch.hosts import MB, HostRule
from mergerwatch.sources.base import FetchContext, ParseResult, Payload, Source, http_hint, loads_json, sniff_kind

DATASET_API = "https://www.data.gouv.fr/api/1/datasets/decisions-publiees-par-lautorite-de-la-concurrence-depuis-1988/"
DECISION_PAGES = "https://www.autoritedelaconcurrence.fr/fr/decision-de-controle-des-concentrations/"
FILE_ORIGINS = ("https://static.data.gouv.fr",)  # where data.gouv.fr serves uploaded files; another is refused, named
READ = 4 * MB  # characters read from the spooled file at a time
MAX_RECORD = 64 * MB  # a record larger than this is not a decision record: the file is refused
KEPT = 20 * MB  # of a file that cannot be read, what is kept as its failed payload
FILE_PART = 4 * MB  # a saved file is ingested in parts of about this size

MONTHS = {"janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
          "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
          "decembre": 12}  # fmt: skip
_FR_DATE = r"(\d{1,2})(?:er)?\s*(" + "|".join(MONTHS) + r")\s*(\d{4})"
# "Vu le dossier de notification adressé complet au service des concentrations le 6 mai 2024": when the period ran
_COMPLETE = re.compile(r"adress[ée]e?\s+complet\s+au\s+service\s+des\s+concentrations\s+le\s+" + _FR_DATE, re.I)
# "L'opération notifiée sous le numéro 24-113 est autorisée": the notification's own number
_NOTIFIED_AS = re.compile(r"notifi[ée]e?\s+sous\s+le\s+num[ée]ro\s+(\d{2}-\d{1,4})", re.I)

# Outcome stems (the words of L430-5 III and L430-7; only "Autorisation" is seen in a real record, so the others
# are matched by stem and the authority's words always kept): first match wins, remedies before plain authorisation.
OUTCOMES: tuple[tuple[str, Status, str], ...] = (
    ("interdi", Status.prohibited, "fr_prohibition"),
    ("renvoi", Status.referred, "fr_referral"),
    ("engagement", Status.cleared_with_remedies, "fr_authorisation_remedies"),
    ("injonction", Status.cleared_with_remedies, "fr_authorisation_remedies"),
    ("prescription", Status.cleared_with_remedies, "fr_authorisation_remedies"),
    ("autoris", Status.cleared, "fr_authorisation"),
    ("champ d'application", Status.closed_no_jurisdiction, "fr_outside_scope"),
    ("inapplicab", Status.closed_no_jurisdiction, "fr_outside_scope"),
    ("ne relève pas", Status.closed_no_jurisdiction, "fr_outside_scope"),
    ("abandon", Status.abandoned, "fr_withdrawn"),
    ("retrait", Status.abandoned, "fr_withdrawn"),
)


class NotAnArray(ValueError):
    """The file is not a JSON array (an HTML page, an object, something cut off before it began)."""


def iter_array_items(raw: IO[bytes], max_item: int = MAX_RECORD) -> Iterator[tuple[str, Any]]:
    """Each element of a JSON array in ``raw`` (UTF-8), as its own text and its value, reading a few megabytes at a
    time: the C decoder reads each element where it stands, and an element cut by a read is decoded again once the
    next read completes it. Raises NotAnArray, or ValueError for a file cut off or broken inside."""
    reader = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")  # newline="": the text as it was sent
    decoder = json.JSONDecoder()
    space = re.compile(r"[ \t\r\n]*")
    buf, pos, eof = "", 0, False

    def refill() -> None:
        nonlocal buf, pos, eof
        try:
            chunk = reader.read(READ)
        except UnicodeDecodeError as exc:
            raise ValueError(f"the file is not UTF-8 text ({exc.reason})") from None
        eof = not chunk
        buf, pos = buf[pos:] + chunk, 0

    def skip_space() -> str:
        nonlocal pos
        while True:
            pos = space.match(buf, pos).end()  # type: ignore[union-attr]
            if pos < len(buf) or eof:
                return buf[pos : pos + 1]
            refill()

    try:
        refill()
        if skip_space() != "[":
            raise NotAnArray(buf[pos : pos + 80])
        pos += 1
        while True:
            ch = skip_space()
            if ch == "":
                raise ValueError("the file ends inside its list of records (cut off?)")
            if ch == "]":
                pos += 1
                if skip_space() != "":
                    raise ValueError("the file goes on after its list of records")
                return
            if ch == ",":
                pos += 1
                continue
            try:
                value, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError as exc:
                if eof:
                    raise ValueError(f"a record is cut off or broken ({exc.msg} at character {exc.pos})") from None
                if len(buf) - pos > max_item:
                    raise ValueError(f"a record is larger than {max_item // MB} MB: not a decision record") from None
                refill()  # the record runs past what was read: read more and decode it again
                continue
            yield buf[pos:end], value
            pos = end
    finally:
        reader.detach()  # the file stays open for its owner (a collected wrapper would close it)


def _as_list(value: Any) -> list[str]:
    """A list field as a list of stripped strings: a list, a list written as text ("['BTP']", read as a literal,
    never evaluated), a string, or nothing."""
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("[") and text.endswith("]"):
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                try:
                    value = json.loads(text)
                except ValueError:
                    return [text]
        else:
            return [text] if text else []
    if isinstance(value, list | tuple):
        return [clean_text(str(v)) for v in value if v is not None and str(v).strip()]
    return [clean_text(str(value))]


def decision_types(record: dict[str, Any]) -> list[str]:
    return [t.upper() if len(t) <= 4 else t for t in _as_list(record.get("type_decision"))]


def is_merger_decision(record: Any) -> bool:
    return isinstance(record, dict) and "DCC" in decision_types(record)


def french_date(text: str) -> date | None:
    m = re.search(_FR_DATE, text or "", re.I)
    if not m:
        return None
    try:
        return date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
    except ValueError:
        return None


def outcome_of(raw: str) -> tuple[Status, str]:
    low = raw.lower()
    for stem, status, detail in OUTCOMES:
        if stem in low:
            return status, detail
    return Status.unknown, "fr_unknown"


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def source_id_of(record: dict[str, Any]) -> str:
    """The decision page's own name (``url_site`` is the one unique key: ``id_decision`` repeats), else the number
    and a digest of the title."""
    url = str(record.get("url_site") or "").strip()
    path = urlsplit(url).path.rstrip("/")
    if url.startswith("https://") and path:
        return path.rsplit("/", 1)[-1]
    ref = _slug(str(record.get("id_decision") or "")) or "sans-numero"
    digest = hashlib.sha256(str(record.get("titre_decision") or "").encode()).hexdigest()[:8]
    return f"{ref}-{digest}"


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
    }

    def __init__(self, dataset_api: str = DATASET_API, file_origins: tuple[str, ...] = FILE_ORIGINS) -> None:
        self.dataset_api = dataset_api
        self.file_origins = file_origins

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
        return True, (
            f"the dataset names '{clean_text(str(res.get('title') or '?'))[:80]}' ({res.get('format')}, {size_text}, "
            f"modified {str(res.get('last_modified') or '?')[:10]}) at {res.get('url')}; the file itself is read by "
            "refresh, not here"
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
        return "decisions" if body.lstrip()[:1] == b"[" else "decision"

    def parse(self, payload: Payload) -> ParseResult:
        data = loads_json(payload.body, self.name, "the decisions file")
        records = data if isinstance(data, list) else [data]
        res = ParseResult([])
        others = 0
        for record in records:
            if not is_merger_decision(record):
                others += 1
                continue
            try:
                res.filings.append(self._record(record, payload, res.warnings))
            except ValueError as exc:
                ref = str(record.get("id_decision") or record.get("url_site") or "?")[:60]
                res.warnings.append(f"{self.name}: skipped decision {ref}: {exc}")
        if not records or not all(isinstance(r, dict) for r in records):
            raise ParseError(self.name, "the file holds no decision records",
                             "it may be cut off or not the authority's decisions file; it was kept")  # fmt: skip
        if not res.filings and others:
            raise ParseError(self.name, f"{others} decision(s) read, none of them a merger decision (DCC)",
                             "this source reads the merger control decisions of the decisions file")  # fmt: skip
        return res

    def _record(self, rec: dict[str, Any], payload: Payload, warnings: list[str]) -> Filing:
        def text(key: str) -> str:
            value = rec.get(key)
            if isinstance(value, list):
                return "; ".join(_as_list(value))
            return clean_text(str(value)) if value is not None else ""

        ref = text("id_decision")
        decided = _iso(text("date_decision_datetime")) or french_date(text("date_decision"))
        if decided is None:
            raise ValueError(f"no decision date ('{text('date_decision')[:30]}')")
        raw = text("dispositifs_dcc")
        status, detail = outcome_of(raw)
        if status is Status.unknown:
            warnings.append(f"{self.name}: outcome '{raw[:60] or 'none'}' of {ref} matches no rule; kept as unknown")
        phase_raw = text("phase_decision_concentration")
        phase = 2 if re.search(r"\b(2|ii)\b", phase_raw, re.I) else 1
        full = str(rec.get("texte_complet_decision") or "")
        m = _COMPLETE.search(full)
        complete = None
        if m:
            try:
                complete = date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
            except ValueError:
                complete = None
        n = _NOTIFIED_AS.search(full)
        title_words = text("titre_decision")
        notifying = text("partie_notifiante")
        events: list[StatusEvent] = []
        if complete:
            events.append(StatusEvent(status=Status.notified, status_raw="notification complète", date=complete,
                                      detail="fr_notified"))  # fmt: skip
        if phase == 2:  # the review went through an in-depth examination; the file does not say when it opened
            events.append(StatusEvent(status=Status.in_depth_review, status_raw=phase_raw, date=None,
                                      detail="fr_phase_2", date_precision="none"))  # fmt: skip
        events.append(StatusEvent(status=status, status_raw=raw or "no outcome", date=decided, detail=detail))
        extra = {
            "decision_number": ref,
            "phase": phase,
            "phase_raw": phase_raw or None,
            "notification_date": complete.isoformat() if complete else None,
            "notification_number": n.group(1) if n else None,
            "notifying_party": notifying or None,
            "operation_type": text("type_operation_concentration") or None,
            "simplified": {"oui": True, "non": False}.get(text("decision_simplifiee").lower()),
            "decision_types": decision_types(rec),
            "sectors": _as_list(rec.get("secteur_activite")),
            "decision_date_text": text("date_decision") or None,
        }
        url = str(rec.get("url_site") or "").strip()
        return Filing(
            source=self.name,
            source_id=source_id_of(rec),
            authority="ADLC",
            jurisdiction="FR",
            case_ref=ref or None,
            title=(f"{ref}: " if ref else "") + (title_words or "merger control decision"),
            parties=_parties(
                _as_list(rec.get("entreprises_concernees")),
                notifying,
                title_words,
                text("type_operation_concentration"),
            ),  # fmt: skip
            status=status,
            status_raw=raw or "no outcome",
            status_date=decided,
            detail=detail,
            url=url if url.startswith("https://") else None,
            events=events,
            extra={k: v for k, v in extra.items() if v not in (None, "", [])},
            fetched_at=payload.fetched_at,
            payload_sha256=payload.sha256,
            parser_version=self.parser_version,
        )


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


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if re.match(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def _parties(names: list[str], notifying: str, title: str, operation: str) -> list[Party]:
    """The undertakings concerned: the notifying party as acquirer; in a takeover ("prise de contrôle"), a party the
    title names before "par" as target; the rest as other parties."""
    out: list[Party] = []
    seen: set[str] = set()
    low_title = title.lower()
    before_par = low_title.split(" par ", 1)[0] if " par " in low_title else ""
    takeover = "contrôle" in operation.lower() or "contrôle" in low_title
    for name in ([notifying] if notifying else []) + names:
        key = name.casefold()
        if not name or key in seen:
            continue
        seen.add(key)
        if notifying and key == notifying.casefold():
            role = Role.acquirer
        elif takeover and before_par and key in before_par:
            role = Role.target
        else:
            role = Role.other
        out.append(Party(name=name, role=role))
    return out
