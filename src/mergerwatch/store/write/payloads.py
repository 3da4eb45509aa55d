"""Raw payloads as fetched (compressed, secrets redacted), each with how its last parse went: what ``reparse`` reads
again and what a failed parse leaves behind."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from mergerwatch.core.payload import Payload
from mergerwatch.core.redaction import redact, redact_bytes, redact_url
from mergerwatch.store import schema as t
from mergerwatch.store.write.rows import compress_body, iso
from mergerwatch.store.write.sql import chunks, placeholder, sqlite_cursor


class PayloadsMixin:
    """Store methods for raw payloads (write/store.py composes them)."""

    engine: sa.Engine

    def save_payload(
        self,
        p: Payload,
        status: str = "pending",
        error: str | None = None,
        records: int | None = None,
        body_zlib: bytes | None = None,
    ) -> int:
        """Keep the payload as fetched (compressed) with how its parse went; the same bytes are kept once.
        A secret a server echoed back (an error page quoting the key) is redacted before it is stored.
        ``body_zlib``: the body compressed already (by the worker that parsed it), used when nothing was redacted.
        Through the driver: 600 payloads of an ingest cost a tenth of a second more through Core."""
        body = redact_bytes(p.body)
        sha = p.sha256 if body is p.body else hashlib.sha256(body).hexdigest()
        error = redact(error) if error else error
        with self.write() as conn:
            mark = placeholder(conn.dialect)
            cur = sqlite_cursor(conn) if self.dialect == "sqlite" else None
            found, key = f"SELECT id FROM raw_payloads WHERE source = {mark} AND sha256 = {mark}", (p.source, sha)
            row = (cur.execute(found, key) if cur else conn.exec_driver_sql(found, key)).fetchone()
            if row:
                conn.exec_driver_sql(
                    f"UPDATE raw_payloads SET parse_status = {mark}, parse_error = {mark}, records = {mark} "
                    f"WHERE id = {mark}",
                    (status, error, records, row[0]),
                )
                return int(row[0])
            values = {
                "source": p.source,
                "kind": p.kind,
                "url": redact_url(p.url),
                "fetched_at": iso(p.fetched_at),
                "sha256": sha,
                "content_type": p.content_type or "",
                "http_status": p.status,
                "size": len(body),
                "body_zlib": body_zlib if body_zlib is not None and body is p.body else compress_body(body),
                "parse_status": status,
                "parse_error": error,
                "records": records,
            }
            sql = f"INSERT INTO raw_payloads ({', '.join(values)}) VALUES ({', '.join([mark] * len(values))})"
            if cur:
                return int(cur.execute(sql, tuple(values.values())).lastrowid)
            return int(conn.exec_driver_sql(sql + " RETURNING id", tuple(values.values())).scalar_one())

    def payloads(self, source: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
        q = sa.select(
            t.raw_payloads.c.id,
            t.raw_payloads.c.source,
            t.raw_payloads.c.kind,
            t.raw_payloads.c.url,
            t.raw_payloads.c.fetched_at,
            t.raw_payloads.c.sha256,
            t.raw_payloads.c.size,
            t.raw_payloads.c.parse_status,
            t.raw_payloads.c.records,
            t.raw_payloads.c.parse_error,
        ).order_by(t.raw_payloads.c.id)
        if source:
            q = q.where(t.raw_payloads.c.source == source)
        if status:
            q = q.where(t.raw_payloads.c.parse_status == status)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def drop_payloads(self, ids: Sequence[int]) -> int:
        """Delete raw payloads (``reparse --drop-failed``); nothing refers to them by key."""
        n = 0
        with self.write() as conn:
            for chunk in chunks(list(ids)):
                n += int(conn.execute(t.raw_payloads.delete().where(t.raw_payloads.c.id.in_(chunk))).rowcount or 0)
        return n

    def payload(self, raw_id: int) -> Payload:
        """A stored payload as it was fetched. One whose last parse was accepted with no records (a filing without
        HSR wording, an empty page the request allowed) may parse to none again: what was accepted stays accepted."""
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(t.raw_payloads).where(t.raw_payloads.c.id == raw_id)).one()
        return Payload(
            source=r.source,
            url=r.url,
            body=zlib.decompress(r.body_zlib),
            fetched_at=datetime.fromisoformat(r.fetched_at),
            content_type=r.content_type,
            status=r.http_status,
            kind=r.kind,
            expect_records=not (r.parse_status == "ok" and r.records == 0),
        )
