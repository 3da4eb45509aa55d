"""The headline rows lists and statistics filter and count: by authority, status and date range in SQL, the facts
that live in extras and telling events read only where needed, and plain filings counted in groups from an index."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mergerwatch.core.vocabulary import ended_details
from mergerwatch.store.read.base import ReaderBase
from mergerwatch.store.read.columns import CHUNK, LIGHT_COLS, ORDERS, TELLING_EVENT, facts_of


def outcome_condition(outcomes: Sequence[str]) -> tuple[str, list[Any]]:
    """SQL for filings of these outcomes (vocabulary.OUTCOMES): a status, except that an HSR waiting period that
    ended (stored as ``cleared`` with its detail) is an outcome of its own, not a clearance."""
    ended = list(ended_details())
    marks = ", ".join("?" * len(ended))
    parts: list[str] = []
    params: list[Any] = []
    plain = [o for o in outcomes if o not in ("cleared", "waiting_period_ended")]
    if plain:
        parts.append(f"status IN ({', '.join('?' * len(plain))})")
        params += plain
    if "cleared" in outcomes:
        parts.append(f"(status = 'cleared' AND (detail IS NULL OR detail NOT IN ({marks})))")
        params += ended
    if "waiting_period_ended" in outcomes:
        parts.append(f"(status = 'cleared' AND detail IN ({marks}))")
        params += ended
    return "(" + " OR ".join(parts) + ")", params


class ListsMixin(ReaderBase):
    @staticmethod
    def _where(
        authorities: Sequence[str], statuses: Sequence[str], between: tuple[str, str | None, str | None] | None
    ) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if authorities:
            # Authorities are stored as upper-case codes (EC, CMA, FTC, DOJ, US): compared as such, the column
            # stays usable by ix_filings_authority_date.
            where.append(f"authority IN ({', '.join('?' * len(authorities))})")
            params += [a.upper() for a in authorities]
        if statuses:
            cond, more = outcome_condition(statuses)
            where.append(cond)
            params += more
        if between is not None:
            col, lo, hi = between
            expr = {"status_date": "status_date", "first_seen": "substr(first_seen, 1, 10)"}[col]
            if lo:
                where.append(f"{expr} >= ?")
                params.append(lo)
            if hi:
                where.append(f"{expr} <= ?")
                params.append(hi)
        return where, params

    def _select(self, sql: str, where: list[str], params: list[Any], ids: Sequence[str] | None, tail: str = ""):
        sql += " WHERE " + " AND ".join(where) if where else ""
        if ids is None:
            return self.rows(sql + tail, params)
        # A party's filings: a few hundred at most.
        return self.select_in(sql + (" AND " if where else " WHERE ") + "id IN ({})" + tail, ids, before=params)

    def filing_rows(
        self,
        authorities: Sequence[str] = (),
        statuses: Sequence[str] = (),
        ids: Sequence[str] | None = None,
        between: tuple[str, str | None, str | None] | None = None,
        facts: bool = False,
        order: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """The headline columns (LIGHT_COLS) of the filings at these authorities (any case) with these statuses,
        among ``ids`` when given; ``between`` = (column, from, to) narrows on ``status_date`` or on the day of
        ``first_seen``. In the table's order (of each chunk of ``ids``), which callers keep as their tie-break.

        With ``facts``, also what lists and statistics read beyond the headline, without whole records:
        ``detail``, the ``extra`` keys FACT_KEYS and the events that tell a phase or a notification
        (FACT_EVENT_DETAILS): enough for listing.phase_of, notified_on, sectors_of and the procedure.

        ``order`` (a key of ORDERS) sorts in SQL, newest or soonest first, the table's order breaking ties, and
        ``limit`` then cuts: only keys made of ISO dates, which sort alike in every database collation."""
        where, params = self._where(authorities, statuses, between)
        cols = LIGHT_COLS + (", pk, detail, extra" if facts else "")
        key = ORDERS[order] if order else ""
        if order == "decided" and between and between[0] == "status_date":
            key = "status_date DESC"  # no NULL here (the range excludes it): the index gives this order as it is
        if order and ids is None:
            tail = f" ORDER BY {key}, pk" + (f" LIMIT {int(limit)}" if limit else "")
        else:
            tail = " ORDER BY pk"  # the table's order, said: PostgreSQL gives an updated row back elsewhere
        rows = self._select(f"SELECT {cols} FROM filings", where, params, ids, tail)
        names = [c.strip() for c in LIGHT_COLS.split(",")]
        if not facts:
            return [dict(zip(names, r, strict=True)) for r in rows]
        out, by_pk = [], {}
        n = len(names)
        for r in rows:
            rec = dict(zip(names, r[:n], strict=True))
            rec.update(detail=r[n + 1], extra=facts_of(r[n + 2]), events=[])
            by_pk[r[n]] = rec
            out.append(rec)
        sql = (
            f"SELECT filing_pk, status, detail, status_raw, event_date FROM status_events WHERE {TELLING_EVENT} "
            "{} ORDER BY filing_pk, id"
        )
        # Few filings: their events by key; many: every telling event at once (far fewer than the filings).
        if len(by_pk) <= 5 * CHUNK:
            events = self.select_in(sql.format("AND filing_pk IN ({})"), list(by_pk))
        else:
            events = self.rows(sql.format(""))
        for fpk, status, detail, raw, when in events:
            if fpk in by_pk:
                by_pk[fpk]["events"].append({"status": status, "detail": detail, "status_raw": raw, "date": when})
        return out

    def stat_groups(
        self,
        authorities: Sequence[str] = (),
        statuses: Sequence[str] = (),
        ids: Sequence[str] | None = None,
        between: tuple[str, str | None, str | None] | None = None,
    ) -> tuple[list[str], list[dict[str, Any]]]:
        """For statistics: the ids of the filings with something to tell beyond their headline (filings.tells:
        an extra naming one of FACT_KEYS, an event of TELLING_EVENT), and all the others counted by authority,
        status, detail and year of status date (every FTC early-termination notice, for one). The counts come
        from the covering index ix_filings_stats: the table itself is not read."""
        where, params = self._where(authorities, statuses, between)
        # Grouped in the index's own order (by day, not by year): no sort in the database, a few thousand rows.
        cols = "authority, status, detail, status_date"
        rows = self._select(
            f"SELECT {cols}, count(*) FROM filings", ["tells = 0", *where], params, ids, f" GROUP BY {cols}"
        )
        counts: dict[tuple[Any, ...], int] = {}
        for a, st, d, day, n in rows:
            k = (a, st, d, day[:4] if day else None)
            counts[k] = counts.get(k, 0) + int(n)
        plain = [
            {"authority": a, "status": st, "detail": d, "year": y, "count": n} for (a, st, d, y), n in counts.items()
        ]
        telling = [str(r[0]) for r in self._select("SELECT id FROM filings", ["tells = 1", *where], params, ids)]
        return telling, plain
