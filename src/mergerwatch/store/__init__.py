"""The store: SQLAlchemy 2 on SQLite by default (any SQLAlchemy URL works), schema managed by Alembic.

Two sides: ``store.write`` (the Store: transactions, payloads, the upsert, runs, locks, state, lists; SQLAlchemy) and
``store.read`` (every question the read commands ask, straight on the DB-API driver). Beside them, what both use: the
schema and its migrations, where a store lives (location.py), how it is opened and migrated (db.py), the name index
(name_index.py) and what extras leave out (extra_codec.py). Importing this package imports none of them.
"""
