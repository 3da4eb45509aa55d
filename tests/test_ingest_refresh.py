"""refresh end to end on replayed recordings: idempotence, kills at random points, the lock, the run log."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from mergerwatch.fetch.transports import save_recording
from mergerwatch.sources.ftc_early_termination import API_URL, PAGE_LIMIT, RSS_URL
from mergerwatch.testing import ftc_pages

from .conftest import FIXTURES, cli_json, name_index_entries, run_cli

DEMO = Path(__file__).parent / "data" / "recordings"  # real responses in the replay layout


def _snapshot(db: str) -> dict:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {
            "filings": sorted(conn.execute("SELECT id, status, status_raw, status_date, content_hash FROM filings")),
            "parties": sorted(
                conn.execute(
                    "SELECT f.id, p.position, p.name, p.role, p.norm FROM parties p "
                    "JOIN filings f ON f.pk = p.filing_pk"
                )
            ),
            "events": sorted(
                conn.execute(
                    "SELECT f.id, e.event_key, e.status, e.event_date FROM status_events e "
                    "JOIN filings f ON f.pk = e.filing_pk"
                )
            ),
            "tokens": len(name_index_entries(conn)),
        }


def test_same_replayed_refresh_twice_changes_nothing(db):
    first = cli_json("refresh", "--source", "ftc-early-termination", "--replay", str(DEMO), db=db)
    assert first["ok"] and first["sources"][0]["new"] == 20
    snap = _snapshot(db)
    second = cli_json("refresh", "--source", "ftc-early-termination", "--replay", str(DEMO), db=db)
    src = second["sources"][0]
    assert (src["new"], src["updated"], src["events"]) == (0, 0, 0)
    assert src["unchanged"] == src["records"] > 0
    assert _snapshot(db) == snap


@pytest.fixture(scope="module")
def backfill_dir(tmp_path_factory) -> Path:
    """Recordings for a first night with --full: the feed, the newest page, and 40 backfill pages."""
    root = tmp_path_factory.mktemp("replay")
    d = FIXTURES / "ftc-early-termination"
    save_recording(
        root,
        "GET",
        RSS_URL,
        200,
        {"content-type": "application/rss+xml"},
        (d / "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml").read_bytes(),
    )
    newest = {
        "page[offset]": "0",
        "page[limit]": str(PAGE_LIMIT),
        "sort[sort-changed][path]": "changed",
        "sort[sort-changed][direction]": "DESC",
    }
    save_recording(
        root,
        "GET",
        str(httpx.Request("GET", API_URL, params=newest).url),
        200,
        {},
        (d / "api_hsr-early-termination-notices_page-limit-2_DEMO_KEY_2026-09-30.json").read_bytes(),
    )
    for i, body in enumerate(ftc_pages(2000, page_size=PAGE_LIMIT, seed=7)):
        q = {
            "page[offset]": str(i * PAGE_LIMIT),
            "page[limit]": str(PAGE_LIMIT),
            "sort[sort-created][path]": "created",
            "sort[sort-created][direction]": "ASC",
        }
        save_recording(root, "GET", str(httpx.Request("GET", API_URL, params=q).url), 200, {}, body)
    return root


def _refresh_cmd(db: str, replay: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "mergerwatch",
        "--db",
        db,
        "refresh",
        "--source",
        "ftc-early-termination",
        "--full",
        "--replay",
        str(replay),
        "--json",
    ]


@pytest.mark.slow
def test_killed_refreshes_reach_the_same_final_database(tmp_path, backfill_dir):
    ref_db = str(tmp_path / "ref.db")
    started = time.perf_counter()
    r = subprocess.run(_refresh_cmd(ref_db, backfill_dir), capture_output=True, text=True, timeout=300)
    took = time.perf_counter() - started  # the kills land inside a run however fast this machine is
    assert r.returncode == 0, r.stderr
    reference = _snapshot(ref_db)
    assert len(reference["filings"]) == 2020
    rng = random.Random(42)
    db = str(tmp_path / "killed.db")
    kills = 0
    for _trial in range(4):
        p = subprocess.Popen(_refresh_cmd(db, backfill_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(took * rng.uniform(0.2, 0.8))
        if p.poll() is None:
            os.kill(p.pid, signal.SIGKILL)
            kills += 1
        p.wait(timeout=60)
        _snapshot(db)  # consistent after every kill
    assert kills >= 1
    r = subprocess.run(_refresh_cmd(db, backfill_dir), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert _snapshot(db) == reference


HOLDER = """
import sys, time
from mergerwatch.store.write.store import Store
s = Store(sys.argv[1]); s.acquire_lock(); print("locked", flush=True); time.sleep(float(sys.argv[2]))
s.release_lock()
"""


@pytest.mark.slow
def test_second_refresh_refuses_while_one_runs(db, backfill_dir):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, db, "30"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        b = subprocess.run(_refresh_cmd(db, backfill_dir), capture_output=True, text=True, timeout=120)
        assert b.returncode == 3
        assert "another refresh" in b.stderr and "--wait" in b.stderr
    finally:
        holder.kill()
        holder.wait()
    # the holder was killed: its lock is stale and the next run takes it over
    c = subprocess.run(_refresh_cmd(db, backfill_dir), capture_output=True, text=True, timeout=300)
    assert c.returncode == 0, c.stderr


def test_two_refreshes_started_together_never_overlap(db, backfill_dir):
    procs = [
        subprocess.Popen(_refresh_cmd(db, backfill_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes in ([0, 0], [0, 3]), [
        o[1][-2000:] for o in outs
    ]  # one ran; the other ran after it or refused, never both at once
    with sqlite3.connect(db) as conn:
        runs = conn.execute("SELECT started_at, finished_at FROM runs ORDER BY id").fetchall()
    for (_s1, f1), (s2, _f2) in zip(runs, runs[1:], strict=False):
        assert f1 <= s2


@pytest.mark.slow
def test_wait_takes_the_lock_after_the_first_run(db, backfill_dir):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, db, "3"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    b = subprocess.run([*_refresh_cmd(db, backfill_dir), "--wait"], capture_output=True, text=True, timeout=300)
    holder.wait(timeout=60)
    assert b.returncode == 0, b.stderr


def test_run_log_and_sources_command(db):
    cli_json("refresh", "--source", "ftc-early-termination", "--replay", str(DEMO), db=db)
    rows = cli_json("sources", db=db)
    ftc = next(r for r in rows if r["source"] == "ftc-early-termination")
    assert ftc["records"] == 20 and ftc["last_success"] and ftc["age_days"] < 1
    assert ftc["warnings"] == []


@pytest.mark.slow
def test_failing_source_gives_exit_1_and_is_reported(db, tmp_path):
    empty = tmp_path / "empty-replay"
    empty.mkdir()
    r = run_cli("refresh", "--source", "ftc-early-termination", "--replay", str(empty), db=db)
    assert r.returncode == 1
    assert "ftc-early-termination" in r.stderr and "no recording" in r.stderr
    for _ in range(2):
        run_cli("refresh", "--source", "ftc-early-termination", "--replay", str(empty), db=db)
    rows = cli_json("sources", db=db)
    assert any("failed on the last 3 runs" in w for r in rows for w in r["warnings"])


def test_live_refresh_needs_a_contact(db):
    r = run_cli("refresh", db=db, env={"MERGERWATCH_CONTACT": ""})
    assert r.returncode == 2 and "MERGERWATCH_CONTACT" in r.stderr
