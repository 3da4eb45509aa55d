"""Parse + store of 30,000 FTC early-termination notices, against a bare baseline.

Synthetic API pages of 50 are made by varying the fields of the real record shape (mergerwatch.testing).
mergerwatch: parse each page (pydantic records) and import it in its own transaction, as a refresh does.
Baseline: json.loads of the same pages + one executemany of the same rows into a bare SQLite table.
Run: python benchmarks/bench_ftc_ingest.py [N]
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from _machine import describe

from mergerwatch.sources import get_source
from mergerwatch.sources.base import Payload
from mergerwatch.store import Store
from mergerwatch.testing import ftc_pages


def baseline(pages: list[bytes], path: Path) -> float:
    t0 = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE n (id TEXT PRIMARY KEY, txn TEXT, title TEXT, acquiring TEXT, acquired TEXT,"
        " entities TEXT, date TEXT, created TEXT)"
    )
    for body in pages:
        rows = [
            (
                r["id"],
                a["transaction-number"],
                a["title"],
                a["acquiring-party"],
                a["acquired-party"],
                json.dumps(a["acquired-entities"]),
                a["date"],
                a["created"],
            )
            for r in json.loads(body)["data"]
            for a in [r["attributes"]]
        ]
        conn.executemany("INSERT INTO n VALUES (?,?,?,?,?,?,?,?)", rows)
        conn.commit()
    conn.close()
    return time.perf_counter() - t0


def mergerwatch_run(pages: list[bytes], path: Path, per_tx: int = 1) -> tuple[float, float, float]:
    """Parse every page; store ``per_tx`` pages per transaction (1 = a refresh, page by page)."""
    store = Store(str(path))
    src = get_source("ftc-early-termination")
    parse_s = store_s = 0.0
    for i in range(0, len(pages), per_tx):
        t0 = time.perf_counter()
        filings = [
            f for body in pages[i : i + per_tx] for f in src.parse(Payload(src.name, "b", body, kind="api")).filings
        ]
        t1 = time.perf_counter()
        store.import_filings(filings, match_key=src.match_key)
        store_s += time.perf_counter() - t1
        parse_s += t1 - t0
    store.close()
    return parse_s + store_s, parse_s, store_s


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30000
    pages = ftc_pages(n, page_size=50)
    with tempfile.TemporaryDirectory() as d:
        base = baseline(pages, Path(d) / "base.db")
        total, parse_s, store_s = mergerwatch_run(pages, Path(d) / "mw.db")
        big, _p, _s = mergerwatch_run(pages, Path(d) / "mw20.db", per_tx=20)
        base2 = baseline(pages, Path(d) / "base2.db")  # again, after: the machine is noisy
    base = min(base, base2)
    print(f"machine: {describe()}")
    print(f"{n} notices in {len(pages)} pages of 50, one transaction per page")
    print(f"baseline (json.loads + executemany): {base:.2f} s = {n / base:,.0f} records/s")
    print(
        f"mergerwatch parse + store:           {total:.2f} s = {n / total:,.0f} records/s "
        f"(parse {parse_s:.2f} s, store {store_s:.2f} s)"
    )
    print(f"ratio mergerwatch / baseline: {total / base:.1f}x")
    print(
        f"same, 1,000 notices per transaction (ingest of large saved files): {big:.2f} s = {n / big:,.0f} records/s "
        f"({big / base:.1f}x baseline)"
    )


if __name__ == "__main__":
    main()
