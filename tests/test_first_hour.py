"""The first hour of a new user (issue 32): the installed command, run as typed, in a fresh home directory.

Every case here runs the console script in a subprocess with HOME pointing at an empty directory and no
MERGERWATCH_* or XDG_* variable set, as on a machine where mergerwatch was just installed.
"""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES

SCRIPT = Path(sys.executable).with_name("mergerwatch")
SEC_8K = FIXTURES / "sec-edgar" / "sec_full_submission_8-K_nvidia_0001045810-26-000024.txt"
FTC_RSS = FIXTURES / "ftc-early-termination" / "rss_hsr-early-termination-notices_2025-04-03.xml"
# A file the demo does not record (the demo's own files add nothing to a demo store: the same payload, the same rows)
FTC_OTHER = (
    FIXTURES
    / "ftc-early-termination"
    / "api_legacy-d7_hsr-early-termination-notices_keywords-Blockbuster_docs-example-2018.json"
)


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
        ("ingest", "ftc-early-termination", str(FTC_OTHER)),
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
    assert mw(home, "ingest", "ftc-early-termination", str(FTC_OTHER), env=env).returncode == 0
    one_line_error(mw(home, "demo", env=env), 2, "--force")
    one_line_error(mw(home, "demo"), 2, "--force")
    r = mw(home, "search", "Blockbuster", "--json", env=env)
    assert r.returncode == 0 and "Blockbuster" in r.stdout  # what the user stored is still there


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


# --- 4, 5. the demo holds every recorded source, says what each recording is, and prints commands that work ------


@pytest.mark.slow
def test_the_demo_records_several_sources_and_every_command_it_prints_works_as_typed(home):
    r = mw(home, "demo")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[bold]" not in r.stdout and "[/" not in r.stdout  # our styling is never printed as markup
    for kind in ("real response recorded 2025-04-03", "rebuilt from the values", "real rows", "own example"):
        assert kind in r.stdout  # each recording says what it is and when it was recorded
    tried = [ln.strip() for ln in r.stdout.split("Try:", 1)[1].splitlines() if ln.strip()]
    assert len(tried) >= 5
    for line in tried:
        args = shlex.split(line)
        assert args[0] == "mergerwatch"
        got = mw(home, *args[1:])
        assert got.returncode == 0, (line, got.stdout, got.stderr)
        assert "Traceback" not in got.stderr and got.stdout.strip(), line
    stats = json.loads(mw(home, "stats", "--json").stdout)
    assert len({row["authority"] for row in stats}) >= 3
    assert sum(row["cases"] for row in stats if row["authority"] == "EC") > 1000
    sources = json.loads(mw(home, "sources", "--json").stdout)
    assert sum(1 for s in sources if s["records"]) >= 4


def readme_demo_block() -> list[str]:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = readme.split("$ mergerwatch demo\n", 1)[1].split("```", 1)[0]
    return [ln for ln in block.splitlines() if ln.strip() and ln != "..." and not ln.startswith("Demo store:")]


@pytest.mark.slow
def test_the_readme_shows_what_the_demo_prints(home):
    r = mw(home, "demo")
    printed = r.stdout.splitlines()
    shown = readme_demo_block()
    assert len(shown) > 15
    missing = [ln for ln in shown if ln not in printed]
    assert not missing, missing
    assert printed[0] == f"Demo store: {data_dir(home) / 'demo.db'}"


@pytest.mark.slow
def test_demo_dates_are_the_recordings_not_the_build_time(home):
    assert mw(home, "demo").returncode == 0
    out = json.loads(mw(home, "deal", "Navitas Semiconductor", "Claros", "--json").stdout)
    assert out["as_of"] == {"ftc-early-termination": "2026-09-30T12:00:00+00:00"}
    assert out["as_of_files"] == ["ftc-early-termination"]
    seen = [e["observed_at"] for f in out["filings"] for e in f["events"]]
    assert seen and all(s.startswith("2026-09-30") for s in seen)
    text = mw(home, "deal", "Navitas Semiconductor", "Claros").stdout
    assert "as of: ftc-early-termination 2026-09-30 (its newest stored response" in text
    assert "T12:00" not in text and "+00:00" not in text  # a date a person reads


@pytest.fixture
def utc(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_times_read_as_a_person_says_them(utc):
    from datetime import UTC, datetime

    from mergerwatch.core.dates import human_when

    now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert human_when("2026-12-07T00:37:17.165515+00:00", now) == "today 00:37"
    assert human_when("2026-12-06T18:02:00+00:00", now) == "yesterday 18:02"
    assert human_when("2026-12-04T09:00:00+00:00", now) == "3 days ago"
    assert human_when("2025-04-03T12:00:00+00:00", now) == "2025-04-03"
    assert human_when("2027-01-01T00:00:00+00:00", now) == "2027-01-01"  # a clock set wrong: the date itself
    assert human_when(None, now) == "" and human_when("not a time", now) == "not a time"


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


FTC_PRESS = FIXTURES / "ftc-press" / "rss_press-release-competition_2025-04-03.xml"


@pytest.fixture
def us_store(home: Path) -> str:
    db = str(home / "us.db")
    r = mw(home, "--db", db, "ingest", "ftc-early-termination", str(FTC_RSS))
    assert r.returncode == 0, r.stderr
    assert mw(home, "--db", db, "ingest", "ftc-press", str(FTC_PRESS)).returncode == 0
    return db


@pytest.mark.parametrize("typed", ["cleared with remedies", "CLEARED_WITH_REMEDIES", "Cleared-With-Remedies"])
def test_status_takes_what_the_table_prints_in_any_case(home, us_store, typed):
    r = mw(home, "--db", us_store, "list", "--status", typed, "--json")
    assert r.returncode == 0, r.stderr
    assert {f["status_label"] for f in json.loads(r.stdout)} == {"cleared with remedies"}


def test_an_unknown_authority_is_a_usage_error_naming_the_known_ones(home, us_store):
    line = one_line_error(mw(home, "--db", us_store, "list", "--authority", "XYZ"), 2, "unknown authority 'XYZ'")
    assert all(a in line for a in ("FTC", "DOJ", "EC", "CMA"))
    one_line_error(mw(home, "--db", us_store, "stats", "--authority", "xyz"), 2, "unknown authority")
    assert mw(home, "--db", us_store, "list", "--authority", "ftc", "--json").returncode == 0  # any case


def test_an_unknown_status_lists_the_labels(home, us_store):
    line = one_line_error(mw(home, "--db", us_store, "list", "--status", "approved"), 2, "unknown status")
    assert "cleared with remedies" in line and "HSR waiting period ended" in line


# --- 8. a name written as one word, with &, or abbreviated gets a "did you mean" that works as typed -------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        (["ExxonMobil", "Pioneer"], "'Exxon Mobil Corporation' Pioneer"),  # one word for two
        (["Exxon Mobil", "Pioneer Nat Res"], "'Pioneer Natural Resources'"),  # words cut short
        (["Exxon", "Pioneer Natural Res."], "'Pioneer Natural Resources'"),
    ],
)
def test_a_name_written_otherwise_gets_a_did_you_mean_that_works(home, us_store, typed, meant):
    r = mw(home, "--db", us_store, "deal", *typed)
    assert r.returncode == 0 and "No filing names all of" in r.stdout, r.stdout + r.stderr
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("Did you mean: "))
    assert meant in line, line
    cmd = shlex.split(line.removeprefix("Did you mean: ").split("  (")[0])
    again = mw(home, "--db", us_store, *cmd[1:], "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["found"], again.stdout
    out = json.loads(mw(home, "--db", us_store, "deal", *typed, "--json").stdout)
    assert out["did_you_mean"]["filings"] == 1 and out["suggestions"]


def test_spaced_ampersands_initials_and_short_words_are_suggested(home, us_store):
    from mergerwatch.query.suggest import _SPACED_AMPERSAND, _initials

    assert _SPACED_AMPERSAND.sub(r"\1\2", "s and p global") == "sp global"
    assert _initials("international business machines") == "ibm"
    out = json.loads(mw(home, "--db", us_store, "deal", "Friede Springer", "KKR T C", "--json").stdout)
    assert not out["found"]
    assert out["did_you_mean"] == {"query": ["Friede Springer", "KKR Traviata Co-Invest L.P."], "filings": 1}


# --- 9. an HSR waiting period that ended is its own outcome, not a clearance ----------------------------------------


def test_early_terminations_are_not_counted_as_clearances(home, us_store):
    rows = json.loads(mw(home, "--db", us_store, "stats", "--authority", "FTC", "--json").stdout)
    ended = sum(r["outcomes"]["waiting_period_ended"] for r in rows)
    assert ended == 20 and sum(r["outcomes"]["cleared"] for r in rows) == 0
    r = mw(home, "--db", us_store, "list", "--status", "HSR waiting period ended", "--limit", "0", "--json")
    assert r.returncode == 0 and len(json.loads(r.stdout)) == 20, r.stderr
    r = mw(home, "--db", us_store, "list", "--status", "cleared", "--authority", "FTC", "--json")
    assert r.returncode == 0 and json.loads(r.stdout) == []
    text = mw(home, "--db", us_store, "stats", "--authority", "FTC").stdout
    header = next(ln for ln in text.splitlines() if ln.startswith("authority"))
    for col in ("open", "cleared", "HSR ended", "challenged", "closed"):
        assert col in header, header


# --- 10. an argument that is not UTF-8 is a usage error in one line ------------------------------------------------


def mw_bytes(home: Path, *args: bytes) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MERGERWATCH_", "XDG_"))}
    env.update({"HOME": str(home), "LC_ALL": "C.UTF-8"})
    return subprocess.run([bytes(SCRIPT), *args], capture_output=True, text=True, timeout=60, env=env, cwd=home,
                          errors="replace")  # fmt: skip


@pytest.mark.parametrize("args", [[b"show", b"M.\xff"], [b"watch", b"add", b"--party", b"\xff"],
                                  [b"deal", b"Nvidia", b"Gr\xe9q"], [b"list", b"--authority", b"E\xffC"]])  # fmt: skip
def test_an_argument_that_is_not_utf8_is_a_usage_error(home, args):
    line = one_line_error(mw_bytes(home, *args), 2, "not valid UTF-8")
    assert "\\x" in line  # the byte shown as an escape, never as a broken character


def test_a_file_name_that_is_not_utf8_is_still_read(home, tmp_path):
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/feed-\xff.xml"))
    odd.write_bytes(FTC_RSS.read_bytes())
    r = mw_bytes(home, b"--db", bytes(home / "x.db"), b"ingest", b"ftc-early-termination", os.fsencode(odd))
    assert r.returncode == 0 and "20 record(s)" in r.stdout, r.stdout + r.stderr


# --- 14. tables fit an 80-column terminal; a pipe gets plain columns sized to the content --------------------------


def mw_tty(home: Path, *args: str, cols: int = 80) -> str:
    """The command on a terminal of ``cols`` columns (a pseudo-terminal): what the user sees."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, cols, 0, 0))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MERGERWATCH_", "XDG_")) and k != "COLUMNS"}
    env.update({"HOME": str(home), "TERM": "dumb", "NO_COLOR": "1"})
    p = subprocess.Popen([str(SCRIPT), *args], stdout=slave, stderr=subprocess.DEVNULL, env=env, cwd=home)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other end closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert p.wait(timeout=120) == 0
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


def test_a_list_row_is_one_line_on_an_80_column_terminal(home, us_store):
    out = mw_tty(home, "--db", us_store, "list", "--limit", "5", "--authority", "FTC")
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert max(len(ln) for ln in lines) <= 80, out
    rows = [ln for ln in lines if "FTC" in ln]
    assert len(rows) == 5, out  # one line a filing
    for cmd in (["stats"], ["deal", "Exxon", "Pioneer"], ["show", "20250988"], ["sources"]):
        out = mw_tty(home, "--db", us_store, *cmd, cols=80)
        assert max(len(ln) for ln in out.splitlines()) <= 80, (cmd, out)
        assert "┃ ty" not in out and "┃ ty ┃" not in out


def test_a_pipe_gets_plain_columns_sized_to_the_content(home, us_store):
    r = mw(home, "--db", us_store, "list", "--limit", "5", "--authority", "FTC")
    lines = r.stdout.splitlines()
    assert not any(ch in r.stdout for ch in "┃│━─┏┡└"), r.stdout  # no borders
    assert all(ln == ln.rstrip() for ln in lines)  # no padding to a width
    start = lines[1].index("title")  # the header line; every row's title begins there
    titles = [ln[start:] for ln in lines[2:]]
    assert all(ln[start - 2 : start] == "  " for ln in lines[2:])
    assert max(len(ln) for ln in lines) == start + max(len(t) for t in titles)  # as wide as the content


# --- 11. a notification on a day that is not a working day takes effect the next working day ------------------------


@pytest.mark.parametrize(
    ("regime", "day", "end"),
    [("eu-phase1", "2025-01-11", "2025-02-17"),  # a Saturday: effective Monday 13, day 1 Tuesday 14
     ("eu-phase1", "2025-01-10", "2025-02-14"),  # a Friday: day 1 Monday 13
     ("uk-phase1", "2025-04-19", "2025-06-19")],  # Easter Saturday: Easter Monday is a bank holiday too
)  # fmt: skip
def test_a_notification_on_a_day_off_takes_effect_the_next_working_day(home, regime, day, end):
    r = mw(home, "clock", regime, day, "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["end"] == end, r.stdout + r.stderr
    text = mw(home, "clock", regime, day).stdout
    assert ("takes effect on the next working day" in text) == (day != "2025-01-10")


# --- 12. the Commission's holidays of 2026 and 2027 ship; a year without its list cannot be missed -----------------


def test_2026_counts_the_commissions_holidays(home):
    # Ascension Thursday and Friday (14-15 May) and Whit Monday (25 May) 2026 are not working days
    r = mw(home, "clock", "eu-phase1", "2026-05-12", "--json")
    out = json.loads(r.stdout)
    assert out["end"] == "2026-06-19" and out["warnings"] == []


@pytest.mark.parametrize(("day", "words"), [("2027-03-01", "provisional"), ("2028-03-01", "not shipped")])
def test_a_year_without_the_commissions_own_list_is_in_the_answer(home, day, words):
    r = mw(home, "clock", "eu-phase1", day)
    assert r.returncode == 0
    warning = next(ln for ln in r.stdout.splitlines() if "CHECK THIS DATE" in ln)
    assert words in warning and str(day[:4]) in warning and warning.startswith("  ! ")
    assert json.loads(mw(home, "clock", "eu-phase1", day, "--json").stdout)["warnings"]


def test_deadlines_show_and_the_calendar_carry_the_warning():
    from datetime import date

    from mergerwatch.query.deadlines import describe, next_deadline
    from mergerwatch.render.ics import deadlines_ics
    from mergerwatch.render.tables import deadline_warnings

    rec = {"id": "ec-mergers:M.99999", "source": "ec-mergers", "authority": "EC", "case_ref": "M.99999",
           "title": "A / B", "status": "notified", "status_label": "notified", "url": None,
           "extra": {"notification_date": "2028-03-01"}, "events": []}  # fmt: skip
    dl = next_deadline(rec, today=date(2028, 3, 2))
    assert dl is not None and dl["kind"] == "computed" and "not shipped" in dl["warnings"][0]
    assert "CHECK THIS DATE" in describe(dl)  # what `show` and `deal` print
    rec["next_deadline"] = dl
    assert deadline_warnings([rec]) == dl["warnings"]  # printed under the `deadlines` table
    assert b"SUMMARY:CHECK: EC M.99999" in deadlines_ics([rec]).replace(b"\r\n ", b"")


# --- 13. long work shows progress on a terminal, nothing in a pipe; Ctrl-C answers within a second ------------------


def mw_progress(home: Path, *args: str, env: dict[str, str] | None = None) -> tuple[str, str]:
    """The command with its stderr on a terminal (a pseudo-terminal) and its stdout in a pipe: (stdout, stderr)."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    full = {k: v for k, v in os.environ.items() if not k.startswith(("MERGERWATCH_", "XDG_")) and k != "COLUMNS"}
    full.update({"HOME": str(home), "MERGERWATCH_CONTACT": "tests@example.org", **(env or {})})
    p = subprocess.Popen([str(SCRIPT), *args], stdout=subprocess.PIPE, stderr=slave, env=full, cwd=home)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    out = p.stdout.read().decode() if p.stdout else ""
    p.wait(timeout=120)
    return out, b"".join(chunks).decode("utf-8", "replace")


FTC_2026 = FIXTURES / "ftc-early-termination" / "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml"
INGESTED = [FTC_RSS, FTC_2026, FTC_OTHER]


def test_ingest_and_reparse_show_a_bar_on_a_terminal_and_nothing_in_a_pipe(home):
    db = str(home / "p.db")
    out, err = mw_progress(home, "--db", db, "ingest", "ftc-early-termination", *map(str, INGESTED))
    assert "storing 3 file(s)" in err and "3/3" in err and "━" in err, err
    assert out.count("record(s)") == 3  # the answer itself is unchanged, on stdout
    _out, err = mw_progress(home, "--db", db, "reparse")
    assert "re-parsing 3 payload(s)" in err and "3/3" in err, err
    piped = mw(home, "--db", db, "reparse")
    assert piped.returncode == 0 and piped.stderr == ""  # nothing extra in a pipe
    as_json = mw_progress(home, "--db", db, "reparse", "--json")[1]
    assert "re-parsing" not in as_json  # nor with --json


@pytest.fixture
def silent_proxy():
    """A proxy on 127.0.0.1 that accepts connections and never answers: every request hangs until its timeout.
    Bounded: it stops with the test."""
    import socket
    import threading

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    srv.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(srv.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    url = f"http://127.0.0.1:{srv.getsockname()[1]}"
    yield {"HTTPS_PROXY": url, "HTTP_PROXY": url, "NO_PROXY": "", "no_proxy": ""}
    stop.set()
    t.join(timeout=2)
    for c in held:
        c.close()
    srv.close()


@pytest.mark.slow
@pytest.mark.parametrize("command", [["refresh"], ["doctor"]])
def test_ctrl_c_ends_refresh_and_doctor_within_a_second(home, silent_proxy, command):
    import signal
    import time

    full = {k: v for k, v in os.environ.items() if not k.startswith(("MERGERWATCH_", "XDG_"))}
    full.update({"HOME": str(home), "MERGERWATCH_CONTACT": "tests@example.org", **silent_proxy})
    p = subprocess.Popen([str(SCRIPT), *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=full, cwd=home)  # fmt: skip
    time.sleep(2.5)  # every source is waiting on the proxy by now
    assert p.poll() is None
    sent = time.monotonic()
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    assert time.monotonic() - sent < 1.0, err
    assert p.returncode == 130 and err.splitlines() == ["interrupted"], (p.returncode, err[-800:])
    assert "Traceback" not in out + err


# --- 15. offline, doctor says so in one line ----------------------------------------------------------------------


def test_offline_doctor_is_one_line(home, tmp_path):
    import socket

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: every connection is refused, as with no network
    url = f"http://127.0.0.1:{port}"
    r = mw(home, "doctor", env={"HTTPS_PROXY": url, "HTTP_PROXY": url, "NO_PROXY": "", "no_proxy": ""})
    line = one_line_error(r, 1, "offline")
    assert len(line) < 200 and line.count("offline") == 2, line
    r = mw(home, "doctor", "--json", env={"HTTPS_PROXY": url, "HTTP_PROXY": url, "NO_PROXY": "", "no_proxy": ""})
    results = json.loads(r.stdout)
    assert r.returncode == 1 and results and all(x["offline"] and not x["ok"] for x in results)
    assert not any(x["message"].startswith(x["source"] + ":") for x in results)  # no doubled source prefix


def test_refresh_and_doctor_show_a_line_per_source_on_a_terminal(home):
    import socket

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    closed.close()
    env = {"HTTPS_PROXY": url, "HTTP_PROXY": url, "NO_PROXY": "", "no_proxy": ""}
    _out, err = mw_progress(home, "doctor", env=env)
    assert "checking" in err and all(name in err for name in ("ftc-press", "ec-mergers", "sec-edgar")), err
    out, err = mw_progress(home, "--db", str(home / "r.db"), "refresh", env=env)
    assert "waiting" in err or "failed:" in err, err
    assert "ec-mergers" in err and "refresh run" in out
