"""What changed since a time: status events observed since then, newest first, grouped by deal (the parties'
acquirer / target), for a morning e-mail and for the alerts of watched deals."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mergerwatch.core.vocabulary import status_label
from mergerwatch.store.read.columns import OBSERVED_SINCE_SQL
from mergerwatch.store.read.reader import as_reader

if TYPE_CHECKING:  # the typed records are for reading the code: nothing to load
    from mergerwatch.core.records import ChangeGroup


def changes(db: Any, since: datetime) -> list[ChangeGroup]:
    """Status changes observed since ``since``, newest first, grouped by deal (shared acquirer/target)."""
    rd = as_reader(db)
    cutoff = since.astimezone(UTC).isoformat(timespec="microseconds")
    rows = rd.events_since(cutoff)
    party_rows = rd.party_rows(sorted({r["filing_pk"] for r in rows}))
    parties: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for p in party_rows:
        parties[p[0]].append(p)
    groups: dict[str, ChangeGroup] = {}
    for r in rows:
        ps = parties.get(r["filing_pk"], [])
        acq = next((p for p in ps if p[2] == "acquirer"), None)
        tgt = next((p for p in ps if p[2] == "target"), None)
        key = " / ".join(p[3] for p in (acq, tgt) if p) or r["filing_id"]
        label = " / ".join(p[1] for p in (acq, tgt) if p) or r["title"]
        g = groups.setdefault(key, {"deal": label, "changes": []})
        g["changes"].append(
            {
                "filing_id": r["filing_id"],
                "authority": r["authority"],
                "case_ref": r["case_ref"],
                "title": r["title"],
                "status": r["status"],
                "status_label": status_label(r["status"], r["detail"]),
                "detail": r["detail"],
                "status_raw": r["status_raw"],
                "date": r["event_date"],
                "deadline": r["deadline"],
                "observed_at": r["observed_at"],
                "url": r["url"],
                "current_status": r["current_status"],
            }
        )
    return list(groups.values())


def events_observed_since(db: Any, observed_from: str) -> dict[str, list[int]]:
    """Filing id -> ids of the events first observed at or after ``observed_from``."""
    rows = as_reader(db).rows(
        f"SELECT f.id, e.id FROM status_events e JOIN filings f ON f.pk = e.filing_pk WHERE {OBSERVED_SINCE_SQL}",
        [observed_from, observed_from],
    )
    out: dict[str, list[int]] = defaultdict(list)
    for fid, eid in rows:
        out[fid].append(eid)
    return out
