"""Typed records (pydantic): what every source's parser produces and the store keeps.

The status vocabulary (core/vocabulary.py) is the cross-jurisdiction one of shared/sources/status_vocabulary.md §2,
plus ``unknown`` for a signal no rule maps (the raw words are kept in ``status_raw`` and reported). The write path
imports this module; the read path never does (it reads the same shape as plain records, core/records.py).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mergerwatch.core.records import EventRecord, FilingRecord, PartyRecord, Provenance
from mergerwatch.core.textsafe import clean
from mergerwatch.core.vocabulary import ROLES, STATUSES

# The vocabulary's codes as enums for the typed records (the read path uses the plain codes of core/vocabulary.py).
Status = StrEnum("Status", {code: code for code in STATUSES}, module=__name__)
Role = StrEnum("Role", {code: code for code in ROLES}, module=__name__)


class Party(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str  # as published (control characters removed); the store keeps its normalised form (parties.norm)
    role: Role = Role.other

    @field_validator("name", mode="before")
    @classmethod
    def _plain(cls, v: Any) -> Any:
        return clean(v, one_line=True) if isinstance(v, str) else v


class StatusEvent(BaseModel):
    """One entry of a filing's history.

    ``status`` is None for informational events (a deadline that moves, a comment period opening):
    they are history but never change the filing's current status.
    """

    status: Status | None
    status_raw: str
    date: _dt.date | None = None
    detail: str | None = None
    deadline: _dt.date | None = None
    published_at: datetime | None = None
    basis: str = "structured"  # or "text" when matched in prose
    url: str | None = None
    observed_at: datetime | None = None
    # How much of ``date`` the source gave: "day", "month" (a report dated by month; ``date`` is then its first day),
    # or "none" (prose without a date: ``date`` is then the filing's own, or None). None: a structured event's day.
    date_precision: str | None = None

    def key(self) -> tuple[str, str, str, str]:
        """What makes two events the same: status, the authority's words and the key dates."""
        return (
            self.status.value if self.status else "",
            self.status_raw,
            self.date.isoformat() if self.date else "",
            self.deadline.isoformat() if self.deadline else "",
        )


# Provenance and per-surface values that do not change what a record says.
_UNHASHED: dict[str, Any] = dict.fromkeys(
    (
        "source_id",
        "fetched_at",
        "payload_sha256",
        "parser_version",
        "alt_ids",
        "url",
        "published_at",
        "updated_at",
        "extra",
    ),
    True,
)
# How precise a prose event's date is does not change what the record says (and records of the sources without it
# keep the digests they had).
_UNHASHED["events"] = {"__all__": {"date_precision"}}
# The extra as content_hash reads it (json.dumps with options builds a new encoder per call).
_sorted_json = json.JSONEncoder(sort_keys=True, default=str).encode


class Filing(BaseModel):
    """One case at one authority, as one source saw it."""

    source: str
    source_id: str
    authority: str
    jurisdiction: str
    case_ref: str | None = None
    title: str
    parties: list[Party] = Field(default_factory=list)
    status: Status
    status_raw: str
    status_date: date | None = None
    detail: str | None = None
    url: str | None = None
    deadline: date | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    # History the payload itself carries (an EC case's chain of decisions); the current status is also
    # added as an event by the store when it is not among these.
    events: list[StatusEvent] = Field(default_factory=list)
    # Source-specific facts worth keeping (sectors, procedure, granting status, native ids ...).
    extra: dict[str, Any] = Field(default_factory=dict)
    # Identifiers that name the same record on another surface of the same source (RSS nid vs API UUID).
    alt_ids: list[str] = Field(default_factory=list)
    # Provenance
    fetched_at: datetime | None = None
    payload_sha256: str | None = None
    parser_version: str = "0"

    @field_validator("authority", mode="before")
    @classmethod
    def _code(cls, v: Any) -> Any:
        # An upper-case code (EC, CMA, FTC, DOJ, US): lists filter the column as it is, through its index.
        return v.strip().upper() if isinstance(v, str) else v

    @field_validator("title", "status_raw", "case_ref", "detail", mode="before")
    @classmethod
    def _plain(cls, v: Any) -> Any:
        # Scraped text is data: escape sequences and other control characters never reach a terminal or file.
        return clean(v, one_line=True) if isinstance(v, str) else v

    @property
    def id(self) -> str:
        return f"{self.source}:{self.source_id}"

    def current_event(self) -> StatusEvent:
        # Deadlines are recorded by the parsers as informational events of their own.
        return StatusEvent(
            status=self.status,
            status_raw=self.status_raw,
            date=self.status_date,
            detail=self.detail,
            published_at=self.published_at,
            url=self.url,
        )

    def all_events(self) -> list[StatusEvent]:
        """The payload's events plus the current status (unless one of them already says it), in date order."""
        cur = self.current_event()
        # An undated current status is the same as an event of that status and words that has a date less precise
        # than a day (a report dated by month, prose naming only a month): it is not said twice.
        same = any(
            (e.status, e.status_raw) == (cur.status, cur.status_raw)
            and (e.date == cur.date or (cur.date is None and e.date_precision in ("month", "none")))
            for e in self.events
        )
        events = list(self.events) if same else [*self.events, cur]
        if self.deadline and not any(e.deadline == self.deadline for e in events):
            # A deadline that moves is history without a status change.
            events.append(StatusEvent(status=None, status_raw="Deadline", deadline=self.deadline, detail="deadline"))
        seen: dict[tuple[str, str, str, str], StatusEvent] = {}
        for ev in events:
            seen.setdefault(ev.key(), ev)
        return sorted(seen.values(), key=lambda e: (e.date or _dt.date.min, e.status is not None))

    def content_hash(self) -> str:
        """A digest of what the record says (not when or from which payload it was seen). ``extra`` is
        hashed with sorted keys: merging two surfaces of one record must not look like a change."""
        body = self.model_dump_json(exclude=_UNHASHED)
        extra = _sorted_json(self.extra)
        return hashlib.sha256(f"{body}\x00{extra}".encode()).hexdigest()

    def to_record(self) -> FilingRecord:
        """The record as `parse --json` prints it (core/records.py)."""
        return FilingRecord(
            id=self.id,
            source=self.source,
            source_id=self.source_id,
            authority=self.authority,
            jurisdiction=self.jurisdiction,
            case_ref=self.case_ref,
            title=self.title,
            parties=[PartyRecord(name=p.name, role=p.role.value) for p in self.parties],
            status=self.status.value,
            status_raw=self.status_raw,
            status_date=self.status_date.isoformat() if self.status_date else None,
            detail=self.detail,
            deadline=self.deadline.isoformat() if self.deadline else None,
            url=self.url,
            published_at=self.published_at.isoformat() if self.published_at else None,
            extra=self.extra,
            events=[event_record(e) for e in self.all_events()],
            provenance=Provenance(
                fetched_at=self.fetched_at.isoformat() if self.fetched_at else None,
                payload_sha256=self.payload_sha256,
                parser_version=self.parser_version,
            ),
        )


def event_record(e: StatusEvent) -> EventRecord:
    return EventRecord(
        status=e.status.value if e.status else None,
        status_raw=e.status_raw,
        date=e.date.isoformat() if e.date else None,
        detail=e.detail,
        deadline=e.deadline.isoformat() if e.deadline else None,
        basis=e.basis,
        observed_at=e.observed_at.isoformat() if e.observed_at else None,
        url=e.url,
        **({"date_precision": e.date_precision} if e.date_precision else {}),
    )
