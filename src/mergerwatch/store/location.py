"""Where the store lives: ``--db``, else ``MERGERWATCH_DB``, else the per-user data directory. Kept apart from
the engine so the read path can find the file without importing SQLAlchemy."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from mergerwatch.core.errors import UsageError


def default_db_path() -> Path:
    return Path(user_data_dir("mergerwatch", appauthor=False)) / "mergerwatch.db"


def resolve_db_url(db: str | None) -> str:
    """``--db`` (a path or any SQLAlchemy URL), else ``MERGERWATCH_DB``, else the per-user data directory.
    Only the default data directory is created: a mistyped directory is an error, not a new empty store."""
    chosen = db or os.environ.get("MERGERWATCH_DB")
    value = chosen or str(default_db_path())
    if "://" in value:
        return value
    path = Path(value).expanduser()
    if path.is_dir():
        raise UsageError(f"the database path {path} is a directory; give a file name, e.g. {path / 'mergerwatch.db'}")
    if chosen and not path.parent.is_dir():
        where = "--db" if db else "MERGERWATCH_DB"
        raise UsageError(f"{where}: the directory {path.parent} does not exist; create it first or fix the path")
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> str | None:
    """The file of a plain ``sqlite:///PATH`` URL (None for memory, options or any other database)."""
    if not url.startswith("sqlite:///") or "?" in url:
        return None
    path = url[len("sqlite:///") :]
    return path if path and path != ":memory:" else None
