"""integer filing keys for the child tables

Parties, name tokens and status events referred to their filing by its string id ("<source>:<uuid>"), so
every batch inserted into four indexes at random places. They now refer to ``filings.pk``, a small integer
that grows with each new filing. Parties are keyed by (filing, position) instead of a row id, and name
tokens (a derived index of party names) lose their index by filing and their foreign key (a changed
filing's tokens are deleted by their full key): less to write per name. Every row, id and status event
is kept; alerts keep their event ids.

SQLite cannot change a primary key in place, so there the tables are rebuilt (old ones renamed, new ones
created, rows copied, old ones dropped); PostgreSQL changes them in place.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FILING_COLUMNS = (
    "id, source, source_id, authority, jurisdiction, case_ref, title, status, status_raw, status_date, detail, url, "
    "deadline, published_at, updated_at, match_key, alt_ids, extra, content_hash, first_seen, last_changed, "
    "fetched_at, payload_sha256, parser_version"
)
EVENT_COLUMNS = (
    "event_key, status, status_raw, detail, event_date, deadline, published_at, basis, url, observed_at, payload_sha256"
)

ALERT_COLUMNS = "id, watch_id, event_id, created_at, body, delivered_at, attempts, last_error"
INDEXES = {
    "ix_filings_case_ref": ("filings", "case_ref"),
    "ix_filings_match_key": ("filings", "match_key"),
    "ix_parties_norm": ("parties", "norm"),
    "ix_events_observed": ("status_events", "observed_at"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _upgrade_sqlite()
    else:
        _upgrade_in_place()


def _upgrade_in_place() -> None:
    op.add_column("filings", sa.Column("pk", sa.Integer(), sa.Identity(), nullable=False))
    for table in ("parties", "name_tokens", "status_events"):
        op.add_column(table, sa.Column("filing_pk", sa.Integer(), nullable=True))
        op.execute(f"UPDATE {table} SET filing_pk = filings.pk FROM filings WHERE filings.id = {table}.filing_id")
        # CASCADE: the foreign key, unique constraint, index or primary key built on the old column go with it.
        op.execute(f"ALTER TABLE {table} DROP COLUMN filing_id CASCADE")
        op.alter_column(table, "filing_pk", nullable=False)
    op.drop_constraint("filings_pkey", "filings", type_="primary")
    op.create_primary_key("filings_pkey", "filings", ["pk"])
    op.create_unique_constraint("uq_filings_id", "filings", ["id"])
    for table in ("parties", "status_events"):  # name tokens are a derived index: no foreign key
        op.create_foreign_key(f"{table}_filing_pk_fkey", table, "filings", ["filing_pk"], ["pk"], ondelete="CASCADE")
    op.execute("ALTER TABLE parties DROP COLUMN id")  # (filing, position) is the key now
    op.create_primary_key("parties_pkey", "parties", ["filing_pk", "position"])
    op.create_primary_key("name_tokens_pkey", "name_tokens", ["token", "filing_pk", "position"])
    op.create_unique_constraint("uq_event_key", "status_events", ["filing_pk", "event_key"])


def _upgrade_sqlite() -> None:
    # Index names are global in SQLite: free them for the new tables.
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    # A rename also rewrites the foreign keys that point at the renamed table (SQLite >= 3.26).
    for table in ("alerts", "name_tokens", "parties", "status_events", "filings"):
        op.execute(f"ALTER TABLE {table} RENAME TO old_{table}")

    op.create_table(
        "filings",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.String(length=160), nullable=False),
        sa.Column("authority", sa.String(length=16), nullable=False),
        sa.Column("jurisdiction", sa.String(length=8), nullable=False),
        sa.Column("case_ref", sa.String(length=120), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("status_raw", sa.Text(), nullable=False),
        sa.Column("status_date", sa.String(length=10), nullable=True),
        sa.Column("detail", sa.String(length=80), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("deadline", sa.String(length=10), nullable=True),
        sa.Column("published_at", sa.String(length=40), nullable=True),
        sa.Column("updated_at", sa.String(length=40), nullable=True),
        sa.Column("match_key", sa.String(length=400), nullable=True),
        sa.Column("alt_ids", sa.JSON(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen", sa.String(length=40), nullable=False),
        sa.Column("last_changed", sa.String(length=40), nullable=False),
        sa.Column("fetched_at", sa.String(length=40), nullable=True),
        sa.Column("payload_sha256", sa.String(length=64), nullable=True),
        sa.Column("parser_version", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("id", name="uq_filings_id"),
    )
    op.create_table(
        "name_tokens",
        sa.Column("token", sa.String(length=80), nullable=False),
        sa.Column("filing_pk", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("token", "filing_pk", "position"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "parties",
        sa.Column("filing_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("norm", sa.String(length=400), nullable=False),
        sa.Column("legal_form", sa.String(length=80), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["filing_pk"], ["filings.pk"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("filing_pk", "position"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "status_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("filing_pk", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=True),
        sa.Column("status_raw", sa.Text(), nullable=False),
        sa.Column("detail", sa.String(length=80), nullable=True),
        sa.Column("event_date", sa.String(length=10), nullable=True),
        sa.Column("deadline", sa.String(length=10), nullable=True),
        sa.Column("published_at", sa.String(length=40), nullable=True),
        sa.Column("basis", sa.String(length=16), server_default="structured", nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("observed_at", sa.String(length=40), nullable=False),
        sa.Column("payload_sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["filing_pk"], ["filings.pk"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("filing_pk", "event_key", name="uq_event_key"),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("delivered_at", sa.String(length=40), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["status_events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["watch_id"], ["watches.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("watch_id", "event_id", name="uq_alert_watch_event"),
    )
    # Oldest first, so pk order is the order the filings were first seen.
    op.execute(f"INSERT INTO filings ({FILING_COLUMNS}) SELECT {FILING_COLUMNS} FROM old_filings ORDER BY rowid")
    op.execute(
        "INSERT INTO parties (filing_pk, position, name, role, norm, legal_form) "
        "SELECT f.pk, p.position, p.name, p.role, p.norm, p.legal_form "
        "FROM old_parties p JOIN filings f ON f.id = p.filing_id"
    )
    op.execute(
        "INSERT INTO name_tokens (token, filing_pk, position) "
        "SELECT n.token, f.pk, n.position FROM old_name_tokens n JOIN filings f ON f.id = n.filing_id"
    )
    op.execute(
        f"INSERT INTO status_events (id, filing_pk, {EVENT_COLUMNS}) "
        f"SELECT e.id, f.pk, {', '.join('e.' + c for c in EVENT_COLUMNS.split(', '))} "
        "FROM old_status_events e JOIN filings f ON f.id = e.filing_id"
    )
    op.execute(f"INSERT INTO alerts ({ALERT_COLUMNS}) SELECT {ALERT_COLUMNS} FROM old_alerts")
    # Children before parents, so no foreign key action ever fires on the new tables.
    for table in ("alerts", "name_tokens", "parties", "status_events", "filings"):
        op.execute(f"DROP TABLE old_{table}")
    for name, (table, column) in INDEXES.items():
        op.create_index(name, table, [column])


def downgrade() -> None:
    raise NotImplementedError("mergerwatch does not go back to the string-keyed schema of 0001")
