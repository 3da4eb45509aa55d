"""A store's operations: the refresh lock (one refresh per store; a dead holder on this host is taken over), the run
log per source, the sources' own state (checkpoints, cursors) and the HTTP validators of conditional GETs."""

from __future__ import annotations

import os
import socket
from typing import Any

import sqlalchemy as sa

from mergerwatch.core.errors import LockHeld
from mergerwatch.core.redaction import redact
from mergerwatch.store import schema as t
from mergerwatch.store.write.sql import ImportReport, now_iso


class RunsMixin:
    """Store methods for locks, runs, state and validators (write/store.py composes them)."""

    engine: sa.Engine

    def get_state(self, source: str, key: str) -> str | None:
        with self._read() as conn:
            r = conn.execute(
                sa.select(t.source_state.c.value).where(t.source_state.c.source == source, t.source_state.c.key == key)
            ).first()
        return r[0] if r else None

    def set_state(self, source: str, key: str, value: str | None) -> None:
        with self.write() as conn:
            conn.execute(t.source_state.delete().where(t.source_state.c.source == source, t.source_state.c.key == key))
            if value is not None:
                conn.execute(t.source_state.insert().values(source=source, key=key, value=value, updated_at=now_iso()))

    def get_validators(self, url: str) -> tuple[str | None, str | None]:
        with self._read() as conn:
            r = conn.execute(
                sa.select(t.http_validators.c.etag, t.http_validators.c.last_modified).where(
                    t.http_validators.c.url == url[:1000]
                )
            ).first()
        return (r[0], r[1]) if r else (None, None)

    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self.write() as conn:
            conn.execute(t.http_validators.delete().where(t.http_validators.c.url == url[:1000]))
            conn.execute(
                t.http_validators.insert().values(
                    url=url[:1000], etag=etag, last_modified=last_modified, updated_at=now_iso()
                )
            )

    # --- locks --------------------------------------------------------------------------------

    def acquire_lock(self, name: str = "refresh") -> None:
        """One refresh per database. A lock whose process is gone (same host) is taken over."""
        me = {
            "name": name,
            "owner": f"{socket.gethostname()}:{os.getpid()}",
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "acquired_at": now_iso(),
        }
        for _ in range(2):
            try:
                with self.write() as conn:
                    conn.execute(t.locks.insert().values(**me))
                return
            except sa.exc.IntegrityError:
                with self.engine.connect() as conn:
                    held = conn.execute(sa.select(t.locks).where(t.locks.c.name == name)).first()
                if held is None:
                    continue
                if held.host == me["host"] and not _pid_alive(held.pid):
                    with self.write() as conn:
                        conn.execute(t.locks.delete().where(t.locks.c.name == name, t.locks.c.pid == held.pid))
                    continue
                raise LockHeld(
                    f"another refresh (process {held.pid} on {held.host}, started {held.acquired_at}) "
                    "is running against this database; wait for it or use --wait"
                ) from None
        raise LockHeld("could not take the refresh lock")

    def release_lock(self, name: str = "refresh") -> None:
        with self.write() as conn:
            conn.execute(t.locks.delete().where(t.locks.c.name == name, t.locks.c.pid == os.getpid()))

    # --- runs -----------------------------------------------------------------------------------

    def start_run(self, options: dict[str, Any]) -> int:
        with self.write() as conn:
            # A run left 'running' by a killed process is closed as such.
            conn.execute(
                t.runs.update()
                .where(t.runs.c.status == "running", t.runs.c.host == socket.gethostname())
                .values(status="killed")
            )
            res = conn.execute(
                t.runs.insert().values(
                    started_at=now_iso(), status="running", pid=os.getpid(), host=socket.gethostname(), options=options
                )
            )
            return int(res.inserted_primary_key[0])

    def finish_run(self, run_id: int, status: str) -> None:
        with self.write() as conn:
            conn.execute(t.runs.update().where(t.runs.c.id == run_id).values(status=status, finished_at=now_iso()))

    def record_source_run(
        self,
        run_id: int,
        source: str,
        started_at: str,
        ok: bool,
        payloads: int,
        records: int,
        report: ImportReport,
        errors: list[str],
        notes: list[str],
    ) -> None:
        with self.write() as conn:
            conn.execute(
                t.run_sources.insert().values(
                    run_id=run_id,
                    source=source,
                    started_at=started_at,
                    finished_at=now_iso(),
                    ok=ok,
                    payloads=payloads,
                    records=records,
                    inserted=report.inserted,
                    updated=report.updated,
                    unchanged=report.unchanged,
                    events=report.events,
                    errors=len(errors),
                    error_text=redact("\n".join(errors)) or None,
                    notes=[redact(n) for n in notes],
                )
            )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
