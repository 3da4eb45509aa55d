"""The store: SQLAlchemy 2 on SQLite by default (any SQLAlchemy URL works), schema managed by Alembic."""

from mergerwatch.store.store import ImportReport, Store, now_iso

__all__ = ["ImportReport", "Store", "now_iso"]
