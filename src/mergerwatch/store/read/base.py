"""The read side's plumbing: a DB-API connection lent for one question, SQL written with ``?`` and given to drivers
that want ``%s`` in their form, and chunked IN lists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from mergerwatch.store.read.columns import chunks

Connect = Callable[[], AbstractContextManager[Any]]


class ReaderBase:
    """Read-only queries over one store. ``connect()`` lends a DB-API connection for one question."""

    def __init__(
        self,
        connect: Connect,
        url: str,
        mark: str = "?",
        close: Callable[[], None] | None = None,
        fts: bool | None = None,
    ) -> None:
        self._connect = connect
        self.url = url
        self._pyformat = mark != "?"
        self._close = close
        # The store's name index is FTS5: known already when a Store lends its connections, else asked once.
        self._fts = fts

    def close(self) -> None:
        if self._close is not None:
            self._close()
            self._close = None

    def __enter__(self) -> ReaderBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing ------------------------------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s") if self._pyformat else sql

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._connect() as conn:
            cur = conn.cursor()
            try:
                cur.execute(self._sql(sql), tuple(params))
                return [tuple(r) for r in cur.fetchall()]
            finally:
                cur.close()

    def dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._connect() as conn:
            cur = conn.cursor()
            try:
                cur.execute(self._sql(sql), tuple(params))
                names = [d[0] for d in cur.description]
                return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
            finally:
                cur.close()

    def select_in(self, sql: str, values: Sequence[Any], before: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """``sql`` with ``{}`` where the placeholders of ``values`` go, run in chunks; ``before`` are the
        parameters that come ahead of the list."""
        out: list[tuple[Any, ...]] = []
        for chunk in chunks(list(values)):
            out += self.rows(sql.format(", ".join("?" * len(chunk))), [*before, *chunk])
        return out
