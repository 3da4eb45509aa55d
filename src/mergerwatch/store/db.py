"""Where the store lives, how it is opened, and its schema kept current with Alembic."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from platformdirs import user_data_dir
from sqlalchemy.engine import Engine

from mergerwatch.errors import MergerwatchError

MIGRATIONS = Path(__file__).with_name("migrations")


def default_db_path() -> Path:
    return Path(user_data_dir("mergerwatch", appauthor=False)) / "mergerwatch.db"


def resolve_db_url(db: str | None) -> str:
    """``--db`` (a path or any SQLAlchemy URL), else ``MERGERWATCH_DB``, else the per-user data directory."""
    value = db or os.environ.get("MERGERWATCH_DB") or str(default_db_path())
    if "://" in value:
        return value
    path = Path(value).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _alembic_config(conn: sa.Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def create_db_engine(url: str) -> Engine:
    is_sqlite = url.startswith("sqlite")
    kwargs: dict = {"future": True}
    if is_sqlite:
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    engine = sa.create_engine(url, **kwargs)
    if is_sqlite:

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            # WAL: readers never block the nightly writer; NORMAL sync is safe with WAL.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA cache_size=-65536")  # 64 MiB: index pages of a nightly batch stay in memory
            # Checkpoint (and fsync) every ~40 MB of WAL rather than every 4 MB: a third less time per page of
            # notices stored (benchmarks/bench_ftc_ingest.py).
            cur.execute("PRAGMA wal_autocheckpoint=10000")
            cur.close()
            # Transactions are begun by us (below), not implicitly by the driver.
            dbapi_conn.isolation_level = None

        @sa.event.listens_for(engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            # A writer takes the write lock at BEGIN: a deferred transaction that reads first and writes later
            # fails at once (not after busy_timeout) when another writer committed in between.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("mw_write") else "BEGIN")

    return engine


_HEAD: str | None = None


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Two processes opening a new database at once must not both create the schema."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        with open(f"{url.database}.migrate-lock", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    elif url.get_backend_name() == "postgresql":
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT pg_advisory_lock(726867)")
            try:
                yield
            finally:
                conn.exec_driver_sql("SELECT pg_advisory_unlock(726867)")
    else:
        yield


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision. A cheap version check first: most runs need nothing."""
    global _HEAD
    if _HEAD is None:
        _HEAD = head_revision()
    try:
        if _current_revision(engine) == _HEAD:
            return
        with _migration_lock(engine):
            if _current_revision(engine) == _HEAD:
                return
            with engine.connect() as conn:
                conn.execution_options(mw_write=True)
                with conn.begin():
                    command.upgrade(_alembic_config(conn), "head")
    except sa.exc.OperationalError as exc:
        raise MergerwatchError(f"cannot open the database {engine.url!r}: {exc.orig}") from None
