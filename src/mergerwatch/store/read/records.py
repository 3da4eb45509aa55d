"""Whole records in the ``--json`` shape, by id (with parties, events and the extras put back), and the filing an id,
an alternate id or a case reference names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mergerwatch.store.extra_codec import full_extra, shortened
from mergerwatch.store.read.base import ReaderBase
from mergerwatch.store.read.columns import (
    EVENT_COLS,
    FILING_COLS,
    FILING_FROM,
    chunks,
    event_record,
    filing_record,
    json_value,
)

if TYPE_CHECKING:  # the typed records are for reading the code: nothing to load
    from mergerwatch.core.records import EventRecord, FilingRecord


class RecordsMixin(ReaderBase):
    def filing_records(self, ids: Sequence[str], with_events: bool = True) -> list[FilingRecord]:
        """Records in the ``--json`` shape (core/records.py), in the order of ``ids``; without ``with_events`` they
        carry no "events" key."""
        if not ids:
            return []
        out: dict[str, FilingRecord] = {}
        history: dict[str, list[tuple[str, str, int, EventRecord]]] = {}  # id -> (date, observed, event id, event)
        for chunk in chunks(list(ids)):
            by_pk: dict[int, FilingRecord] = {}
            marks = ", ".join("?" * len(chunk))
            for r in self.rows(f"SELECT {FILING_COLS} FROM {FILING_FROM} WHERE f.id IN ({marks})", chunk):
                out[r[1]] = by_pk[r[0]] = filing_record(r)
            pks = list(by_pk)
            if not pks:
                continue
            pmarks = ", ".join("?" * len(pks))
            sql = f"SELECT filing_pk, name, role FROM parties WHERE filing_pk IN ({pmarks}) "
            sql += "ORDER BY filing_pk, position"
            for fpk, name, role in self.rows(sql, pks):
                by_pk[fpk]["parties"].append(dict(name=name, role=role))
            for rec in by_pk.values():
                if shortened(rec["source"], rec["extra"]):
                    targets = [p["name"] for p in rec["parties"] if p["role"] == "target"]
                    rec["extra"] = full_extra(rec["source"], rec["extra"], rec["case_ref"], targets)
            if with_events:
                sql = f"SELECT {EVENT_COLS} FROM status_events WHERE filing_pk IN ({pmarks}) ORDER BY filing_pk, id"
                for e in self.rows(sql, pks):
                    rec = by_pk[e[0]]
                    eid, ev = event_record(e, rec["url"], rec.get("first_seen") or "")
                    history.setdefault(rec["id"], []).append((ev["date"] or "", ev["observed_at"] or "", eid, ev))
        recs = [out[i] for i in ids if i in out]
        for r in recs:
            if with_events:
                r["events"] = [ev for *_key, ev in sorted(history.get(r["id"], []), key=lambda x: x[:3])]
            else:
                del r["events"]  # type: ignore[misc]
        return recs

    def find_filing_id(self, ident: str) -> str | None:
        """``show`` accepts the stable id, a source's own id (``source:id``) or an alternate id, or a case
        reference: of the filings it names, the one that says most (a decided status over an undetermined one,
        then the newest), as a French decision's outcome over its announcement."""
        if self.rows("SELECT id FROM filings WHERE id = ?", [ident]):
            return ident
        if ":" in ident:
            src, sid = ident.split(":", 1)
            cond, params = self.of_source(src)
            for fid, alt in self.rows(f"SELECT id, alt_ids FROM filings WHERE {cond}", params):
                if sid in (json_value(alt) or []):
                    return str(fid)
        rows = self.rows("SELECT id, status, status_date FROM filings WHERE case_ref = ?", [ident])
        if not rows:
            return None
        return str(max(rows, key=lambda r: (r[1] != "unknown", r[2] or "", r[0]))[0])
