"""The open-data decisions file of the Autorité de la concurrence: reading its JSON array a record at a time, and one
merger decision (``type_decision`` holding "DCC") as a record. Pure: no network, no store.

Record fields (shared/sources/national_authorities.md §2.2, the real records in fixtures/adlc-mergers/): flat objects;
``type_decision`` a string or a list, sometimes a list written as text; ``dispositifs_dcc`` the outcome (only
"Autorisation" is seen in a real record); ``url_site`` the one unique key; the full text gives the date the
notification was complete and the notification's number.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from typing import IO, Any
from urllib.parse import urlsplit

from mergerwatch.core.errors import ParseError
from mergerwatch.core.model import Filing, Party, Role, Status, StatusEvent
from mergerwatch.core.names import clean_text
from mergerwatch.fetch.hosts import MB
from mergerwatch.sources.base import ParseResult, Payload, loads_json

READ = 4 * MB  # characters read from the file at a time
MAX_RECORD = 64 * MB  # a record larger than this is not a decision record: the file is refused

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


def parse_decisions(payload: Payload, name: str, version: str) -> ParseResult:
    """A payload of the file: one decision record, or an array of them (a saved copy, a part of one)."""
    data = loads_json(payload.body, name, "the decisions file")
    records = data if isinstance(data, list) else [data]
    res = ParseResult([])
    others = 0
    for record in records:
        if not is_merger_decision(record):
            others += 1
            continue
        try:
            res.filings.append(record_filing(record, payload, res.warnings, name, version))
        except ValueError as exc:
            ref = str(record.get("id_decision") or record.get("url_site") or "?")[:60]
            res.warnings.append(f"{name}: skipped decision {ref}: {exc}")
    if not records or not all(isinstance(r, dict) for r in records):
        raise ParseError(name, "the file holds no decision records",
                         "it may be cut off or not the authority's decisions file; it was kept")  # fmt: skip
    if not res.filings and others:
        raise ParseError(name, f"{others} decision(s) read, none of them a merger decision (DCC)",
                         "this source reads the merger control decisions of the decisions file")  # fmt: skip
    return res


def record_filing(rec: dict[str, Any], payload: Payload, warnings: list[str], name: str, version: str) -> Filing:
    """One merger decision of the file as a record (its outcome, phase, dates, parties and sectors)."""

    def text(key: str) -> str:
        value = rec.get(key)
        if isinstance(value, list):
            return "; ".join(_as_list(value))
        return clean_text(str(value)) if value is not None else ""

    ref = text("id_decision")
    decided = iso_day(text("date_decision_datetime")) or french_date(text("date_decision"))
    if decided is None:
        raise ValueError(f"no decision date ('{text('date_decision')[:30]}')")
    raw = text("dispositifs_dcc")
    status, detail = outcome_of(raw)
    if status is Status.unknown:
        warnings.append(f"{name}: outcome '{raw[:60] or 'none'}' of {ref} matches no rule; kept as unknown")
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
        source=name,
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
        parser_version=version,
    )


def iso_day(text: str) -> date | None:
    """The date an ISO date or date-time begins with, else None."""
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
