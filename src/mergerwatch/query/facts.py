"""What a record tells beyond its headline: the phase a case reached, when it was notified and decided, its sectors.
Pure functions over records in the ``show --json`` shape (core/records.py); the detail codes' phases come from the
vocabulary, the phased authorities from the registry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mergerwatch.core import registry
from mergerwatch.core.vocabulary import DECIDED, detail_info

if TYPE_CHECKING:  # the typed records are for reading the code: nothing to load
    from mergerwatch.core.records import Row


def phase_of(rec: Row) -> int | None:
    """1 or 2 where the record shows which phase it reached (None for authorities without phases): its extra's
    phase, else what its status, its detail and its events tell (core/vocabulary.py DETAILS), else phase 1 at an
    authority whose cases run in phases."""
    extra, status = rec.get("extra") or {}, rec.get("status")
    if isinstance(extra.get("phase"), int):
        return int(extra["phase"])
    own = detail_info(rec.get("detail"))
    if status == "in_depth_review" or own.phase == 2:
        return 2
    for e in rec.get("events") or []:
        info = detail_info(e.get("detail"))
        if info.phase == 2 and info.tells:
            return 2
        if info.phase2_if_raw and info.phase2_if_raw in str(e.get("status_raw") or ""):
            return 2  # a withdrawn Phase II decision (Illumina / Grail): the case did reach Phase II
    if rec.get("authority") in registry.phased_authorities() or own.phase == 1:
        return 1
    return None


def notified_on(rec: Row) -> str | None:
    extra = rec.get("extra") or {}
    for key in ("notification_date", "opened_date"):
        if extra.get(key):
            return str(extra[key])[:10]
    dates = [e["date"] for e in rec.get("events") or [] if e.get("status") == "notified" and e.get("date")]
    return min(dates) if dates else None


def decided_on(rec: Row) -> str | None:
    return rec.get("status_date") if rec.get("status") in DECIDED else None


def sectors_of(rec: Row) -> list[str]:
    extra = rec.get("extra") or {}
    out = [str(s) for s in extra.get("market_sector") or []]
    for s in extra.get("nace") or []:
        if isinstance(s, dict):
            out += [str(v) for v in (s.get("code"), s.get("label")) if v]
    out += [str(s) for s in extra.get("nace_codes") or []]
    out += [str(s) for s in extra.get("sectors") or []]  # ANZSIC, NAICS: codes with their words, as published
    return out
