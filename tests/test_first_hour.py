"""The first hour of a new user (issue 32): the installed command, run as typed, in a fresh home directory.

Every case here runs the console script in a subprocess with HOME pointing at an empty directory and no
MERGERWATCH_* or XDG_* variable set, as on a machine where mergerwatch was just installed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES

SCRIPT = Path(sys.executable).with_name("mergerwatch")
SEC_8K = FIXTURES / "sec-edgar" / "sec_full_submission_8-K_nvidia_0001045810-26-000024.txt"
FTC_RSS = FIXTURES / "ftc-early-termination" / "rss_hsr-early-termination-notices_2025-04-03.xml"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


def mw(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The installed command as a user types it: a fresh HOME, nothing of the tests' environment."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("MERGERWATCH_", "XDG_"))}
    full.update({"HOME": str(home), "MERGERWATCH_CONTACT": "tests@example.org", **(env or {})})
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=180, env=full, cwd=home)


def one_line_error(r: subprocess.CompletedProcess, code: int, *fragments: str) -> str:
    both = r.stdout + r.stderr
    assert "Traceback" not in both, both
    assert r.returncode == code, (r.returncode, both)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, lines
    for f in fragments:
        assert f.lower() in lines[0].lower(), lines[0]
    return lines[0]


def data_dir(home: Path) -> Path:
    return home / ".local" / "share" / "mergerwatch"


# --- 1. reparse --drop-failed keeps what ingest accepted --------------------------------------------------------


def test_reparse_keeps_a_filing_that_ingest_accepted_with_no_records(home):
    db = str(home / "mine.db")
    r = mw(home, "--db", db, "ingest", "sec-edgar", str(SEC_8K))
    assert r.returncode == 0 and "0 record(s)" in r.stdout, r.stdout + r.stderr
    r = mw(home, "--db", db, "reparse", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["failing"] == [], r.stdout + r.stderr
    r = mw(home, "--db", db, "reparse", "--drop-failed", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["dropped"] == 0, r.stdout + r.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM raw_payloads").fetchone()[0] == 1


# --- 2. demo never replaces what the user added --------------------------------------------------------------


@pytest.mark.slow
def test_demo_twice_on_an_untouched_demo_store_rebuilds_it(home):
    db = str(home / "d.db")
    assert mw(home, "--db", db, "demo").returncode == 0
    assert mw(home, "--db", db, "demo").returncode == 0


@pytest.mark.parametrize(
    "added",
    [
        ("ingest", "ftc-early-termination", str(FTC_RSS)),
        ("watch", "add", "nvidia", "groq"),
        ("alias", "add", "Alphabet", "Google"),
    ],
)
@pytest.mark.slow
def test_demo_refuses_a_demo_store_the_user_added_to(home, added):
    db = home / "d.db"
    assert mw(home, "--db", str(db), "demo").returncode == 0
    assert mw(home, "--db", str(db), *added).returncode == 0
    before = db.read_bytes()
    one_line_error(mw(home, "--db", str(db), "demo"), 2, "--force", "did not write")
    assert db.read_bytes() == before
    assert mw(home, "--db", str(db), "demo", "--force").returncode == 0


@pytest.mark.slow
def test_demo_refuses_its_own_file_once_the_user_stored_things_in_it(home):
    demo_db = data_dir(home) / "demo.db"
    assert mw(home, "demo").returncode == 0 and demo_db.exists()
    env = {"MERGERWATCH_DB": str(demo_db)}
    assert mw(home, "ingest", "ftc-early-termination", str(FTC_RSS), env=env).returncode == 0
    one_line_error(mw(home, "demo", env=env), 2, "--force")
    one_line_error(mw(home, "demo"), 2, "--force")
    r = mw(home, "search", "Medical Properties Trust", "--json", env=env)
    assert r.returncode == 0 and "Medical Properties Trust" in r.stdout  # what the user stored is still there


# --- 3. after `demo`, the commands the README and the demo print work as typed ------------------------------------


@pytest.mark.slow
def test_after_the_demo_the_readme_deal_query_reads_the_demo_store_and_says_so(home):
    assert mw(home, "demo").returncode == 0
    r = mw(home, "deal", "Navitas Semiconductor", "Claros")
    assert r.returncode == 0 and "terminated early" in r.stdout, r.stdout + r.stderr
    assert "demo store" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    # the user's first records of their own: from then on their store is read, without a note
    assert mw(home, "ingest", "ftc-early-termination", str(FTC_RSS)).returncode == 0
    r = mw(home, "deal", "Navitas Semiconductor", "Claros")
    assert r.returncode == 0 and "demo store" not in r.stderr


# --- 6. options wherever a user puts them; a config file ---------------------------------------------------------


def test_the_store_option_works_after_the_command(home):
    db = home / "x.db"
    assert mw(home, "ingest", "ftc-early-termination", str(FTC_RSS), "--db", str(db)).returncode == 0
    r = mw(home, "list", "--db", str(db), "--json")
    assert r.returncode == 0 and json.loads(r.stdout), r.stderr
    r = mw(home, "search", "Medical Properties Trust", f"--db={db}", "--json")
    assert r.returncode == 0 and "Medical Properties Trust" in r.stdout


def _config(home: Path, text: str) -> Path:
    path = home / ".config" / "mergerwatch" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_config_file_names_the_store_and_the_default_output(home):
    db = home / "team.db"
    _config(home, f'db = "{db}"\noutput = "json"\ncontact = "someone@example.org"\n')
    assert mw(home, "ingest", "ftc-early-termination", str(FTC_RSS)).returncode == 0
    assert db.exists()
    r = mw(home, "list", "--limit", "2")
    assert r.returncode == 0 and len(json.loads(r.stdout)) == 2  # JSON by default
    r = mw(home, "list", "--limit", "2", "--text")
    assert r.returncode == 0 and not r.stdout.lstrip().startswith("[")


@pytest.mark.parametrize(
    "text, fragment",
    [("db = ", "not valid TOML"), ('colour = "red"\n', "unknown key"), ('output = "xml"\n', "output takes")],
)
def test_a_broken_config_file_is_one_line_naming_it(home, text, fragment):
    path = _config(home, text)
    line = one_line_error(mw(home, "list"), 2, fragment)
    assert str(path) in line


# --- 7. filters and options that would be ignored are refused -----------------------------------------------------


def test_weeks_without_an_extension_is_refused(home):
    one_line_error(mw(home, "clock", "uk-phase2", "2025-01-10", "--weeks", "4"), 2, "--extended")
