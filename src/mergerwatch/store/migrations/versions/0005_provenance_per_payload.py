"""provenance once per payload; an event's url only where it is not its filing's

Every filing carried its payload's sha256 and fetch time (96 bytes), every event the sha256 again (64 bytes),
and almost every event repeated its filing's url (90 bytes for an FTC notice): a third of the store. A filing
and an event now name their raw payload by key (payload_id), and the reader takes the sha256 and fetch time from
it; an event's url is NULL when it is its filing's url ('' when it has none).

The payload of a stored filing is found by its sha256, or else (a body stored redacted has another digest) by
its source and fetch time when exactly one payload has them; a filing whose payload is found neither way keeps
no provenance. On SQLite older than 3.35 (no DROP COLUMN) the two retired columns of filings and the one of
status_events stay, emptied: nothing reads them.

Revision ID: 0005
Revises: 0004
"""

import sqlite3

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

RETIRED = (("filings", "fetched_at"), ("filings", "payload_sha256"), ("status_events", "payload_sha256"))


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("filings", sa.Column("payload_id", sa.Integer(), nullable=True))
    op.add_column("status_events", sa.Column("payload_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE filings SET payload_id = (SELECT min(r.id) FROM raw_payloads r "
        "WHERE r.source = filings.source AND r.sha256 = filings.payload_sha256)"
    )
    op.execute(
        "UPDATE filings SET payload_id = (SELECT min(r.id) FROM raw_payloads r "
        "WHERE r.source = filings.source AND r.fetched_at = filings.fetched_at) "
        "WHERE payload_id IS NULL AND fetched_at IS NOT NULL AND (SELECT count(*) FROM raw_payloads r "
        "WHERE r.source = filings.source AND r.fetched_at = filings.fetched_at) = 1"
    )
    # An event names the payload by its digest, unique within its filing's source (uq_raw_source_sha, by which
    # the lookup is an index seek).
    op.execute(
        "UPDATE status_events SET payload_id = (SELECT min(r.id) FROM raw_payloads r "
        "WHERE r.source = (SELECT f.source FROM filings f WHERE f.pk = status_events.filing_pk) "
        "AND r.sha256 = status_events.payload_sha256) WHERE payload_sha256 IS NOT NULL"
    )
    op.execute("UPDATE status_events SET url = '' WHERE url IS NULL")
    op.execute(
        "UPDATE status_events SET url = NULL "
        "WHERE url = (SELECT f.url FROM filings f WHERE f.pk = status_events.filing_pk)"
    )
    if bind.dialect.name != "sqlite" or sqlite3.sqlite_version_info >= (3, 35):
        for table, column in RETIRED:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        for table, column in RETIRED:
            op.execute(f"UPDATE {table} SET {column} = NULL")


def downgrade() -> None:
    raise NotImplementedError("mergerwatch does not go back to per-filing provenance")
