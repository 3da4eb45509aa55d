"""What a user keeps in a store beside the records: aliases (one company by several names) and watches (deals,
companies and rules whose changes are reported after each refresh)."""

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

    def add_watch(self, names: list[str]) -> str:
        label = " / ".join(n.strip() for n in names)
        with self.write() as conn:
            exists = conn.execute(sa.select(t.watches.c.id).where(t.watches.c.label == label)).first()
            if not exists:
                conn.execute(t.watches.insert().values(label=label, names=names, created_at=now_iso()))
        return label

    def add_rule(self, party: str | None = None, authority: str | None = None, phase: int | None = None) -> str:
        """A follow rule rather than a deal: every filing naming ``party`` (new ones and changes), or every case at
        ``authority`` (any, when not given) that reaches ``phase``."""
        if party:
            rule: dict[str, Any] = {"rule": "party", "party": party.strip()}
            label = f"party: {party.strip()}"
        else:
            rule = {"rule": "cases", "authority": authority.strip().upper() if authority else None, "phase": phase}
            label = f"{rule['authority'] or 'any authority'}: every case" + (
                f" reaching Phase {phase}" if phase else ""
            )
        with self.write() as conn:
            if not conn.execute(sa.select(t.watches.c.id).where(t.watches.c.label == label)).first():
                conn.execute(t.watches.insert().values(label=label, names=rule, created_at=now_iso()))
        return label

    def remove_watch(self, ident: str) -> int:
        with self.write() as conn:
            q = t.watches.delete().where(
                sa.or_(t.watches.c.label == ident, t.watches.c.id == (int(ident) if ident.isdigit() else -1))
            )
            return int(conn.execute(q).rowcount or 0)
