"""`mergerwatch ingest` of N FTC notices as a user runs it: one process over 600 saved pages (start-up, imports,
parsing, the store, output), against a floor measured in the same run: a fresh Python that reads the same files,
json.loads each page, keeps each raw page once (zlib) and writes one row per notice, in one transaction.

Also `mergerwatch reparse` of the store just built, the store's size per filing (after a checkpoint), and the
peak memory (max RSS) of each process. Rounds are paired (floor, ingest, reparse), medians compared. ingest parses
in a worker process while it stores (pipeline.PreparedAhead): its CPU time (worker included) is reported beside
the wall time, against the floor's, and ingest without the worker (MERGERWATCH_WORKERS=0) runs in each round too
("1 process").
Goals (issue 17): ingest <= 6x the floor, reparse no slower than ingest, <= 1.2 KB per filing, <= 120 MB peak.

With --instructions P (valgrind installed), the first P pages are also counted in CPU instructions rather than
timed: the floor, ingest in one process, and reparse, each under callgrind, with the count of a one-page run of each
taken off as its start-up. Instructions do not vary with what else the machine runs, so two versions of the code
can be compared on a noisy machine; they say nothing of waiting for the disk or of the worker's overlap.

Run: python benchmarks/bench_ingest.py [N] [--rounds R] [--instructions P]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _machine import as_installed, describe

# The pages are written by a child process: this one stays small, so the peak memory of each measured child
# (which starts as a copy of this process before it runs Python) is its own.
WRITE_PAGES = r"""
import sys
from pathlib import Path
from mergerwatch.testing import ftc_pages
for i, body in enumerate(ftc_pages(int(sys.argv[2]), page_size=50)):
    (Path(sys.argv[1]) / f"page-{i:04d}.json").write_bytes(body)
"""

FLOOR = r"""
import json, sqlite3, sys, zlib
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("CREATE TABLE raw (id INTEGER PRIMARY KEY, name TEXT, body BLOB)")
conn.execute("CREATE TABLE n (id TEXT PRIMARY KEY, txn TEXT, title TEXT, acquiring TEXT, acquired TEXT,"
             " entities TEXT, date TEXT, created TEXT)")
conn.execute("BEGIN")
for name in sys.argv[2:]:
    body = open(name, "rb").read()
    conn.execute("INSERT INTO raw (name, body) VALUES (?, ?)", (name, zlib.compress(body, 3)))
    rows = [(r["id"], a["transaction-number"], a["title"], a["acquiring-party"], a["acquired-party"],
             json.dumps(a["acquired-entities"]), a["date"], a["created"])
            for r in json.loads(body)["data"] for a in [r["attributes"]]]
    conn.executemany("INSERT INTO n VALUES (?,?,?,?,?,?,?,?)", rows)
conn.execute("COMMIT")
"""


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall time, CPU time (user + system, of the process and the worker it waited for) and peak RSS (MB, the
    larger of the two) of one process."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **env})
    _pid, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - t
    if status != 0:
        raise SystemExit(f"{argv[3:5]} failed: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")
    return took, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _size_per_filing(db: Path, table: str = "filings") -> tuple[float, int]:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    n = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    conn.close()
    return db.stat().st_size / n, n


def _where_the_bytes_go(db: Path, n: int) -> str:
    """Bytes per filing of each table and index (SQLite's dbstat view, where this SQLite has it)."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    except sqlite3.OperationalError:
        return "(this SQLite has no dbstat view)"
    finally:
        conn.close()
    return ", ".join(f"{name} {size / n:,.0f}" for name, size in rows if size / n >= 1)


def _instructions(argv: list[str], env: dict[str, str]) -> int:
    """Instructions one process (and any it starts) ran, counted by valgrind's callgrind."""
    cmd = ["valgrind", "--tool=callgrind", "--trace-children=yes", "--callgrind-out-file=/dev/null", *argv]
    # A fixed hash seed: string hashing (the order of sets and dicts) otherwise moves the count by a percent or two.
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env={**os.environ, **env, "PYTHONHASHSEED": "0"}, timeout=3600
    )
    counts = [int(n) for n in re.findall(r"Collected : (\d+)", proc.stderr)]
    if proc.returncode != 0 or not counts:
        raise SystemExit(f"callgrind run failed: {proc.stderr[-500:]}")
    return sum(counts)


def count_instructions(d: str, files: list[str], pages: int) -> None:
    mw = [sys.executable, "-m", "mergerwatch", "--db"]
    one = {"MERGERWATCH_WORKERS": "0"}
    per_page: dict[str, float] = {}
    for key in ("floor", "ingest, 1 process", "reparse"):
        got = []
        for n in (1, pages):
            db = Path(d) / f"cg-{key[:6]}-{n}.db"
            some = files[:n]
            if key == "floor":
                got.append(_instructions([sys.executable, "-c", FLOOR, str(db), *some], {}))
                continue
            ingest = [*mw, str(db), "ingest", "ftc-early-termination", *some]
            if key == "reparse":
                subprocess.run(ingest, check=True, stdout=subprocess.DEVNULL, env={**os.environ, **one})
                got.append(_instructions([*mw, str(db), "reparse"], one))
            else:
                got.append(_instructions(ingest, one))
        per_page[key] = (got[1] - got[0]) / (pages - 1)
        print(f"{key:18s} {got[0] / 1e6:8,.0f} M instructions to start (one page), {per_page[key] / 1e6:6.1f} M a page")
    floor = per_page["floor"]
    for key, v in per_page.items():
        print(f"  {key}: {v / floor:.1f}x the floor's instructions a page")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=30_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--instructions", type=int, default=0, metavar="P", help="also count instructions on P pages")
    ap.add_argument("--other", metavar="PYTHON", help="also run another installation's ingest and reparse, same rounds")
    args = ap.parse_args()
    if args.instructions and not shutil.which("valgrind"):
        raise SystemExit("--instructions needs valgrind")
    print(as_installed())
    if args.other:
        code = (
            "import compileall, os, mergerwatch; compileall.compile_dir(os.path.dirname(mergerwatch.__file__), quiet=1)"
        )
        subprocess.run([args.other, "-c", code], check=True)
        print(f"other: {args.other}")
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([sys.executable, "-c", WRITE_PAGES, d, str(args.n)], check=True)
        files = sorted(str(p) for p in Path(d).glob("page-*.json"))
        keys = ("floor", "ingest", "1 process", "reparse") + (("other: ingest", "other: reparse") if args.other else ())
        res: dict[str, list[float]] = {k: [] for k in keys}
        cpu: dict[str, list[float]] = {k: [] for k in keys}
        mem: dict[str, list[float]] = {k: [] for k in keys}
        size = floor_size = 0.0
        breakdown = ""
        mw = [sys.executable, "-m", "mergerwatch", "--db"]
        for r in range(args.rounds):
            base, db, db1 = Path(d) / f"floor-{r}.db", Path(d) / f"mw-{r}.db", Path(d) / f"one-{r}.db"
            dbo = Path(d) / f"other-{r}.db"
            mwo = [args.other, "-m", "mergerwatch", "--db"] if args.other else []
            others = (
                [("other: ingest", [*mwo, str(dbo), "ingest", "ftc-early-termination", *files], {}),
                 ("other: reparse", [*mwo, str(dbo), "reparse"], {})]
                if args.other else []
            )  # fmt: skip
            for key, argv, env in (
                ("floor", [sys.executable, "-c", FLOOR, str(base), *files], {}),
                ("ingest", [*mw, str(db), "ingest", "ftc-early-termination", *files], {}),
                ("1 process", [*mw, str(db1), "ingest", "ftc-early-termination", *files], {"MERGERWATCH_WORKERS": "0"}),
                ("reparse", [*mw, str(db), "reparse"], {}),
                *others,
            ):
                took, used, peak = _run(argv, env)
                res[key].append(took)
                cpu[key].append(used)
                mem[key].append(peak)
                if key == "ingest":
                    size, filings = _size_per_filing(db)
                    breakdown = _where_the_bytes_go(db, filings)
                if key == "floor":
                    floor_size, _ = _size_per_filing(base, "n")
        floor = statistics.median(res["floor"])
        print(f"machine: {describe()}")
        print(f"{args.n:,} FTC notices in {len(files)} files of 50; {args.rounds} paired rounds (seconds: all runs)")
        cpu_floor = statistics.median(cpu["floor"])
        for key in res:
            med, used = statistics.median(res[key]), statistics.median(cpu[key])
            runs = " ".join(f"{x:.2f}" for x in res[key])
            print(
                f"{key:14s} {med:6.2f} s  {med / floor:5.1f}x the floor  cpu {used:5.2f} s ({used / cpu_floor:4.1f}x)"
                f"  peak {max(mem[key]):5.0f} MB  [{runs}]"
            )
        print(
            f"store: {size:,.0f} bytes per filing ({filings:,} filings, raw pages included, after a checkpoint; "
            f"the floor's {floor_size:,.0f})"
        )
        print(f"  by table and index: {breakdown}")
        if args.instructions > 1:
            print(f"instructions (callgrind), first {args.instructions} pages, one process:")
            count_instructions(d, files, args.instructions)


if __name__ == "__main__":
    main()
