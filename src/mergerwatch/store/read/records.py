"""Whole records in the ``--json`` shape, by id (with parties, events and the extras put back), and the filing an id,
an alternate id or a case reference names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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


class RecordsMixin(ReaderBase):
    def filing_records(self, ids: Sequence[str], with_events: bool = True) -> list[dict[str, Any]]:
        """Records in the CLI's ``--json`` shape, in the order of ``ids``."""
        if not ids:
            return []
        out: dict[str, dict[str, Any]] = {}
        for chunk in chunks(list(ids)):
            by_pk: dict[int, dict[str, Any]] = {}
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
                by_pk[fpk]["parties"].append({"name": name, "role": role})
            for rec in by_pk.values():
                if shortened(rec["source"], rec["extra"]):
                    targets = [p["name"] for p in rec["parties"] if p["role"] == "target"]
                    rec["extra"] = full_extra(rec["source"], rec["extra"], rec["case_ref"], targets)
            if with_events:
                sql = f"SELECT {EVENT_COLS} FROM status_events WHERE filing_pk IN ({pmarks}) ORDER BY filing_pk, id"
                for e in self.rows(sql, pks):
                    rec = by_pk[e[0]]
                    rec["events"].append(event_record(e, rec["url"], rec["first_seen"]))
        recs = [out[i] for i in ids if i in out]
        for r in recs:
            r["events"].sort(key=lambda e: (e["date"] or "", e["observed_at"], e["_id"]))
            for e in r["events"]:
                e.pop("_id", None)
            if not with_events:
                r.pop("events")
        return recs

    def find_filing_id(self, ident: str) -> str | None:
        """``show`` accepts the stable id, a source's own id (``source:id``) or an alternate id, or a case
        reference that names one filing."""
        if self.rows("SELECT id FROM filings WHERE id = ?", [ident]):
            return ident
        if ":" in ident:
            src, sid = ident.split(":", 1)
            cond, params = self.of_source(src)
            for fid, alt in self.rows(f"SELECT id, alt_ids FROM filings WHERE {cond}", params):
                if sid in (json_value(alt) or []):
                    return str(fid)
        rows = self.rows("SELECT id FROM filings WHERE case_ref = ?", [ident])
        return str(rows[0][0]) if len(rows) == 1 else None
