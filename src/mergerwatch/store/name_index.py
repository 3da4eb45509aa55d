"""The name index of a SQLite store: an FTS5 table over the parties' name tokens (the blocking step of matching).

One row per party, keyed by ``filing_pk << 16 | position``, holding the party's index tokens
(``matching.NormalisedName.index_tokens``). Contentless and without positions or sizes (``content=''``,
``detail=none``, ``columnsize=0``): it answers only "which parties hold these words", in 32 bytes a filing where
the name_tokens table took 141, and an FTS5 insert costs a third of a B-tree row per word. A token is indexed as
itself when it is ASCII letters and digits, else as ``_`` and the hex of its UTF-8 bytes: FTS5's tokenizer then
never splits or folds a token in its own way (its Unicode tables are older than Python's), and ``_`` is a token
character that no plain token holds.

PostgreSQL stores, and SQLite builds without FTS5 (rare: Python's own builds and the common distributions have it),
keep the name_tokens table; the store and the reader ask which one a store has (``has_name_index``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

TABLE = "name_index"
DDL = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(terms, content='', detail=none, columnsize=0, "
    "tokenize=\"unicode61 remove_diacritics 0 tokenchars '_'\")"
)
SHIFT = 16  # positions below 65,536 (a filing names a few parties; the largest EC case a few dozen)


def term(token: str) -> str:
    return token if token.isascii() and token.isalnum() else "_" + token.encode().hex()


def terms_text(tokens: Sequence[str]) -> str:
    text = " ".join(tokens)
    if text.isascii() and text.replace(" ", "").isalnum():  # every token a plain one, as most names' are
        return text
    return " ".join(term(t) for t in tokens)


def key(filing_pk: int, position: int) -> int:
    return (filing_pk << SHIFT) | position


def match(tokens: Sequence[str]) -> str:
    """An FTS5 query for parties holding every one of ``tokens`` (terms are [a-z0-9_]: nothing to quote)."""
    return " AND ".join(f'"{term(t)}"' for t in tokens)


def prefix_match(prefixes: Sequence[str]) -> str:
    """An FTS5 query for parties holding, for each of ``prefixes`` (plain ASCII letters and digits), a word that
    begins with it: the name's abbreviations ("pioneer nat res", "ibm" as i* b* m*)."""
    return " AND ".join(f'"{p}" *' for p in prefixes)


def fts5_available(cursor: Any) -> bool:
    return any(r[0] == "ENABLE_FTS5" for r in cursor.execute("PRAGMA compile_options").fetchall())


def expected(url: str) -> bool:
    """Whether a store at ``url`` keeps its name index in FTS5, asked before it is opened (an ingest's worker
    prepares records for it meanwhile): a SQLite store does where this SQLite has FTS5 (new stores and migration
    0008 make it), any other database does not."""
    if not url.startswith("sqlite"):
        return False
    import sqlite3

    conn = sqlite3.connect(":memory:")
    try:
        return fts5_available(conn.cursor())
    finally:
        conn.close()


def check_usable(cursor: Any) -> None:
    """A store with the FTS5 index opened by a Python whose SQLite lacks FTS5 (a store copied to another machine):
    one sentence that says so, rather than "no such module" from the first question that needs the index."""
    if not fts5_available(cursor):
        from mergerwatch.core.errors import MergerwatchError

        raise MergerwatchError(
            "this store keeps its index of names in SQLite's FTS5, which the SQLite of this Python was built "
            "without; open it with a Python whose SQLite has FTS5 (python.org, Homebrew, conda and the common "
            "Linux distributions' builds do), or run `mergerwatch refresh` into a new store here"
        )


def has_name_index(cursor: Any) -> bool:
    """The SQLite store behind ``cursor`` keeps its name index in FTS5 (else in name_tokens)."""
    return cursor.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (TABLE,)).fetchone() is not None
