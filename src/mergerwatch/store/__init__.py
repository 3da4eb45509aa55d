"""The store: SQLAlchemy 2 on SQLite by default (any SQLAlchemy URL works), schema managed by Alembic.

Two rooms: ``store.store`` (writes: the upsert, runs, state; SQLAlchemy) and ``store.reader`` (the read-only
query room that ``deal``, ``search``, ``show``, ``list`` and ``stats`` use, straight on the DB-API driver).
Importing this package imports neither: ``Store`` is loaded when first asked for, so the read path never pays
for SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mergerwatch.store.write.store import ImportReport, Store, now_iso

__all__ = ["ImportReport", "Store", "now_iso"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from mergerwatch.store.write import store

        return getattr(store, name)
    raise AttributeError(f"module 'mergerwatch.store' has no attribute {name!r}")
