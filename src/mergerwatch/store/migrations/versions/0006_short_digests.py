"""shorter digests: content hash 128 bits, event key 64 bits, match key 96 bits

A filing kept its content digest in 64 hex digits and its cross-surface match key as the readable key itself
("20000000|2026-09-29|vorroner kirin|phasol mibrasto", indexed); an event its key in 32. The store now keeps 32,
16 and 24 hex digits (a match key as the first 24 digits of its SHA-256): enough to tell versions, one filing's
events and one source's notices apart, 120 bytes less per filing with their indexes. The stored values are cut
(or, for match keys, digested) here the way the store now computes them, so nothing looks changed next time.

Revision ID: 0006
Revises: 0005
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE filings SET content_hash = substr(content_hash, 1, 32) WHERE length(content_hash) > 32")
    op.execute("UPDATE status_events SET event_key = substr(event_key, 1, 16) WHERE length(event_key) > 16")
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT pk, match_key FROM filings WHERE match_key IS NOT NULL")).all()
    digests = [{"pk": pk, "mk": hashlib.sha256(mk.encode()).hexdigest()[:24]} for pk, mk in rows]
    if digests:
        conn.execute(sa.text("UPDATE filings SET match_key = :mk WHERE pk = :pk"), digests)


def downgrade() -> None:
    raise NotImplementedError("a match key digest cannot be turned back into the key")
