"""Where the store lives, how it is opened, and its schema kept current with Alembic."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mergerwatch import __version__
from mergerwatch.core.errors import MergerwatchError, UsageError
from mergerwatch.store.location import default_db_path, resolve_db_url
from mergerwatch.store.version import HEAD_REVISION, KNOWN_REVISIONS

MIGRATIONS = Path(__file__).with_name("migrations")


__all__ = ["HEAD_REVISION", "create_db_engine", "default_db_path", "migrate", "resolve_db_url"]


def _alembic_config(conn: sa.Connection) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    """The head according to the migration scripts (alembic); the tests compare it with HEAD_REVISION."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def create_db_engine(url: str) -> Engine:
    is_sqlite = url.startswith("sqlite")
    # JSON columns written by Core (updates, PostgreSQL) as rows.json_text writes them: no spaces after separators
    kwargs: dict = {"future": True, "json_serializer": partial(json.dumps, separators=(",", ":"))}
    if is_sqlite:
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    try:
        engine = sa.create_engine(url, **kwargs)
    except ModuleNotFoundError as exc:
        if url.startswith("postgres"):
            raise UsageError(
                f"the PostgreSQL driver is not installed ({exc.name}); "
                "install it with: pip install 'mergerwatch[postgres]'"
            ) from None
        raise UsageError(f"cannot use the database URL: the driver {exc.name} is not installed") from None
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as exc:
        raise UsageError(f"--db: not a database path or SQLAlchemy URL ({exc})") from None
    if is_sqlite:

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            # 8 KiB pages for a new file (ignored by an existing one): a filings row is ~600 bytes, and a 4 KiB page
            # left a tenth of itself unused at its end (40 bytes a filing).
            cur.execute("PRAGMA page_size=8192")
            # WAL: readers never block the nightly writer; NORMAL sync is safe with WAL.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            # 16 MiB: the index pages a batch touches (8 MiB: 7 % slower; 64 MiB: no faster, 48 MB more at peak)
            cur.execute("PRAGMA cache_size=-16384")
            # Checkpoint (and fsync) every ~40 MB of WAL rather than every 4 MB: a third less time per page of
            # notices stored (benchmarks/bench_ftc_ingest.py).
            page = int(cur.execute("PRAGMA page_size").fetchone()[0])
            cur.execute(f"PRAGMA wal_autocheckpoint={40_000_000 // page}")
            cur.close()
            # Transactions are begun by us (below), not implicitly by the driver.
            dbapi_conn.isolation_level = None

        @sa.event.listens_for(engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            # A writer takes the write lock at BEGIN: a deferred transaction that reads first and writes later
            # fails at once (not after busy_timeout) when another writer committed in between.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("mw_write") else "BEGIN")

    return engine


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except sa.exc.DBAPIError as exc:
            if _no_such_table(exc):
                conn.rollback()
                if _has_user_tables(conn):
                    raise MergerwatchError(
                        f"{_where(engine)} holds tables but no mergerwatch schema version; "
                        "it is not a mergerwatch database (nothing was changed)"
                    ) from None
                return None
            raise


def _no_such_table(exc: sa.exc.DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return "no such table" in text or "does not exist" in text or "undefinedtable" in type(exc.orig).__name__.lower()


def _has_user_tables(conn: sa.Connection) -> bool:
    if conn.dialect.name == "sqlite":
        n = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type='table'").scalar()
        return bool(n)
    return False  # a shared PostgreSQL database may hold other applications' tables


def _where(engine: Engine) -> str:
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return f"the database file {url.database}"
    return f"the database {url.render_as_string(hide_password=True)}"


def written_by(engine: Engine) -> str | None:
    """The mergerwatch version that last migrated this store (kept in source_state by ``migrate``)."""
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT value FROM source_state WHERE source = '_store' AND key = 'written_by'"
            ).scalar()
    except sa.exc.DBAPIError:
        return None


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Two processes opening a new database at once must not both create the schema."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        from filelock import FileLock  # portable (fcntl is POSIX only); needed only when a migration runs

        with FileLock(f"{url.database}.migrate-lock"):
            yield
    elif url.get_backend_name() == "postgresql":
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT pg_advisory_lock(726867)")
            try:
                yield
            finally:
                conn.exec_driver_sql("SELECT pg_advisory_unlock(726867)")
    else:
        yield


def migrate(engine: Engine, attempts: int = 5) -> None:
    """Bring the schema to the newest revision. One cheap version query first: most runs need nothing.
    A database another process is creating or migrating at this moment is waited for, not reported."""
    for attempt in range(attempts):
        try:
            return _migrate(engine)
        except sa.exc.OperationalError as exc:
            if "locked" not in str(exc.orig).lower() or attempt + 1 == attempts:
                raise MergerwatchError(_open_error(engine, exc)) from None
            time.sleep(1.0 + attempt)


def _migrate(engine: Engine) -> None:
    try:
        current = _current_revision(engine)
        if current == HEAD_REVISION:
            return
        _refuse_newer(engine, current)
        with _migration_lock(engine):
            current = _current_revision(engine)
            if current == HEAD_REVISION:
                return
            with engine.connect() as conn:
                conn.execution_options(mw_write=True)
                with conn.begin():
                    if current is None and engine.dialect.name == "sqlite":
                        _create_at_head(conn)
                    else:
                        from alembic import command

                        command.upgrade(_alembic_config(conn), "head")
                    conn.exec_driver_sql("DELETE FROM source_state WHERE source = '_store' AND key = 'written_by'")
                    conn.execute(
                        sa.text(
                            "INSERT INTO source_state (source, key, value, updated_at) "
                            "VALUES ('_store', 'written_by', :v, CURRENT_TIMESTAMP)"
                        ),
                        {"v": __version__},
                    )
    except (MergerwatchError, sa.exc.OperationalError):
        raise
    except sa.exc.DatabaseError as exc:
        raise MergerwatchError(_open_error(engine, exc)) from None
    except ModuleNotFoundError as exc:
        raise MergerwatchError(f"cannot open {_where(engine)}: {exc}") from None


def _create_at_head(conn: sa.Connection) -> None:
    """A new SQLite store is created as schema.py declares it and stamped with the head revision, as running every
    migration from an empty file would leave it (tests/test_store_open.py compares the two, table by table): alembic,
    mako and pygments (a tenth of a second, 10 MB) are imported only to upgrade a store that holds data."""
    from mergerwatch.store import name_index
    from mergerwatch.store.schema import metadata

    # The name index in FTS5 where this SQLite has it (store/name_index.py), else the name_tokens table.
    fts = name_index.fts5_available(conn.connection.dbapi_connection.cursor())
    metadata.create_all(
        conn, tables=[tb for tb in metadata.sorted_tables if not (fts and tb.name == "name_tokens")], checkfirst=False
    )
    if fts:
        conn.exec_driver_sql(name_index.DDL)
        conn.exec_driver_sql("DROP INDEX ix_parties_norm")  # exact names are found through the name index
    conn.exec_driver_sql(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
        "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
    )
    conn.exec_driver_sql("INSERT INTO alembic_version (version_num) VALUES (?)", (HEAD_REVISION,))


def _refuse_newer(engine: Engine, current: str | None) -> None:
    if current is None or current in KNOWN_REVISIONS:
        return
    by = written_by(engine)
    raise MergerwatchError(
        f"{_where(engine)} has schema {current}, written by "
        f"{'mergerwatch ' + by if by else 'a newer mergerwatch'}; this is mergerwatch {__version__} "
        f"(schema {HEAD_REVISION}). Upgrade mergerwatch (pip install -U mergerwatch) to use it; nothing was changed"
    )


def _open_error(engine: Engine, exc: sa.exc.DatabaseError) -> str:
    text = str(exc.orig)
    low = text.lower()
    if "not a database" in low or "malformed" in low or "file is encrypted" in low:
        return (
            f"{_where(engine)} is not a readable SQLite database (corrupt or another kind of file); "
            "it was left untouched: restore it from a backup or choose another --db"
        )
    if "unable to open" in low or "readonly" in low or "permission" in low:
        return f"cannot open {_where(engine)}: {text} (check the path and its permissions)"
    return f"cannot open {_where(engine)}: {text}"
