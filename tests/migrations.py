"""Upgrading a real store of an older schema: shared by the SQLite test and the PostgreSQL one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from mergerwatch.store.db import _alembic_config, create_db_engine, head_revision
from mergerwatch.store.read.columns import tells

from .conftest import name_index_entries

OLD_STORE = Path(__file__).parent / "data" / "store_0001.json"
TABLES = ("filings", "parties", "name_tokens", "status_events", "watches", "alerts")  # parents first


def build_0001_store(url: str) -> dict[str, Any]:
    """A database at revision 0001 holding the rows a 0001 mergerwatch wrote (tests/data/store_0001.json)."""
    data = json.loads(OLD_STORE.read_text())
    engine = create_db_engine(url)
    with engine.connect() as conn:
        conn.execution_options(mw_write=True)
        with conn.begin():
            command.upgrade(_alembic_config(conn), "0001")
            md = sa.MetaData()
            md.reflect(conn)
            for table in TABLES:
                conn.execute(md.tables[table].insert(), data[table])
            if engine.dialect.name == "postgresql":  # explicit ids do not move the sequences
                for table in ("parties", "status_events", "watches", "alerts"):
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
    engine.dispose()
    return data


def schema_differences(engine: sa.Engine) -> list[Any]:
    """What the database holds that schema.py does not declare, or the other way round. A SQLite store with an FTS5
    name index (0008) holds it, and its shadow tables, in place of the name_tokens table schema.py declares, and no
    ix_parties_norm (0009)."""
    from mergerwatch.store.schema import metadata

    with engine.connect() as conn:
        fts = conn.dialect.name == "sqlite" and bool(
            conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'name_index'").first()
        )

        def include(_obj: Any, name: str | None, kind: str, _reflected: bool, _other: Any) -> bool:
            if not fts or name is None:
                return True
            if kind == "index":
                return name != "ix_parties_norm"  # 0009: exact names through the name index
            return not (kind == "table" and name.startswith(("name_index", "name_tokens")))

        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include})
        return list(compare_metadata(ctx, metadata))


def check_upgraded(store: Any, data: dict[str, Any]) -> None:
    """Every filing, party, token, event and alert of the old store is there, linked to the same filing."""
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        for table in TABLES:
            if table == "name_tokens" and conn.dialect.name == "sqlite":
                # 0008: the words of every party, as the old rows held them, in the FTS5 index (where there is one)
                pks = dict(conn.execute(sa.text("SELECT id, pk FROM filings")).all())
                words = name_index_entries(conn.connection.dbapi_connection)
                assert words == sorted((t["token"], pks[t["filing_id"]], t["position"]) for t in data[table])
                continue
            n = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
            assert n == len(data[table]), table
        alert_links = conn.execute(
            sa.text(
                "SELECT a.id, a.event_id, f.id FROM alerts a JOIN status_events e ON e.id = a.event_id "
                "JOIN filings f ON f.pk = e.filing_pk"
            )
        ).all()
    assert schema_differences(store.engine) == []
    old_events = {e["id"]: e for e in data["status_events"]}
    assert sorted(alert_links) == sorted(
        (a["id"], a["event_id"], old_events[a["event_id"]]["filing_id"]) for a in data["alerts"]
    )
    ids = [f["id"] for f in data["filings"]]
    records = {r["id"]: r for r in store.filing_records(ids)}
    assert set(records) == set(ids)
    for fid in ids:
        parties = sorted((p["position"], p["name"], p["role"]) for p in data["parties"] if p["filing_id"] == fid)
        assert [(n, r) for _pos, n, r in parties] == [(p["name"], p["role"]) for p in records[fid]["parties"]]
        events = sorted(
            (e["status_raw"], e["event_date"] or "") for e in data["status_events"] if e["filing_id"] == fid
        )
        assert events == sorted((e["status_raw"], e["date"] or "") for e in records[fid]["events"])
        urls = sorted((e["status_raw"], e["url"] or "") for e in data["status_events"] if e["filing_id"] == fid)
        assert urls == sorted((e["status_raw"], e["url"] or "") for e in records[fid]["events"])  # 0005 kept them
    # 0004 filled filings.tells from what each record holds.
    with store.engine.connect() as conn:
        flags = dict(conn.execute(sa.text("SELECT id, tells FROM filings")).all())
    for fid in ids:
        rec = records[fid]
        assert flags[fid] == tells(rec["extra"], [(e["status"], e["detail"]) for e in rec["events"]]), fid
    assert 0 < sum(flags.values()) < len(flags), "the old store should hold filings of both kinds"
