"""`deal` on a store of 100,000 filings: median time inside the process and for the whole command, against a
plain indexed SQLite lookup of the same normalised keys (the floor), measured in the same run.

Run: python benchmarks/bench_deal.py [N]   (builds the store once under benchmarks/.cache/)
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _machine import describe

from mergerwatch.deals import deal
from mergerwatch.matching import normalise_name
from mergerwatch.sources import get_source
from mergerwatch.sources.base import Payload
from mergerwatch.store import Store
from mergerwatch.testing import ftc_pages

CACHE = Path(__file__).parent / ".cache"


def build(n: int) -> Path:
    path = CACHE / f"deal-{n}.db"
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    store = Store(str(path))
    src = get_source("ftc-early-termination")
    for body in ftc_pages(n, page_size=5000, seed=3):
        store.import_filings(src.parse(Payload(src.name, "bench", body, kind="api")).filings)
    store.close()
    return path


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    t0 = time.perf_counter()
    path = build(n)
    built = time.perf_counter() - t0
    store = Store(str(path))
    conn = sqlite3.connect(path)
    rng = random.Random(5)
    pairs = []
    rows = conn.execute("SELECT f.pk FROM filings f ORDER BY random() LIMIT 40").fetchall()
    for (pk,) in rows:
        names = [r[0] for r in conn.execute("SELECT name FROM parties WHERE filing_pk=? ORDER BY position", (pk,))]
        pairs.append((names[0], names[-1]))
    rng.shuffle(pairs)
    deal(store, list(pairs[0]))  # warm caches once
    inproc, floor = [], []
    for a, b in pairs:
        t = time.perf_counter()
        res = deal(store, [a, b])
        inproc.append(time.perf_counter() - t)
        assert res["found"]
        t = time.perf_counter()
        ka, kb = normalise_name(a).key, normalise_name(b).key
        sa = {r[0] for r in conn.execute("SELECT filing_pk FROM parties WHERE norm = ?", (ka,))}
        sb = {r[0] for r in conn.execute("SELECT filing_pk FROM parties WHERE norm = ?", (kb,))}
        assert sa & sb
        floor.append(time.perf_counter() - t)
    whole = []
    for a, b in pairs[:7]:
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "mergerwatch", "--db", str(path), "deal", a, b, "--json"],
            check=True,
            capture_output=True,
        )
        whole.append(time.perf_counter() - t)
    med, fl = statistics.median(inproc), statistics.median(floor)
    print(f"machine: {describe()}")
    print(
        f"store: {n} filings ({conn.execute('SELECT count(*) FROM parties').fetchone()[0]} parties)"
        + (f", built in {built:.0f} s" if built > 1 else "")
    )
    print(
        f"deal in-process: median {med * 1000:.1f} ms (p90 {sorted(inproc)[int(len(inproc) * 0.9)] * 1000:.1f} ms) "
        f"over {len(inproc)} real name pairs"
    )
    print(f"floor (indexed lookup of both normalised keys + intersection): median {fl * 1000:.2f} ms")
    print(f"ratio deal / floor: {med / fl:.0f}x")
    print(f"whole command (python start-up included): median {statistics.median(whole):.2f} s")


if __name__ == "__main__":
    main()
