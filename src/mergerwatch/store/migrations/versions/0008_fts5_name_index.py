"""the name index of a SQLite store in FTS5

The blocking step of matching looked words up in name_tokens, a B-tree row per word of every party's name (141
bytes a filing, a fifth of an ingest's inserts). On SQLite with FTS5 the same index is a contentless FTS5 table,
a row per party keyed by filing_pk << 16 | position (32 bytes a filing); store/name_index.py says how a word is
written there. It is filled from parties.norm, whose words the store indexed, and name_tokens is dropped.
PostgreSQL stores, and SQLite builds without FTS5, keep name_tokens.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# store/name_index.py as this revision knows it (a migration does not follow later code).
DDL = (
    "CREATE VIRTUAL TABLE name_index USING fts5(terms, content='', detail=none, columnsize=0, "
    "tokenize=\"unicode61 remove_diacritics 0 tokenchars '_'\")"
)


def _term(token: str) -> str:
    return token if token.isascii() and token.isalnum() else "_" + token.encode().hex()


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    cur = bind.connection.dbapi_connection.cursor()
    if not any(r[0] == "ENABLE_FTS5" for r in cur.execute("PRAGMA compile_options").fetchall()):
        return
    if cur.execute("SELECT 1 FROM sqlite_master WHERE name = 'name_index'").fetchone():
        return  # made by a newer mergerwatch and marked older by hand: nothing to move
    cur.execute(DDL)
    write = bind.connection.dbapi_connection.cursor()
    rows = []
    # Read as a stream and written 10,000 at a time: a store of a million parties is never all in memory.
    for pk, pos, norm in cur.execute("SELECT filing_pk, position, norm FROM parties ORDER BY filing_pk, position"):
        tokens = {t[:80]: None for t in norm.split()}  # matching.index_tokens_of
        if tokens and pos < 1 << 16:
            rows.append(((pk << 16) | pos, " ".join(_term(t) for t in tokens)))
        if len(rows) >= 10_000:
            write.executemany("INSERT INTO name_index (rowid, terms) VALUES (?, ?)", rows)
            rows = []
    write.executemany("INSERT INTO name_index (rowid, terms) VALUES (?, ?)", rows)
    cur.execute("DROP TABLE name_tokens")


def downgrade() -> None:
    raise NotImplementedError("mergerwatch does not go back to the name_tokens table on SQLite")
