"""Where the store lives: ``--db``, else ``MERGERWATCH_DB``, else the per-user data directory. Kept apart from
the engine so the read path can find the file without importing SQLAlchemy."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from platformdirs import user_data_dir

from mergerwatch.core import config
from mergerwatch.core.errors import UsageError


def data_dir() -> Path:
    return Path(user_data_dir("mergerwatch", appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "mergerwatch.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def _holds_records(path: Path) -> bool:
    """A SQLite file with at least one filing (read with the standard library; anything else: no)."""
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT 1 FROM filings LIMIT 1").fetchone() is not None
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def reading_url(db: str | None) -> tuple[str, str | None]:
    """The store a read command reads, and a note to show when it is not the one the user would think: with no store
    named and no records of their own yet, the demo store (until their first refresh or ingest)."""
    chosen, _where = _chosen(db)
    if chosen is None and not _holds_records(default_db_path()) and _holds_records(demo_db_path()):
        demo = demo_db_path()
        return f"sqlite:///{demo}", (
            f"reading the demo store ({demo}): your own store has no records yet; `mergerwatch refresh` fills it"
        )
    return resolve_db_url(db), None


def _chosen(db: str | None) -> tuple[str | None, str]:
    """The store the user named, and where they named it: ``--db``, else ``MERGERWATCH_DB``, else the config file."""
    if db:
        return db, "--db"
    if os.environ.get("MERGERWATCH_DB"):
        return os.environ["MERGERWATCH_DB"], "MERGERWATCH_DB"
    named = config.load().db
    return named, f"db in {config.config_path()}"


def resolve_db_url(db: str | None) -> str:
    """``--db`` (a path or any SQLAlchemy URL), else ``MERGERWATCH_DB``, else the config file's ``db``, else the
    per-user data directory. Only the default data directory is created: a mistyped directory is an error, not a new
    empty store."""
    chosen, where = _chosen(db)
    value = chosen or str(default_db_path())
    if "://" in value:
        return value
    path = Path(value).expanduser()
    if path.is_dir():
        raise UsageError(f"the database path {path} is a directory; give a file name, e.g. {path / 'mergerwatch.db'}")
    if chosen and not path.parent.is_dir():
        raise UsageError(f"{where}: the directory {path.parent} does not exist; create it first or fix the path")
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def writable(path: str) -> bool:
    """A SQLite store can be written where its file and its directory can (the journal lives beside the file)."""
    folder = os.path.dirname(os.path.abspath(path)) or "."
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK)


def sqlite_path(url: str) -> str | None:
    """The file of a plain ``sqlite:///PATH`` URL (None for memory, options or any other database)."""
    if not url.startswith("sqlite:///") or "?" in url:
        return None
    path = url[len("sqlite:///") :]
    return path if path and path != ":memory:" else None
