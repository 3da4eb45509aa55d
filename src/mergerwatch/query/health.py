"""How each source is doing (`mergerwatch sources`, `doctor`'s neighbour): its records, its last refresh and last
success, how old that is, and the warnings a person should see (failing runs, runs that return nothing)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mergerwatch.core.redaction import redact
from mergerwatch.core.registry import PROFILES
from mergerwatch.store.read.reader import as_reader

if TYPE_CHECKING:  # the typed records are for reading the code: nothing to load
    from mergerwatch.core.records import SourceHealth

# Runs looked at: three failed in a row, or three with nothing returned, is a warning.
RECENT = 3


def source_health(db: Any, now: datetime | None = None) -> list[SourceHealth]:
    """One row per registered source, in the registry's order."""
    rd = as_reader(db)
    counts = rd.counts_by_source()
    now = now or datetime.now(UTC)
    rows = []
    for prof in PROFILES.values():
        hist = rd.source_history(prof.name, limit=10)
        last_ok = next((h for h in hist if h["ok"]), None)
        age = None
        if last_ok and last_ok["finished_at"]:
            age = (now - datetime.fromisoformat(last_ok["finished_at"])).total_seconds() / 86400
        recent = hist[:RECENT]
        warnings = []
        if len(recent) == RECENT and not any(h["ok"] for h in recent):
            warnings.append(f"failed on the last {len(recent)} runs: {recent[0]['error_text']}")
        elif len(recent) == RECENT and all(h["records"] == 0 for h in recent):
            warnings.append(f"returned nothing on the last {RECENT} runs")
        elif recent and not recent[0]["ok"]:
            warnings.append(f"last run failed: {recent[0]['error_text']}")
        rows.append(
            {
                "source": prof.name,
                "title": prof.title,
                "authority": prof.authority,
                "jurisdiction": prof.jurisdiction,
                "records": counts.get(prof.name, 0),
                "last_refresh": hist[0]["finished_at"] if hist else None,
                "last_success": last_ok["finished_at"] if last_ok else None,
                "age_days": round(age, 2) if age is not None else None,
                "warnings": [redact(w) for w in warnings],
                "state": rd.all_state(prof.name),
            }
        )
    return rows
