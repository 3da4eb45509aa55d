"""The upsert: a batch of records in one transaction, each inserted, updated or unchanged by the documented
precedence (docs/decisions), its history appended only when status, words or a key date changed. Three ways in: records
parsed here (import_filings), records a worker prepared that are all new (import_new), and records a reparse found
as the store holds them (import_unchanged, nothing written)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mergerwatch.core.registry import full_url
from mergerwatch.store import schema as t
from mergerwatch.store.extra_codec import full_extra, repeats, stored_extra
from mergerwatch.store.read.columns import TELLS_SQL, json_value
from mergerwatch.store.write.rows import (
    CheckedFiling,
    PreparedFiling,
    as_stored,
    event_rows,
    filing_row,
    match_digest,
    party_rows,
    precedence,
    precedence_key,
    target_names,
)
from mergerwatch.store.write.sql import ImportReport, now_iso, select_in

if TYPE_CHECKING:  # the read path never builds records: pydantic stays out of it
    from mergerwatch.core.model import Filing


class UpsertMixin:
    """Store methods that import records (write/store.py composes them; rows_io.py writes the rows)."""

    name_index: bool
    dialect: str

    def import_filings(
        self,
        filings: Iterable[Filing],
        observed_at: str | None = None,
        match_key: Any = None,
        payload_id: int | None = None,
    ) -> ImportReport:
        """Upsert one batch in one transaction. ``match_key(filing)`` finds the same record seen on
        another surface of the same source (it is then merged into that filing, never duplicated).
        ``payload_id``: the saved raw payload the batch was read from (save_payload), its provenance."""
        observed = observed_at or now_iso()
        batch = list({f.id: f for f in filings}.values())  # last one wins inside a batch
        report = ImportReport()
        if not batch:
            return report
        keys = {f.id: match_digest(match_key(f)) for f in batch} if match_key else {}
        with self.write() as conn:
            existing = self._load_existing(conn, batch, keys)
            inserts: list[dict[str, Any]] = []  # entries of filings new in this batch
            updates: dict[int, dict[str, Any]] = {}  # pk -> entry of a stored filing that changed
            history: dict[int, dict[str, Any]] = {}  # pk -> entry of a stored filing that only gains events
            for f in batch:
                mk = keys.get(f.id)
                old = existing.get(f.id) or (existing.get(("mk", mk)) if mk else None)
                if old is None:
                    alt = sorted(set(f.alt_ids))
                    row = filing_row(f, f.id, mk, f.extra, alt, observed, payload_id)
                    entry = {"pk": None, "id": f.id, "content_hash": row["content_hash"], "alt_ids": alt}
                    entry["precedence"] = precedence(f, row["content_hash"])
                    entry.update(extra=f.extra, url=row["url"], row=row, filing=f, events=f.all_events())
                    inserts.append(entry)
                    existing[f.id] = entry
                    if mk:
                        existing[("mk", mk)] = entry  # the same notice on another surface later in this batch
                    report.inserted += 1
                    report.actions.append((f.id, "insert"))
                    continue
                fid = old["id"]
                alt_set = set(old["alt_ids"] or []) | set(f.alt_ids)
                if fid != f.id:
                    alt_set.add(f.source_id)
                alt = sorted(alt_set)
                own = precedence(f)
                if own < old["precedence"]:
                    # An observation older than what is stored (a search result behind the dump, a re-read old
                    # file) never replaces it: it only adds facts the record lacks, its ids and its events.
                    extra = {**f.extra, **(old["extra"] or {})}
                    changes: dict[str, Any] = {}
                    if alt != sorted(old["alt_ids"] or []):
                        changes["alt_ids"] = alt
                    if extra != (old["extra"] or {}):
                        changes["extra"] = extra
                    if changes:
                        old.update(changes)
                        if old["pk"] is not None:
                            vals = dict(changes)
                            if "extra" in vals and "targets" in old:  # its stored parties stay as they are
                                vals["extra"] = stored_extra(old["source"], extra, old["case_ref"], old["targets"])
                            conn.execute(t.filings.update().where(t.filings.c.pk == old["pk"]).values(**vals))
                        elif "row" in old:  # new in this batch: not written yet
                            old["row"].update(changes)
                        report.updated += 1
                        report.actions.append((fid, "update"))
                    else:
                        report.unchanged += 1
                        report.actions.append((fid, "no-change"))
                    old["events"] = [*old.get("events", []), *f.all_events()]
                    if old["pk"] is not None:
                        history.setdefault(old["pk"], old)
                    else:
                        old["recount"] = True  # new in this batch, its tells made from its first observation
                    continue
                if own == old["precedence"] and alt == sorted(old["alt_ids"] or []):
                    report.unchanged += 1  # the same observation again
                    report.actions.append((fid, "no-change"))
                    continue
                extra = {**(old["extra"] or {}), **f.extra}
                merged = f.model_copy(update={"extra": extra}) if extra != f.extra else f
                # The stored digest is the winning observation's own: the next time it is seen it is recognised.
                row = filing_row(merged, fid, mk, extra, alt, observed, payload_id, url=merged.url or old["url"])
                row["content_hash"] = own[-1]
                report.updated += 1
                report.actions.append((fid, "update"))
                old.update(content_hash=own[-1], alt_ids=alt, extra=extra, row=row, filing=merged, precedence=own)
                # Events of every version seen in this batch are history (duplicates are dropped by key).
                old["events"] = [*old.get("events", []), *merged.all_events()]
                if old["pk"] is not None:
                    updates[old["pk"]] = old
                else:
                    old["recount"] = True
            self._insert_new(conn, inserts)
            for pk in updates:
                history.pop(pk, None)
            known = self._event_keys(conn, [*updates, *history]) if updates or history else {}
            for pk, entry in updates.items():
                stored = as_stored(entry["row"], new=False, targets=target_names(entry["filing"]))
                vals = {k: v for k, v in stored.items() if k not in ("id", "first_seen")}
                if entry["row"]["url"] != entry["url"]:  # both in full (vals holds the stored form)
                    # Stored events that said "the filing's url" keep the url they were seen with.
                    conn.execute(
                        t.status_events.update()
                        .where(t.status_events.c.filing_pk == pk, t.status_events.c.url.is_(None))
                        .values(url=entry["url"] or "")
                    )
                conn.execute(t.filings.update().where(t.filings.c.pk == pk).values(**vals))
            if updates:
                self._delete_parties(conn, list(updates))
            changed = [*inserts, *updates.values()]
            self._insert_parties(conn, [(e["pk"], *party_rows(e["filing"], self.name_index)) for e in changed])
            new_pks = {e["pk"] for e in inserts}
            events = [
                (e["pk"], *ev, "" if e["pk"] in new_pks else observed, payload_id)  # '': its first_seen
                for e in [*changed, *history.values()]
                for ev in event_rows(
                    e["events"], known.get(e["pk"], set()), e["row"]["url"] if "row" in e else e["url"]
                )
            ]
            self._insert_events(conn, events, observed)
            report.events += len(events)
            self._recount_tells(conn, [*updates, *history, *(e["pk"] for e in inserts if e.get("recount"))])
        return report

    def import_new(
        self, prepared: list[PreparedFiling], observed_at: str | None = None, payload_id: int | None = None
    ) -> ImportReport | None:
        """Insert a batch of records the store does not hold yet from what ``prepare`` made of them: the rows
        import_filings writes for new records, made elsewhere (a worker process, while this one writes). None, with
        nothing written, when the batch is not all new (an id or a match key the store or the batch itself holds
        already): the caller then imports the records themselves with import_filings."""
        ids = [p.id for p in prepared]
        mks = [p.match_key for p in prepared if p.match_key]
        if len(set(ids)) != len(ids) or len(set(mks)) != len(mks):
            return None
        observed = observed_at or now_iso()
        with self.write() as conn:
            if select_in(conn, "SELECT 1 FROM filings WHERE id IN ({})", ids):
                return None
            if mks and select_in(conn, "SELECT 1 FROM filings WHERE match_key IN ({})", mks):
                return None
            pks = self._insert_prepared(conn, [p.row for p in prepared], observed, payload_id)
            pairs = list(zip(pks, prepared, strict=True))
            self._insert_parties(conn, [(pk, p.parties, p.words) for pk, p in pairs])
            events = [(pk, *ev, "", payload_id) for pk, p in pairs for ev in p.events]  # '': its first_seen
            self._insert_events(conn, events, observed)
        return ImportReport(inserted=len(ids), events=len(events), actions=[(i, "insert") for i in ids])

    def import_unchanged(self, checked: list[CheckedFiling]) -> ImportReport | None:
        """The report import_filings gives a batch the store holds exactly as it is (``reparse`` of an unchanged
        payload), from what ``check`` made of its records: each stored under its own id with the same precedence
        (so the same content digest) and every alt id it names. import_filings writes nothing for such a record, so
        neither does this. None, with nothing written, for any other batch (a record new, changed, older than the
        stored one, found only by match key, an id twice): the caller then imports the records themselves."""
        ids = [c.id for c in checked]
        if len(set(ids)) != len(ids):
            return None
        cols = "id, content_hash, alt_ids, status, status_date, updated_at, published_at, deadline, status_raw, title"
        with self._read() as conn:
            stored = {r[0]: r for r in select_in(conn, f"SELECT {cols} FROM filings WHERE id IN ({{}})", ids)}
        for c in checked:
            r = stored.get(c.id)
            if r is None or c.precedence != precedence_key(r[3], r[4], r[5] or r[6], r[7], r[8], r[9], r[1]):
                return None
            alt = json_value(r[2]) or []
            if sorted(set(alt).union(c.alt_ids)) != sorted(alt):
                return None
        return ImportReport(unchanged=len(ids), actions=[(i, "no-change") for i in ids])

    @staticmethod
    def _recount_tells(conn: sa.Connection, pks: list[int]) -> None:
        """filings.tells of stored filings that changed or gained events, from everything they now hold."""
        if not pks:
            return
        sql = f"UPDATE filings SET tells = {TELLS_SQL} WHERE pk IN ({{}}) AND tells <> {TELLS_SQL}"
        if conn.dialect.paramstyle != "qmark":
            sql = sql.replace("%", "%%")  # the LIKE patterns, before the driver reads %s as placeholders
        select_in(conn, sql, pks, fetch=False)

    def _load_existing(
        self, conn: sa.Connection, batch: list[Filing], keys: dict[str, str | None]
    ) -> dict[Any, dict[str, Any]]:
        # Through the driver: on a batch of new notices these lookups cost more in SQLAlchemy than in SQLite.
        cols = "pk, id, content_hash, alt_ids, extra, url, match_key, status, status_date, updated_at, published_at, "
        cols += "deadline, status_raw, title, source, case_ref"
        found: dict[Any, dict[str, Any]] = {}
        for r in select_in(conn, f"SELECT {cols} FROM filings WHERE id IN ({{}})", [f.id for f in batch]):
            found[r[1]] = _existing(r)
        if keys:
            mks = [mk for fid, mk in keys.items() if mk and fid not in found]
            for r in select_in(conn, f"SELECT {cols} FROM filings WHERE match_key IN ({{}})", mks):
                found[("mk", r[6])] = found.get(r[1]) or _existing(r)
        # Stored extras as the records had them (extra_codec), what they are merged with and compared to, and the
        # parties stored beside them, which an extra written without new parties is shortened against.
        repeating = {e["pk"]: e for e in found.values() if repeats(e["source"])}
        if repeating:
            for e in repeating.values():
                e["targets"] = []
            sql = "SELECT filing_pk, name FROM parties WHERE filing_pk IN ({}) AND role = 'target' "
            sql += "ORDER BY filing_pk, position"
            for pk, name in select_in(conn, sql, list(repeating)):
                repeating[pk]["targets"].append(name)
            for e in repeating.values():
                e["extra"] = full_extra(e["source"], e["extra"], e["case_ref"], e["targets"])
        return found


def _existing(r: Any) -> dict[str, Any]:
    return {
        "pk": r[0],
        "id": r[1],
        "content_hash": r[2],
        "alt_ids": json_value(r[3]) or [],
        "extra": json_value(r[4]) or {},
        "url": full_url(r[1], r[5]),
        "precedence": precedence_key(r[7], r[8], r[9] or r[10], r[11], r[12], r[13], r[2]),
        "source": r[14],
        "case_ref": r[15],
    }
