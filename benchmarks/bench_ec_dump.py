"""Parse + store a 12,000-case EC open-data dump (synthetic, built from the documented record shape), with peak
memory, against a bare baseline (json.loads + executemany of one row per case) measured in the same run.

Each side runs in its own subprocess so its peak RSS is its own. Run: python benchmarks/bench_ec_dump.py [N]
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _machine import describe

CHILD_BASE = r"""
import json, resource, sqlite3, sys, time
body = open(sys.argv[1], "rb").read()
t0 = time.perf_counter()
doc = json.loads(body)
conn = sqlite3.connect(sys.argv[2]); conn.execute("PRAGMA journal_mode=WAL")
conn.execute("CREATE TABLE c (id TEXT PRIMARY KEY, title TEXT, notified TEXT, decided TEXT)")
rows = []
for k, v in doc.items():
    m = v["metadata"]
    rows.append((k, m["caseTitle"][0], m["caseNotificationDate"][0], (m.get("caseLastDecisionDate") or [None])[0]))
conn.executemany("INSERT INTO c VALUES (?,?,?,?)", rows)
conn.commit()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.perf_counter() - t0, "peak_mb": peak}))
"""

CHILD_MW = r"""
import json, resource, sys, time
from mergerwatch.ingest.pipeline import process_payload
from mergerwatch.sources import get_source
from mergerwatch.sources.base import Payload
from mergerwatch.store.write.store import Store
body = open(sys.argv[1], "rb").read()
t0 = time.perf_counter()
store = Store(sys.argv[2])
src = get_source("ec-mergers")
out = process_payload(store, src, Payload(src.name, "bench", body, kind="dump"))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.perf_counter() - t0, "peak_mb": peak, "records": out.records,
                  "inserted": out.report.inserted}))
"""


def run(code: str, *args: str) -> dict:
    r = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    from mergerwatch.testing import ec_dump

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
    with tempfile.TemporaryDirectory() as d:
        dump = Path(d) / "case-data-M.json"
        dump.write_bytes(ec_dump(n))
        size = dump.stat().st_size / 1e6
        base = run(CHILD_BASE, str(dump), str(Path(d) / "base.db"))
        t0 = time.perf_counter()
        mw = run(CHILD_MW, str(dump), str(Path(d) / "mw.db"))
        wall = time.perf_counter() - t0
        base2 = run(CHILD_BASE, str(dump), str(Path(d) / "base2.db"))
    b = min(base["seconds"], base2["seconds"])
    print(f"machine: {describe()}")
    print(f"dump: {n} cases, {size:.1f} MB")
    print(f"baseline (json.loads + executemany): {b:.2f} s, peak RSS {base['peak_mb']:.0f} MB")
    print(
        f"mergerwatch parse + store (one transaction): {mw['seconds']:.2f} s ({wall:.2f} s with start-up), "
        f"peak RSS {mw['peak_mb']:.0f} MB, {mw['inserted']} cases stored"
    )
    print(f"ratio time {mw['seconds'] / b:.1f}x, peak memory {mw['peak_mb'] / base['peak_mb']:.1f}x")
    _ = resource


if __name__ == "__main__":
    main()
