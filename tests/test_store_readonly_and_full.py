"""A store on a read-only disk is read, and a write to it refused in one line; a full disk is named with its store,
and nothing stored is lost (issue 35, items 7 and 8). Real read-only and full file systems where this machine can
mount them (a read-only bind mount, a small tmpfs); the same paths through a stand-in otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from mergerwatch.testing import ftc_pages

from .conftest import FIXTURES

FTC_RSS = FIXTURES / "ftc-early-termination" / "rss_hsr-early-termination-notices_2025-04-03.xml"


def mw(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("MERGERWATCH_")}
    full.update({"MERGERWATCH_CONTACT": "tests@example.org", **(env or {})})
    return subprocess.run([sys.executable, "-m", "mergerwatch", *args], capture_output=True, text=True,
                          timeout=120, env=full)  # fmt: skip


@contextmanager
def _mount(*args: str):
    target = Path(args[-1])
    r = subprocess.run(["mount", *args], capture_output=True)
    if r.returncode != 0:
        pytest.skip("this machine cannot mount file systems here (needs root)")
    try:
        yield target
    finally:
        subprocess.run(["umount", str(target)], capture_output=True)


def test_a_store_on_a_read_only_disk_is_read_and_a_write_refused(tmp_path):
    src, ro = tmp_path / "src", tmp_path / "ro"
    src.mkdir()
    ro.mkdir()
    assert mw("--db", str(src / "s.db"), "ingest", "ftc-early-termination", str(FTC_RSS)).returncode == 0
    with _mount("--bind", str(src), str(ro)):
        if subprocess.run(["mount", "-o", "remount,ro,bind", str(ro)], capture_output=True).returncode:
            pytest.skip("no read-only remount here")
        db = str(ro / "s.db")
        for cmd in (["list", "--json"], ["deal", "Axel", "Springer", "--json"], ["sources", "--json"],
                    ["stats", "--json"], ["deadlines", "--json"]):  # fmt: skip
            r = mw("--db", db, *cmd)
            assert r.returncode == 0 and "Traceback" not in r.stderr, (cmd, r.stderr)
            json.loads(r.stdout)
        assert len(json.loads(mw("--db", db, "list", "--json").stdout)) == 20
        for cmd in (["ingest", "ftc-early-termination", str(FTC_RSS)], ["watch", "add", "nvidia", "groq"]):
            r = mw("--db", db, *cmd)
            lines = r.stderr.strip().splitlines()
            assert r.returncode == 1 and len(lines) == 1 and "read-only" in lines[0], (cmd, r.stderr)


def test_reading_a_read_only_store_opens_it_read_only(tmp_path, monkeypatch):
    """The same path without mounting: the store taken as not writable is opened read-only, and Store refuses it."""
    from mergerwatch.core.errors import StoreReadOnly
    from mergerwatch.store.read import reader
    from mergerwatch.store.write import store

    db = tmp_path / "s.db"
    assert mw("--db", str(db), "ingest", "ftc-early-termination", str(FTC_RSS)).returncode == 0
    monkeypatch.setattr(reader, "writable", lambda _p: False)
    monkeypatch.setattr(store, "writable", lambda _p: False)
    rd = reader.open_reader(str(db))
    assert rd.counts_by_source() == {"ftc-early-termination": 20}
    with pytest.raises(StoreReadOnly, match="read-only"):
        store.Store(str(db))


def test_a_full_disk_is_named_and_nothing_stored_is_lost(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    with _mount("-t", "tmpfs", "-o", "size=900k", "tmpfs", str(disk)):
        db = str(disk / "s.db")
        assert mw("--db", db, "ingest", "ftc-early-termination", str(FTC_RSS)).returncode == 0
        pages = []
        for i, body in enumerate(ftc_pages(4_000, page_size=50, seed=11)):  # far more than the disk holds
            pages.append(tmp_path / f"p{i}.json")
            pages[-1].write_bytes(body)
        r = mw("--db", db, "ingest", "ftc-early-termination", *map(str, pages))
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        assert len(lines) == 1 and "disk holding the store" in lines[0] and db in lines[0], lines
        assert "nothing stored was lost" in lines[0]
        kept = json.loads(mw("--db", db, "list", "--limit", "0", "--json").stdout)
        assert len(kept) == 20 and {f["source"] for f in kept} == {"ftc-early-termination"}
