"""Parse + store of 30,000 FTC early-termination notices, against a bare baseline measured in the same run.

Synthetic API pages of 50 are made by varying the fields of the real record shape (mergerwatch.testing).
Each payload goes through the pipeline as it does in use: parsed into pydantic records, its raw bytes kept
(compressed), its records upserted (filings, parties, name tokens, status events).

- ingest: the path of `mergerwatch ingest` over many saved pages (GroupCommit: one commit per ~10,000 records)
- refresh: the transaction pattern of a live refresh, one commit per page of 50 (each page waits for the
  network between commits, so pages cannot share a transaction there)
- baseline: json.loads of the same pages + one executemany of the same notices into a bare SQLite table

The machine is noisy: each figure is the best of ``--repeat`` runs, each on a fresh database, and the
baseline is measured before and after.
Run: python benchmarks/bench_ftc_ingest.py [N] [--repeat K]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
from pathlib import Path

from _machine import describe

from mergerwatch.ingest.pipeline import GroupCommit, process_payload
from mergerwatch.sources import get_source
from mergerwatch.sources.base import Payload
from mergerwatch.store.write.store import Store
from mergerwatch.testing import ftc_pages

SOURCE = "ftc-early-termination"


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


def _payloads(pages: list[bytes]) -> list[Payload]:
    return [Payload(SOURCE, f"file:///bench/page-{i:04d}.json", body, kind="api") for i, body in enumerate(pages)]


def run_ingest(pages: list[bytes], path: Path) -> float:
    store, src = Store(str(path)), get_source(SOURCE)
    t0 = time.perf_counter()
    with GroupCommit(store) as group:
        for payload in _payloads(pages):
            group.add(src, payload)
    took = time.perf_counter() - t0
    store.close()
    return took


def run_refresh_pattern(pages: list[bytes], path: Path) -> float:
    store, src = Store(str(path)), get_source(SOURCE)
    t0 = time.perf_counter()
    for payload in _payloads(pages):
        process_payload(store, src, payload)
    took = time.perf_counter() - t0
    store.close()
    return took


def run_parse(pages: list[bytes]) -> float:
    src = get_source(SOURCE)
    t0 = time.perf_counter()
    for payload in _payloads(pages):
        src.parse(payload)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=30000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n = args.n
    pages = ftc_pages(n, page_size=50)
    runs: dict[str, list[float]] = {"baseline": [], "parse only": [], "ingest": [], "refresh": []}
    with tempfile.TemporaryDirectory() as d:
        for i in range(args.repeat):
            runs["baseline"].append(baseline(pages, Path(d) / f"base{i}.db"))
            runs["parse only"].append(run_parse(pages))
            runs["ingest"].append(run_ingest(pages, Path(d) / f"ingest{i}.db"))
            runs["refresh"].append(run_refresh_pattern(pages, Path(d) / f"refresh{i}.db"))
        runs["baseline"].append(baseline(pages, Path(d) / "base-last.db"))
    base = min(runs["baseline"])
    print(f"machine: {describe()}")
    print(f"{n:,} notices in {len(pages)} pages of 50; best of {args.repeat} runs (all runs in seconds)")
    labels = {
        "baseline": "baseline (json.loads + executemany)",
        "parse only": "parse only (no store)",
        "ingest": "ingest: parse + store, ~10,000/commit",
        "refresh": "refresh pattern: parse + store, 1 page/commit",
    }
    for key, label in labels.items():
        best = min(runs[key])
        all_runs = " ".join(f"{x:.2f}" for x in runs[key])
        print(f"{label:48s} {best:6.2f} s = {n / best:7,.0f} records/s  ratio {best / base:5.1f}x  [{all_runs}]")


if __name__ == "__main__":
    main()
