"""The read path as a user meets it: each command run as a whole process (Python start-up, imports, opening
the store, the query, printing) on a store of N synthetic filings in the real FTC record shape, against a floor
measured in the same run: a fresh Python that opens the same SQLite file and runs one indexed query.

Rounds are paired (the floor, then every command, in one round), the medians of the rounds are compared, and
each command is reported as a ratio of the floor. Goals (issue 17/18): deal, search, show, sources, list with two
filters and stats for one authority within 10x the floor, --help within 5x; at 3N filings deal within 1.5x of
its time at N.

Run: python benchmarks/bench_read.py [N] [--rounds R] [--scale]   (stores are built once under benchmarks/.cache/)
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _machine import as_installed, describe

from mergerwatch.core.names import index_tokens_of
from mergerwatch.core.payload import Payload
from mergerwatch.sources import get_source
from mergerwatch.store import name_index
from mergerwatch.store.write.store import Store
from mergerwatch.testing import ftc_pages

CACHE = Path(__file__).parent / ".cache"
# The parties named exactly ``key``, found through an index: the FTS5 name index of a store that has one (there is
# no index on parties.norm beside it since schema 0009, and reading parties by norm would scan the table: a floor
# that grew with the store, 57 ms at 100,000 filings and 112 ms at 300,000), else the index on parties.norm.
FLOOR = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
    "fts = c.execute(\"SELECT 1 FROM sqlite_master WHERE name = 'name_index'\").fetchone(); "
    "q = ('SELECT filing_pk FROM parties WHERE (filing_pk, position) IN (SELECT rowid >> 16, rowid & 65535 "
    "FROM name_index WHERE name_index MATCH ?) AND norm = ?' if fts else "
    "'SELECT filing_pk FROM parties WHERE norm = ?'); "
    "c.execute(q, (sys.argv[3], sys.argv[2]) if fts else (sys.argv[2],)).fetchall()"
)


def compile_other(python: str) -> None:
    """Another installation's bytecode compiled, as as_installed() compiles this one's (editable installs have
    none)."""
    code = "import compileall, os, mergerwatch; compileall.compile_dir(os.path.dirname(mergerwatch.__file__), quiet=1)"
    subprocess.run([python, "-c", code], check=True)
    version = subprocess.run([python, "-m", "mergerwatch", "--version"], capture_output=True, text=True).stdout
    print(f"other: {python} ({version.strip()})")


def build(n: int) -> Path:
    path = CACHE / f"deal-{n}.db"
    if path.exists():
        Store(str(path)).close()  # a store built by an older mergerwatch is migrated here, not in a timed run
        return path
    CACHE.mkdir(exist_ok=True)
    store = Store(str(path))
    src = get_source("ftc-early-termination")
    for body in ftc_pages(n, page_size=5000, seed=3):
        store.import_filings(src.parse(Payload(src.name, "bench", body, kind="api")).filings)
    store.close()
    return path


def _pairs(path: Path, k: int, seed: int) -> list[tuple[str, str, str, str]]:
    """(acquirer, target, filing id, acquirer's normalised key) of k random filings."""
    conn = sqlite3.connect(path)
    rng = random.Random(seed)
    total = conn.execute("SELECT max(pk) FROM filings").fetchone()[0]
    out = []
    while len(out) < k:
        pk = rng.randint(1, total)
        fid = conn.execute("SELECT id FROM filings WHERE pk = ?", (pk,)).fetchone()
        names = conn.execute("SELECT name, norm FROM parties WHERE filing_pk = ? ORDER BY position", (pk,)).fetchall()
        if fid and len(names) >= 2:
            out.append((names[0][0], names[-1][0], fid[0], names[0][1]))
    conn.close()
    return out


def _run(argv: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def measure(path: Path, rounds: int, other: str | None = None) -> dict[str, list[float]]:
    """Paired rounds: the floor, then every command; with ``other`` (another installation's Python) every command
    again through it, in the same round ("other: deal" beside "deal")."""
    times: dict[str, list[float]] = {}
    for i, (acq, tgt, fid, key) in enumerate(_pairs(path, rounds, seed=5)):
        times.setdefault("floor", []).append(
            _run([sys.executable, "-c", FLOOR, str(path), key, name_index.match(index_tokens_of(key))])
        )
        for python, label in [(sys.executable, "")] + ([(other, "other: ")] if other else []):
            for name, argv in _cases(python, path, i, acq, tgt, fid).items():
                times.setdefault(label + name, []).append(_run(argv))
    return times


def _cases(python: str, path: Path, i: int, acq: str, tgt: str, fid: str) -> dict[str, list[str]]:
    mw = [python, "-m", "mergerwatch", "--db", str(path)]
    since = f"20{10 + i % 12:02d}-01-01"
    return {
        "deal": [*mw, "deal", acq, tgt],
        "deal --json": [*mw, "deal", acq, tgt, "--json"],
        "search": [*mw, "search", acq],
        "show": [*mw, "show", fid],
        "sources": [*mw, "sources"],
        "list (2 filters)": [
            *mw,
            "list",
            "--authority",
            "FTC",
            "--since",
            since,
            "--by",
            "decided",
            "--limit",
            "50",
        ],
        "stats (1 authority)": [*mw, "stats", "--authority", "FTC"],
        "--help": [python, "-m", "mergerwatch", "--help"],
    }


def report(times: dict[str, list[float]], n: int) -> dict[str, float]:
    floor = statistics.median(times["floor"])
    print(
        f"\n{n} filings, {len(times['floor'])} paired rounds; floor (fresh Python, one indexed query): "
        f"median {floor * 1000:.0f} ms"
    )
    print(f"{'command':24} {'median':>9} {'ratio':>7}   goal")
    med = {}
    for name, ts in times.items():
        if name == "floor":
            continue
        med[name] = statistics.median(ts)
        goal = 5 if name.endswith("--help") else 10
        verdict = "ok" if med[name] / floor <= goal else "MISSED"
        print(f"{name:24} {med[name] * 1000:7.0f} ms {med[name] / floor:6.1f}x   <= {goal}x {verdict}")
    return med


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--scale", action="store_true", help="also 3N filings: deal at 3N against deal at N")
    ap.add_argument("--other", metavar="PYTHON", help="also time another installation's commands, same rounds")
    args = ap.parse_args()
    print(f"machine: {describe()}")
    print(as_installed())
    if args.other:
        compile_other(args.other)
    med = report(measure(build(args.n), args.rounds, args.other), args.n)
    if args.scale:
        big = report(measure(build(3 * args.n), args.rounds, args.other), 3 * args.n)
        print(f"\ndeal at {3 * args.n} / deal at {args.n}: {big['deal'] / med['deal']:.2f}x (goal <= 1.5x)")


if __name__ == "__main__":
    main()
