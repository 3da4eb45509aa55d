"""Sources and runs: records per source, each source's run history and state, and the events observed since a time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mergerwatch.core.registry import full_url
from mergerwatch.store.read.base import ReaderBase
from mergerwatch.store.read.columns import OBSERVED_SINCE_SQL, OBSERVED_SQL, event_url, json_value


class HistoryMixin(ReaderBase):
    @property
    def _sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def of_source(self, source: str) -> tuple[str, list[str]]:
        """A condition on filings (and its parameters) for the records of ``source``. On SQLite a range of ids
        ("<source>:" up to "<source>;", ':' + 1): every id begins with its source, and the index of ids then finds
        them (there is no index on source, schema.py). PostgreSQL compares text in its collation, which may
        ignore punctuation, so there it is the column."""
        if self._sqlite:
            return "id >= ? AND id < ?", [f"{source}:", f"{source};"]
        return "source = ?", [source]

    def counts_by_source(self) -> dict[str, int]:
        """Records per source. On SQLite each source's range of ids is counted on the index of ids, the next source
        found by a seek past it: as fast as the index on source it replaces (0010)."""
        if not self._sqlite:
            return {r[0]: int(r[1]) for r in self.rows("SELECT source, count(*) FROM filings GROUP BY source")}
        out: dict[str, int] = {}
        after = ""
        while row := self.rows("SELECT id FROM filings WHERE id > ? ORDER BY id LIMIT 1", [after]):
            source = str(row[0][0]).split(":", 1)[0]
            cond, params = self.of_source(source)
            out[source] = int(self.rows(f"SELECT count(*) FROM filings WHERE {cond}", params)[0][0])
            after = params[1]
        return out

    def source_history(self, source: str, limit: int = 10) -> list[dict[str, Any]]:
        rows = self.dicts(f"SELECT * FROM run_sources WHERE source = ? ORDER BY id DESC LIMIT {int(limit)}", [source])
        for r in rows:
            r["ok"] = bool(r["ok"])
            r["notes"] = json_value(r["notes"]) or []
        return rows

    def newest_fetch(self, source: str) -> str | None:
        """When the newest payload of ``source`` that parsed was fetched (or recorded: the demo's are dated by their
        recording): the as-of of a source filled by `ingest` or the demo rather than by a refresh."""
        rows = self.rows("SELECT max(fetched_at) FROM raw_payloads WHERE source = ? AND parse_status = 'ok'", [source])
        return rows[0][0] if rows and rows[0][0] else None

    def all_state(self, source: str) -> dict[str, str]:
        return {r[0]: r[1] for r in self.rows("SELECT key, value FROM source_state WHERE source = ?", [source])}

    # --- history -------------------------------------------------------------------------------------

    def events_since(self, cutoff: str) -> list[dict[str, Any]]:
        """Status events observed at or after ``cutoff``, newest first, with their filing's headline."""
        rows = self.dicts(
            "SELECT e.filing_pk, e.status, e.status_raw, e.detail, e.event_date, e.deadline, "
            f"{OBSERVED_SQL} AS observed_at, e.url, "
            "f.url AS filing_url, f.title, f.authority, f.case_ref, f.status AS current_status, f.id AS filing_id "
            f"FROM status_events e JOIN filings f ON f.pk = e.filing_pk WHERE {OBSERVED_SINCE_SQL} "
            "ORDER BY observed_at DESC, e.id DESC",  # the time above (an output name wins over a column)
            [cutoff, cutoff],
        )
        for r in rows:
            r["url"] = event_url(r["url"], full_url(r["filing_id"], r.pop("filing_url")))
        return rows

    def party_rows(self, pks: Sequence[int]) -> list[tuple[Any, ...]]:
        """(filing pk, name, role, norm) of these filings' parties, in their order."""
        sql = "SELECT filing_pk, name, role, norm FROM parties WHERE filing_pk IN ({}) ORDER BY filing_pk, position"
        return self.select_in(sql, pks)

    def watches(self) -> list[dict[str, Any]]:
        """The watch list, each with the kind of watch and its alerts whose delivery was tried and failed (one waiting
        for its first run is not a failure)."""
        pending = dict(
            self.rows(
                "SELECT watch_id, count(*) FROM alerts WHERE delivered_at IS NULL AND last_error IS NOT NULL "
                "GROUP BY watch_id"
            )
        )
        out = []
        for wid, label, names, created in self.rows("SELECT id, label, names, created_at FROM watches ORDER BY id"):
            value = json_value(names)
            out.append(
                {
                    "id": wid,
                    "label": label,
                    "names": value,
                    "kind": str(value.get("rule")) if isinstance(value, dict) else "deal",
                    "created_at": created,
                    "undelivered_alerts": int(pending.get(wid, 0)),
                }
            )
        return out
