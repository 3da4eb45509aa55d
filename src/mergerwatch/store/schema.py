"""The store's tables (SQLAlchemy Core). Alembic migrations in ``migrations/`` create and change them.

Times are ISO 8601 strings in UTC and dates ISO strings: they sort as text and read back the same on
SQLite and PostgreSQL (SQLite has no time-zone-aware type).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

raw_payloads = sa.Table(
    "raw_payloads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False, server_default=""),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("fetched_at", sa.String(40), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("content_type", sa.String(200), nullable=False, server_default=""),
    sa.Column("http_status", sa.Integer, nullable=False, server_default="200"),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("body_zlib", sa.LargeBinary, nullable=False),
    # pending -> ok | error; an errored payload is kept so a fixed parser can read it again
    sa.Column("parse_status", sa.String(16), nullable=False, server_default="pending"),
    sa.Column("parse_error", sa.Text),
    sa.Column("records", sa.Integer),
    sa.UniqueConstraint("source", "sha256", name="uq_raw_source_sha"),
)

filings = sa.Table(
    "filings",
    metadata,
    # A small integer key for the child tables: their indexes then grow at the end instead of at random
    # places (the stable id is a UUID for most sources), which halves the pages a batch writes.
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(200), nullable=False),
    sa.Column("source", sa.String(64), nullable=False),
    # '' (0009): the source's own id is read from id, "<source>:<source_id>" (36 bytes of an FTC notice). The
    # column stays because SQLite before 3.35 cannot drop a column without copying the table.
    sa.Column("source_id", sa.String(160), nullable=False),
    sa.Column("authority", sa.String(16), nullable=False),
    sa.Column("jurisdiction", sa.String(8), nullable=False),
    sa.Column("case_ref", sa.String(120)),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("status_raw", sa.Text, nullable=False),
    sa.Column("status_date", sa.String(10)),
    sa.Column("detail", sa.String(80)),
    # '' for the source's own url of the record (catalog.URL_PREFIXES: full_url), NULL for none
    sa.Column("url", sa.Text),
    sa.Column("deadline", sa.String(10)),
    sa.Column("published_at", sa.String(40)),
    sa.Column("updated_at", sa.String(40)),
    sa.Column("match_key", sa.String(400)),
    sa.Column("alt_ids", sa.JSON, nullable=False),
    sa.Column("extra", sa.JSON, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("first_seen", sa.String(40), nullable=False),
    sa.Column("last_changed", sa.String(40), nullable=False),  # '' while it is first_seen (never changed)
    # Provenance once per payload: the raw payload this version was read from (its sha256 and fetch time are
    # there). No foreign key: only payloads that gave no records are ever deleted (reparse --drop-failed).
    sa.Column("payload_id", sa.Integer),
    sa.Column("parser_version", sa.String(40), nullable=False),
    # 1 when the filing has something to tell statistics beyond its headline (reader.TELLS_SQL): an extra naming
    # one of the fact keys, or a notification or phase event. Kept by the store on every write so that `stats`
    # counts the plain majority (every FTC notice) from one covering index instead of reading the table.
    sa.Column("tells", sa.SmallInteger, nullable=False, server_default="0"),
    # id is "<source>:<source_id>", so it is also the unique key of (source, source_id)
    sa.UniqueConstraint("id", name="uq_filings_id"),
    sa.Index("ix_filings_case_ref", "case_ref"),
    # No index on source (0010): id begins with it, so a SQLite store counts a source's records on the index of id
    # (reader.counts_by_source), and 33 bytes a filing are saved.
    sa.Index("ix_filings_match_key", "match_key"),
)
# Dates descending: a backfill reads the authorities' lists newest first, so each notice lands at the end of these
# indexes instead of before the last one, where every page split left half a page empty (66 bytes a filing).
sa.Index("ix_filings_authority_date", filings.c.authority, filings.c.status_date.desc())  # list --authority X
sa.Index(  # stats, covering
    "ix_filings_stats",
    filings.c.tells,
    filings.c.authority,
    filings.c.status,
    filings.c.detail,
    filings.c.status_date.desc(),
)

parties = sa.Table(
    "parties",
    metadata,
    # Clustered on (filing, position) on SQLite: one B-tree that grows at its end, no separate row ids.
    sa.Column("filing_pk", sa.Integer, sa.ForeignKey("filings.pk", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("norm", sa.String(400), nullable=False),
    sa.Column("legal_form", sa.String(80), nullable=False, server_default=""),
    # Exact names. Not on a SQLite store with the FTS5 name index (0009): there the parties holding a name's words
    # are found in that index and their norm compared (103 bytes a filing, a sixth of an ingest's index writes).
    sa.Index("ix_parties_norm", "norm"),
    sqlite_with_rowid=False,
)

# Inverted index of name tokens -> (filing, party position), the blocking step of fuzzy matching.
name_tokens = sa.Table(
    "name_tokens",
    metadata,
    # Keyed by token first and stored WITHOUT ROWID on SQLite: the table is its own covering index for blocking.
    # No index by filing: a changed filing's tokens are deleted by their full key, computed from its old names.
    # No foreign key either: this is a derived index of parties.norm, and the check cost a fifth of its writes.
    sa.Column("token", sa.String(80), primary_key=True),
    sa.Column("filing_pk", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sqlite_with_rowid=False,
)

status_events = sa.Table(
    "status_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("filing_pk", sa.Integer, sa.ForeignKey("filings.pk", ondelete="CASCADE"), nullable=False),
    sa.Column("event_key", sa.String(40), nullable=False),  # digest of status, words and key dates
    sa.Column("status", sa.String(32)),  # NULL = informational
    sa.Column("status_raw", sa.Text, nullable=False),
    sa.Column("detail", sa.String(80)),
    sa.Column("event_date", sa.String(10)),
    sa.Column("deadline", sa.String(10)),
    # Not written since 0009 (NULL): nothing read it, and the raw payload the event came from holds it.
    sa.Column("published_at", sa.String(40)),
    # '' (0010) for "structured", what nearly every event is; "text" where matched in prose
    sa.Column("basis", sa.String(16), nullable=False, server_default="structured"),
    # NULL: the filing's own url (most events); '': none; otherwise the event's own document.
    sa.Column("url", sa.Text),
    # '' (0010): observed with its filing, at the filing's first_seen (an event of a new filing; first_seen never
    # changes). Events observed later hold their own time.
    sa.Column("observed_at", sa.String(40), nullable=False),
    sa.Column("payload_id", sa.Integer),  # the raw payload the event was read from
    sa.UniqueConstraint("filing_pk", "event_key", name="uq_event_key"),  # also serves lookups by filing
)

# Where the events observed at a time begin: no event observed at ``observed_at`` has an id below
# ``first_event_id``. `changes --since` reads events from the smallest such id of the times since its cut-off, by
# the events' primary key, instead of keeping an index of every event's observation time (46 bytes a filing). Each
# write of events adds its time's row, with the id the next event gets, if the time has none yet (store.py).
event_marks = sa.Table(
    "event_marks",
    metadata,
    sa.Column("observed_at", sa.String(40), primary_key=True),
    sa.Column("first_event_id", sa.Integer, nullable=False),
    sqlite_with_rowid=False,
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", sa.String(40), nullable=False),
    sa.Column("finished_at", sa.String(40)),
    sa.Column("status", sa.String(16), nullable=False),  # running, ok, partial, failed
    sa.Column("pid", sa.Integer),
    sa.Column("host", sa.String(200)),
    sa.Column("options", sa.JSON, nullable=False),
)

run_sources = sa.Table(
    "run_sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("started_at", sa.String(40), nullable=False),
    sa.Column("finished_at", sa.String(40)),
    sa.Column("ok", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("payloads", sa.Integer, nullable=False, server_default="0"),
    sa.Column("records", sa.Integer, nullable=False, server_default="0"),
    sa.Column("inserted", sa.Integer, nullable=False, server_default="0"),
    sa.Column("updated", sa.Integer, nullable=False, server_default="0"),
    sa.Column("unchanged", sa.Integer, nullable=False, server_default="0"),
    sa.Column("events", sa.Integer, nullable=False, server_default="0"),
    sa.Column("errors", sa.Integer, nullable=False, server_default="0"),
    sa.Column("error_text", sa.Text),
    sa.Column("notes", sa.JSON, nullable=False),
    sa.Index("ix_run_sources_source", "source"),
)

source_state = sa.Table(
    "source_state",
    metadata,
    sa.Column("source", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text),
    sa.Column("updated_at", sa.String(40), nullable=False),
)

http_validators = sa.Table(
    "http_validators",
    metadata,
    sa.Column("url", sa.String(1000), primary_key=True),
    sa.Column("etag", sa.String(400)),
    sa.Column("last_modified", sa.String(100)),
    sa.Column("updated_at", sa.String(40), nullable=False),
)

aliases = sa.Table(
    "aliases",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("alias", sa.Text, nullable=False),
    sa.Column("name_norm", sa.String(400), nullable=False),
    sa.Column("alias_norm", sa.String(400), nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.UniqueConstraint("name_norm", "alias_norm", name="uq_alias_pair"),
)

watches = sa.Table(
    "watches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("label", sa.Text, nullable=False, unique=True),
    sa.Column("names", sa.JSON, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
)

alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("watch_id", sa.Integer, sa.ForeignKey("watches.id", ondelete="CASCADE"), nullable=False),
    sa.Column("event_id", sa.Integer, sa.ForeignKey("status_events.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("delivered_at", sa.String(40)),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.UniqueConstraint("watch_id", "event_id", name="uq_alert_watch_event"),
)

locks = sa.Table(
    "locks",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("host", sa.String(200), nullable=False),
    sa.Column("acquired_at", sa.String(40), nullable=False),
)
