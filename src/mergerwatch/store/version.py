"""The schema this mergerwatch writes and reads: the newest migration it knows. Read on every open with one query,
so alembic is imported only when a migration really runs (tests/test_store_open.py checks it against the scripts)."""

HEAD_REVISION = "0010"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010")
