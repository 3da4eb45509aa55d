"""The installed console script, run as a user types it, with every class of bad input.

Runs the ``mergerwatch`` command of the environment the tests run in (``pip install -e .`` puts it beside the
interpreter), not ``python -m`` and not CliRunner: a dependency that the package imports but does not declare
shows up here. Every case asserts the exit code, one line on stderr naming the mistake, and no traceback.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES

SCRIPT = Path(sys.executable).with_name("mergerwatch")
COMMANDS = [
    "show x",
    "search x",
    "deal x",
    "sources",
    "parse ftc-press x",
    "ingest ftc-press x",
    "reparse",
    "refresh",
    "changes",
    "doctor",
    "demo",
    "version",
    "clock us-hsr 2024-08-30",
    "list",
    "stats",
    "deadlines",
    "alias add a b",
    "alias list",
    "alias remove a",
    "watch add a",
    "watch list",
    "watch remove a",
]


def run(args: list[str], tmp: Path, env: dict[str, str] | None = None, drop: tuple[str, ...] = ()):
    full = {k: v for k, v in os.environ.items() if k not in drop}
    full.update({"XDG_DATA_HOME": str(tmp / "xdg"), "MERGERWATCH_DB": str(tmp / "mw.db"), **(env or {})})
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=120, env=full, cwd=tmp)


def assert_one_line_error(r: subprocess.CompletedProcess, code: int, fragment: str) -> None:
    both = r.stdout + r.stderr
    assert "Traceback" not in both, both
    assert r.returncode == code, (r.returncode, both)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, lines
    assert fragment.lower() in lines[0].lower(), lines[0]


def test_the_console_script_is_installed():
    assert SCRIPT.exists(), f"no console script at {SCRIPT}: install the project first (pip install -e .)"


@pytest.mark.parametrize("cmd", COMMANDS)
def test_an_unknown_option_is_a_one_line_usage_error_for_every_command(tmp_path, cmd):
    r = run([*cmd.split(), "--surely-not-an-option"], tmp_path)
    assert_one_line_error(r, 2, "--surely-not-an-option")


def _newer_store(tmp: Path) -> Path:
    p = tmp / "newer.db"
    with sqlite3.connect(p) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('0003_future')")
    return p


CASES = [
    (["--surely-not-an-option"], 2, "no such option"),
    (["--db", "x.db"], 2, "missing command"),
    (["deal"], 2, "missing argument"),
    (["deal", "", ""], 2, "not empty"),
    (["deal", "  ", "groq"], 2, "not empty"),
    (["watch", "add", ""], 2, "not empty"),
    (["search", " "], 2, "not empty"),
    (["deal", "--csv", "--json", "a", "b"], 2, "one output format"),
    (["alias", "add", "Foo", "foo"], 2, "already the same name"),
    (["alias", "remove", "nothing"], 1, "no alias"),
    (["reparse", "--source", "nope"], 2, "unknown source"),
    (["parse", "nope", "x"], 2, "unknown source"),
    (["refresh", "--source", "nope"], 2, "unknown source"),
    (["doctor", "--source", "nope"], 2, "unknown source"),
    (["parse", "ftc-press", "/nonexistent/file.xml"], 2, "cannot read"),
    (["refresh", "--replay", "/nonexistent"], 2, "--replay"),
    (["refresh", "--since", "yesterday"], 2, "--since"),
    (["changes", "--since", "soon"], 2, "--since"),
    (["refresh", "--case", "M.1"], 2, "--case"),
    (["refresh", "--webhook", "file:///etc/passwd", "--replay", "."], 2, "webhook"),
    (["refresh", "--webhook", "javascript:alert(1)", "--replay", "."], 2, "webhook"),
    (["--db", "/nonexistent/dir/x.db", "sources"], 2, "does not exist"),
    (["--db", "nosuchdialect://x/y", "sources"], 2, "not a database path"),
    (["--db", "postgresql+pg8000://u@127.0.0.1/x", "sources"], 2, "pip install"),
    (["deal", "a", "b", "--html", "/nonexistent/dir/x.html"], 1, "cannot write"),
    (["show", "no-such-id"], 1, "no filing"),
    (["watch", "remove", "nothing"], 1, "no watch"),
    (["clock", "xx", "2024-01-01"], 2, "unknown regime"),
    (["clock", "us-hsr", "30/08/2024"], 2, "YYYY-MM-DD"),
    (["clock", "us-hsr", "2024-08-30", "--extended"], 2, "do not apply"),
    (["clock", "eu-phase2", "2024-08-30", "--extension", "30"], 2, "at most 20"),
    (["clock", "uk-phase2", "2024-08-30", "--extended", "--weeks", "9"], 2, "at most 8"),
    (["refresh", "--party", "nvidia"], 2, "--source sec-edgar"),
    (["stats", "--by", "month"], 2, "--by"),
    (["list", "--phase", "3"], 2, "1 or 2"),
    (["deadlines", "--within", "soon"], 2, "--within"),
    (["refresh", "--source", "sec-edgar", "--cik", "abc"], 2, "digits"),
]


@pytest.mark.parametrize(("args", "code", "fragment"), CASES, ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_mistakes_are_one_line_with_the_right_exit_code(tmp_path, args, code, fragment):
    assert_one_line_error(run(args, tmp_path), code, fragment)


def test_missing_contact_for_a_live_run(tmp_path):
    for args in (["refresh"], ["doctor"]):
        r = run(args, tmp_path, drop=("MERGERWATCH_CONTACT",))
        assert_one_line_error(r, 2, "MERGERWATCH_CONTACT")


def test_corrupt_store_is_named_and_left_untouched(tmp_path):
    bad = tmp_path / "corrupt.db"
    bad.write_bytes(b"this is not a database, it is a shopping list\n" * 20)
    before = bad.read_bytes()
    r = run(["--db", str(bad), "deal", "a", "b"], tmp_path)
    assert_one_line_error(r, 1, str(bad))
    assert "not a readable sqlite database" in r.stderr.lower()
    assert bad.read_bytes() == before
    assert not (tmp_path / "corrupt.db-wal").exists() or not (tmp_path / "corrupt.db-wal").stat().st_size


def test_newer_schema_says_to_upgrade(tmp_path):
    r = run(["--db", str(_newer_store(tmp_path)), "sources"], tmp_path)
    assert_one_line_error(r, 1, "upgrade mergerwatch")
    assert "0003_future" in r.stderr


def test_bare_command_prints_help(tmp_path):
    r = run([], tmp_path)
    assert "Traceback" not in r.stdout + r.stderr
    assert r.returncode == 2 and "Usage" in r.stdout and "deal" in r.stdout


def test_version_flag_and_command(tmp_path):
    for args in (["--version"], ["version"]):
        r = run(args, tmp_path)
        assert r.returncode == 0 and r.stdout.startswith("mergerwatch ") and not r.stderr


@pytest.mark.slow
def test_demo_never_replaces_a_users_store(tmp_path):
    store = tmp_path / "mine.db"
    rss = FIXTURES / "ftc-early-termination" / "rss_hsr-early-termination-notices_2025-04-03.xml"
    assert run(["--db", str(store), "ingest", "ftc-early-termination", str(rss)], tmp_path).returncode == 0
    size = store.stat().st_size
    r = run(["--db", str(store), "demo"], tmp_path)
    assert_one_line_error(r, 2, "did not write")
    assert store.stat().st_size == size
    r = run(["--db", str(store), "search", "Medical Properties Trust", "--json"], tmp_path)
    assert r.returncode == 0 and "Medical Properties Trust" in r.stdout  # still the user's data
    # without --db the demo has its own file; with --force it may replace the store
    assert run(["demo"], tmp_path).returncode == 0
    assert (tmp_path / "xdg" / "mergerwatch" / "demo.db").exists()
    assert run(["--db", str(store), "demo", "--force"], tmp_path).returncode == 0
    # a demo store may be rebuilt without --force
    assert run(["--db", str(store), "demo"], tmp_path).returncode == 0


def test_empty_store_says_how_to_fill_it(tmp_path):
    r = run(["deal", "nvidia", "groq"], tmp_path)
    assert r.returncode == 0 and "store is empty" in r.stdout and "refresh" in r.stdout


@pytest.mark.slow
def test_the_command_leaves_its_store_closed_and_checkpointed(tmp_path):
    """The command ends with os._exit (exiting.leave) once its stores are closed: every write is in the database
    file itself, no write-ahead log is left behind, after a write and after each kind of read."""
    from mergerwatch.testing import ftc_pages

    pages = []
    for i, body in enumerate(ftc_pages(100, page_size=50)):
        pages.append(tmp_path / f"p{i}.json")
        pages[-1].write_bytes(body)
    db = tmp_path / "mw.db"
    r = run(["ingest", "ftc-early-termination", *map(str, pages)], tmp_path)
    assert r.returncode == 0 and r.stdout.count("50 new") == 2, r.stdout + r.stderr
    for args in (
        [],
        ["deal", "acme", "granite"],
        ["search", "acme"],
        ["show", "nothing-here"],
        ["list"],
        ["stats"],
        ["sources"],
        ["changes"],
        ["deadlines"],
        ["reparse"],
        ["watch", "add", "acme"],
    ):
        if args:
            r = run(args, tmp_path)
            assert r.returncode == (1 if args[0] == "show" else 0), (args, r.stdout[-300:], r.stderr)
        leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("mw.db-"))
        assert leftovers == [], (args, leftovers)
        # Opened without its WAL, the file alone holds every record the command wrote.
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            assert conn.execute("SELECT count(*) FROM filings").fetchone()[0] == 100
        finally:
            conn.close()
    assert "acme" in run(["watch", "list"], tmp_path).stdout.lower()


def test_a_reader_that_went_away_is_exit_code_1_without_a_message(tmp_path):
    """`mergerwatch sources | true`: the pipe is closed before the command writes; as cli.main has it, exit code 1
    and nothing on stderr, whether the write or the last flush finds the pipe closed."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg"), "MERGERWATCH_DB": str(tmp_path / "mw.db")}
    for args in (["sources"], ["--help"], ["version"]):
        proc = subprocess.Popen(
            [str(SCRIPT), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path
        )
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader is gone before the first line
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == 1, (args, err)
        assert err == "", (args, err)


@pytest.mark.parametrize(
    ("code", "out", "status"),
    [
        # atexit functions run, and what is still buffered is written, before the process ends
        ("import atexit; atexit.register(print, 'bye'); print('hi', end=' '); leave(4)", "hi bye\n", 4),
        # a thread that is not a daemon is waited for: the ordinary exit, which joins it
        (
            "import threading, time\n"
            "t = threading.Thread(target=lambda: (time.sleep(0.3), print('thread done')))\n"
            "t.start(); leave(5)",
            "thread done\n",
            5,
        ),
        ("leave(exit_code(None))", "", 0),
        ("leave(exit_code('refused'))", "", 1),
    ],
)
def test_leave_finishes_what_an_exit_finishes(code, out, status):
    r = subprocess.run(
        [sys.executable, "-c", "from mergerwatch.core.exiting import exit_code, leave\n" + code],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (r.stdout, r.returncode) == (out, status), r.stderr
    assert r.stderr == ("refused\n" if "refused" in code else "")
