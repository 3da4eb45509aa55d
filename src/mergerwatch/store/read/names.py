"""Names: a user's aliases, the parties named exactly by a normalised key, and the blocking step of the fuzzy match
through the name index (FTS5 on SQLite where it is built in, else the name_tokens table)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mergerwatch.core.lazy import lazy
from mergerwatch.store import name_index
from mergerwatch.store.read.base import ReaderBase

# The name normaliser (rapidfuzz behind it) only for the questions that take a name: `sources` or `list` never do.
names = lazy("mergerwatch.core.names")


class NamesMixin(ReaderBase):
    def aliases(self) -> list[dict[str, Any]]:
        """Every alias a user recorded, by name."""
        return self.dicts("SELECT name, alias, name_norm, alias_norm, reason, created_at FROM aliases ORDER BY name")

    def aliases_of(self, key: str) -> list[dict[str, Any]]:
        return self.dicts(
            "SELECT name, alias, name_norm, alias_norm, reason FROM aliases WHERE name_norm = ? OR alias_norm = ?",
            [key, key],
        )

    def parties_named(self, key: str) -> list[tuple[Any, ...]]:
        """(filing id, name, role, norm, legal form) of every party whose normalised name is ``key``. A store with
        the FTS5 name index has no index on parties.norm (0009): the parties holding every word of ``key`` are
        found there and their norm compared."""
        if self._name_index():
            tokens = names.index_tokens_of(key)
            if tokens:
                return self.rows(f"{self._fts_parties()} WHERE p.norm = ?", [name_index.match(tokens), key])
        return self.rows(
            "SELECT f.id, p.name, p.role, p.norm, p.legal_form FROM parties p JOIN filings f ON f.pk = p.filing_pk "
            "WHERE p.norm = ?",
            [key],
        )

    @staticmethod
    def _fts_parties() -> str:
        """Parties (as in ``parties_named``) whose index entry matches the FTS5 query given as the parameter."""
        return (
            "SELECT f.id, p.name, p.role, p.norm, p.legal_form "
            f"FROM (SELECT rowid AS k FROM {name_index.TABLE} WHERE {name_index.TABLE} MATCH ?) h "
            f"JOIN parties p ON p.filing_pk = (h.k >> {name_index.SHIFT}) "
            f"AND p.position = (h.k & {(1 << name_index.SHIFT) - 1}) "
            "JOIN filings f ON f.pk = p.filing_pk"
        )

    def _name_index(self) -> bool:
        """The store keeps its name index in FTS5 (SQLite: store/name_index.py), not in name_tokens."""
        if self._fts is None:
            with self._connect() as conn:
                cur = conn.cursor()
                self._fts = not self._pyformat and name_index.has_name_index(cur)
                if self._fts:
                    name_index.check_usable(cur)
        return self._fts

    def token_counts(self, tokens: Sequence[str]) -> dict[str, int]:
        if self._name_index():
            sql = f"SELECT count(*) FROM {name_index.TABLE} WHERE {name_index.TABLE} MATCH ?"
            counts = {tok: int(self.rows(sql, [name_index.match([tok])])[0][0]) for tok in dict.fromkeys(tokens)}
            return {tok: n for tok, n in counts.items() if n}
        marks = ", ".join("?" * len(tokens))
        sql = f"SELECT token, count(*) FROM name_tokens WHERE token IN ({marks}) GROUP BY token"
        return {r[0]: int(r[1]) for r in self.rows(sql, tokens)}

    def parties_with_prefixes(self, prefixes: Sequence[str], limit: int) -> list[tuple[Any, ...]]:
        """Parties (as in ``parties_named``) holding, for each of ``prefixes`` (ASCII letters and digits), a word
        that begins with it: the candidates of an abbreviated name. A few hundred at most are asked for."""
        prefixes = [p for p in prefixes if p.isascii() and p.isalnum()]
        if not prefixes:
            return []
        if self._name_index():
            return self.rows(f"{self._fts_parties()} LIMIT {int(limit)}", [name_index.prefix_match(prefixes)])
        return self._holding("token LIKE ?", [p + "%" for p in prefixes], limit)

    def parties_with_tokens(self, tokens: Sequence[str], limit: int) -> list[tuple[Any, ...]]:
        """Parties (as in ``parties_named``) whose names hold every one of ``tokens``: the blocking step."""
        if self._name_index():
            return self.rows(f"{self._fts_parties()} LIMIT {int(limit)}", [name_index.match(tokens)])
        return self._holding("token = ?", list(tokens), limit)

    def _holding(self, condition: str, params: list[str], limit: int) -> list[tuple[Any, ...]]:
        """Parties (as in ``parties_named``) with a name_tokens entry meeting ``condition`` for each of ``params``."""
        one = f"SELECT filing_pk, position FROM name_tokens WHERE {condition}"
        posting = " INTERSECT ".join([one] * len(params))
        sql = (
            "SELECT f.id, p.name, p.role, p.norm, p.legal_form FROM parties p "
            f"JOIN ({posting}) h ON h.filing_pk = p.filing_pk AND h.position = p.position "
            f"JOIN filings f ON f.pk = p.filing_pk LIMIT {int(limit)}"
        )
        return self.rows(sql, params)
