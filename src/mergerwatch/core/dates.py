"""Times as people write them (``--since 2w``, ``2026-11-01``) and as they read them. Stdlib only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """``2026-11-01``, an ISO time, or a relative ``1d`` / ``12h`` / ``2w``."""
    now = now or datetime.now(UTC)
    v = value.strip().lower()
    units = {"h": "hours", "d": "days", "w": "weeks"}
    if v[:-1].isdigit() and v[-1:] in units:
        return now - timedelta(**{units[v[-1]]: int(v[:-1])})
    dt = datetime.fromisoformat(v)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
