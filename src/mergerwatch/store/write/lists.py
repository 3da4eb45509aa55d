"""What a user keeps in a store beside the records: aliases (one company by several names)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from mergerwatch.core.names import normalise_name
from mergerwatch.store import schema as t
from mergerwatch.store.write.sql import now_iso


class ListsMixin:
    """Store methods for the user's lists (write/store.py composes them)."""

    engine: sa.Engine

    def add_alias(self, name: str, alias: str, reason: str | None) -> None:
        with self.write() as conn:
            conn.execute(
                t.aliases.delete().where(
                    t.aliases.c.name_norm == normalise_name(name).key,
                    t.aliases.c.alias_norm == normalise_name(alias).key,
                )
            )
            conn.execute(
                t.aliases.insert().values(
                    name=name,
                    alias=alias,
                    name_norm=normalise_name(name).key,
                    alias_norm=normalise_name(alias).key,
                    reason=reason,
                    created_at=now_iso(),
                )
            )

    def remove_alias(self, name: str, alias: str | None) -> int:
        q = t.aliases.delete().where(t.aliases.c.name_norm == normalise_name(name).key)
        if alias:
            q = q.where(t.aliases.c.alias_norm == normalise_name(alias).key)
        with self.write() as conn:
            return int(conn.execute(q).rowcount or 0)

    def aliases(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.select(t.aliases).order_by(t.aliases.c.name))]
