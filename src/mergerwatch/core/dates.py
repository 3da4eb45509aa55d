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


def human_when(value: str | None, now: datetime | None = None) -> str:
    """A stored UTC time as a person reads it, in local time: ``today 00:37``, ``yesterday 18:02``, ``3 days ago``,
    then the date (``2025-04-03``). ``--json`` keeps the ISO time; this is for text only."""
    if not value:
        return ""
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return value
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    local, local_now = dt.astimezone(), now.astimezone()
    days = (local_now.date() - local.date()).days
    if days < 0 or days >= 7:
        return local.date().isoformat()  # a future time (a clock set wrong) or a week old: the date itself
    if days == 0:
        return f"today {local:%H:%M}"
    if days == 1:
        return f"yesterday {local:%H:%M}"
    return f"{days} days ago"
