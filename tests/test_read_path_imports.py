"""What each path loads: the read commands run on the standard library's sqlite3 (no SQLAlchemy, alembic, pydantic
or anything of fetching), and an ingest of FTC pages imports no other source's parser."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mergerwatch.store.write.store import Store
from mergerwatch.testing import ftc_pages

from .conftest import FIXTURES, run_cli


def test_read_path_does_not_import_alembic():
    import subprocess
    import sys

    code = (
        "import sys; from mergerwatch.store.write.store import Store; s = Store(sys.argv[1]); s.counts_by_source(); "
        "s2 = Store(sys.argv[1]); print('alembic' in sys.modules)"
    )
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = f"{d}/x.db"
        Store(p).close()  # created (and migrated) once
        out = subprocess.run([sys.executable, "-c", code, p], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_answer_path_imports_nothing_of_fetching():
    import subprocess
    import sys

    code = (
        "import sys, mergerwatch.cli, mergerwatch.query.deals, mergerwatch.store, mergerwatch.render.terminal;"
        "import mergerwatch.ingest.notify;"
        "bad = [m for m in ('httpx', 'bs4', 'lxml', 'alembic', 'pydantic', 'mergerwatch.sources', 'mergerwatch.fetch')"
        " if m in sys.modules]; print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"the read path imports {out}"


@pytest.mark.slow
def test_the_read_commands_run_without_sqlalchemy(tmp_path):
    """deal, search, show, list, stats, sources, changes and deadlines on a current SQLite store import neither
    SQLAlchemy, alembic, pydantic nor anything of fetching: the query room reads it with the standard library."""
    db = str(tmp_path / "r.db")
    ftc = FIXTURES / "ftc-early-termination" / "rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml"
    assert run_cli("ingest", "ftc-early-termination", str(ftc), db=db).returncode == 0
    probe = (
        "import sys\nfrom mergerwatch.cli import main\nsys.argv = ['mergerwatch', '--db', sys.argv[1], *sys.argv[2:]]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "bad = [m for m in ('sqlalchemy', 'alembic', 'pydantic', 'httpx', 'bs4', 'mergerwatch.sources') "
        "if m in sys.modules]\nsys.stderr.write(f'\\nPROBE {code} {\",\".join(bad)}\\n')\n"
    )
    for args in (
        ["deal", "Navitas", "Claros"],
        ["search", "Navitas", "--json"],
        ["show", "ftc-early-termination:node-337353"],
        ["list", "--authority", "FTC", "--status", "cleared"],
        ["stats", "--authority", "FTC"],
        ["sources"],
        ["changes", "--since", "1d"],
        ["deadlines"],
    ):
        r = subprocess.run([sys.executable, "-c", probe, db, *args], capture_output=True, text=True, timeout=60)
        assert r.stderr.strip().splitlines()[-1] == "PROBE 0", (args, r.stderr[-400:])


def test_ingest_of_api_pages_imports_no_other_parser_and_nothing_of_fetching(tmp_path):
    """The registry imports a source's module when the source is asked for, and FTC API pages need neither
    BeautifulSoup (feeds and legal-library pages do) nor httpx: a backfill's start-up is theirs to save."""
    db = str(tmp_path / "i.db")
    page = tmp_path / "page.json"
    page.write_bytes(ftc_pages(50, page_size=50)[0])
    probe = (
        "import sys\nfrom mergerwatch.cli import main\nsys.argv = ['mergerwatch', '--db', sys.argv[1], *sys.argv[2:]]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "bad = [m for m in ('httpx', 'bs4', 'soupsieve', 'mergerwatch.fetch.client', "
        "'mergerwatch.sources.cma_mergers', 'mergerwatch.sources.ec_mergers', 'mergerwatch.sources.sec_edgar') "
        "if m in sys.modules]\n"
        "sys.stderr.write(f'\\nPROBE {code} {\",\".join(bad)}\\n')\n"
    )
    for args in (["ingest", "ftc-early-termination", str(page)], ["parse", "ftc-early-termination", str(page)]):
        r = subprocess.run([sys.executable, "-c", probe, db, *args], capture_output=True, text=True, timeout=60)
        assert r.stderr.strip().splitlines()[-1] == "PROBE 0", (args, r.stderr[-400:])
