"""event marks in place of two indexes: events found by observation time through their ids, records per source
counted on the index of ids

ix_events_observed kept every event's observation time a second time (46 bytes a filing): the event_marks table
now says, for each observation time, the smallest id an event observed then can have, and `changes --since`
reads the events from there by their primary key (reader.events_since). ix_filings_source repeated the start of
every filing id (33 bytes a filing): a SQLite store counts a source's records on the index of ids; PostgreSQL
counts them by reading the table. Events written from now on store '' as their observation time when they were
observed with their filing (its first_seen) and '' as their basis when it is "structured"; the rows written before
keep theirs and read the same. The file shrinks at the next VACUUM.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_marks",
        sa.Column("observed_at", sa.String(40), primary_key=True),
        sa.Column("first_event_id", sa.Integer, nullable=False),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO event_marks (observed_at, first_event_id) "
        "SELECT observed_at, min(id) FROM status_events GROUP BY observed_at"
    )
    op.drop_index("ix_events_observed", table_name="status_events")
    op.drop_index("ix_filings_source", table_name="filings")


def downgrade() -> None:
    raise NotImplementedError("mergerwatch does not go back to an index of observation times")
