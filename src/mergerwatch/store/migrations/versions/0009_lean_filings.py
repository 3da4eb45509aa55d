"""lean filings: the source's own id read from the stable id, exact names through the FTS5 name index, shorter
match keys, no copy of the publication time

filings.source_id repeated the tail of filings.id ("<source>:<source_id>"; 36 bytes of an FTC notice): it now
holds '' (the column stays: SQLite before 3.35, still some distributions' system SQLite, can drop a column only by
copying the table, and the copy would cascade-delete every party and event). On a SQLite store with the FTS5 name
index (0008), ix_parties_norm is dropped (103 bytes a filing, a sixth of an ingest's index writes): the parties
holding every word of a name are found in the name index and their norm compared (reader.parties_named).
PostgreSQL stores and SQLite stores without FTS5 keep it. Match keys are cut to 16 hex digits as the store now
makes them (32 bytes with their index), and updated_at is NULL where it only repeated published_at (it is read
as `updated_at or published_at`). New events no longer copy their publication time (nothing read it; the raw
payload holds it); the old ones keep theirs. The file shrinks at the next VACUUM.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE filings SET source_id = '' WHERE source_id <> ''")
    op.execute("UPDATE filings SET match_key = substr(match_key, 1, 16) WHERE length(match_key) > 16")
    op.execute("UPDATE filings SET updated_at = NULL WHERE updated_at = published_at")
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        cur = bind.connection.dbapi_connection.cursor()
        if cur.execute("SELECT 1 FROM sqlite_master WHERE name = 'name_index'").fetchone():
            op.execute("DROP INDEX IF EXISTS ix_parties_norm")


def downgrade() -> None:
    raise NotImplementedError("mergerwatch does not go back to filings.source_id values")
