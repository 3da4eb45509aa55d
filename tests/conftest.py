from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser):
    parser.addoption("--all", action="store_true", help="run every test, the slow ones too (what CI runs)")


def pytest_collection_modifyitems(config, items):
    """The fast lane by default: tests marked slow are left out unless --all or an explicit -m asks for them."""
    if config.getoption("--all") or config.getoption("markexpr"):
        return
    kept = [i for i in items if "slow" not in i.keywords]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if "slow" in i.keywords])
        items[:] = kept


FIXTURES = ROOT / "fixtures"


@pytest.fixture(autouse=True)
def _isolate_env(monkeypatch, tmp_path):
    # Tests never read the user's database, key or contact.
    for var in (
        "MERGERWATCH_DB",
        "MERGERWATCH_FTC_API_KEY",
        "MERGERWATCH_WEBHOOK",
        "MERGERWATCH_ATOM",
        "MERGERWATCH_CONFIG",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # never the developer's config file
    monkeypatch.setenv("MERGERWATCH_CONTACT", "tests@example.org")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "mw.db")


@pytest.fixture
def store(db):
    from mergerwatch.store.write.store import Store

    s = Store(db)
    yield s
    s.close()


def run_cli(
    *args: str, db: str | None = None, env: dict | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """The real command line in a subprocess: exit codes, stdout and stderr as a user sees them."""
    cmd = [sys.executable, "-m", "mergerwatch"]
    if db:
        cmd += ["--db", db]
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=timeout, env=full_env)


def cli_json(*args: str, db: str | None = None, env: dict | None = None):
    r = run_cli(*args, "--json", db=db, env=env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def name_index_entries(conn) -> list[tuple[str, int, int]]:
    """(word, filing pk, party position) of a SQLite store's name index, sorted, whichever form it takes: the FTS5
    table (store/name_index.py, read through an fts5vocab view) or the name_tokens table."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'name_index'").fetchone():
        return sorted(conn.execute("SELECT token, filing_pk, position FROM name_tokens"))
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.name_index_words USING fts5vocab(main, name_index, instance)")
    out = []
    for term, key in conn.execute("SELECT term, doc FROM temp.name_index_words"):
        word = bytes.fromhex(term[1:]).decode() if term.startswith("_") else term
        out.append((word, key >> 16, key & 0xFFFF))
    return sorted(out)
