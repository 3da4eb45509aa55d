"""`stats --html` / `stats --png`: charts of the real fixtures' statistics (matplotlib, the optional extra)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import FIXTURES, cli_json, run_cli

EC_TYPES = FIXTURES / "ec-mergers" / "dump_decision-types.derived.json"


def test_stats_page_and_image(db, tmp_path):
    pytest.importorskip("matplotlib")
    cli_json("ingest", "ec-mergers", str(EC_TYPES), db=db)
    page, image = tmp_path / "s.html", tmp_path / "s.png"
    r = run_cli("stats", "--authority", "EC", "--html", str(page), "--png", str(image), db=db)
    assert r.returncode == 0, r.stderr
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == 1 and "<script" not in text and "<?xml" not in text
    # The fixture's 20 EC cases, grouped by the year of decision or notification: all in 2025 but M.99917
    # (cleared with remedies 2023-02-20), counted by hand.
    assert "<td>2025</td><td>19</td>" in text and "<td>2023</td><td>1</td>" in text
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and image.stat().st_size > 10_000


def test_outside_text_in_a_chart_is_text(tmp_path):
    pytest.importorskip("matplotlib")
    from mergerwatch.render.charts import stats_html, stats_png

    row = {
        "authority": "EC", "sector": "Oil $x^2$ & <b>gas</b>", "cases": 2, "open": 0,
        "outcomes": {"cleared": 2, "cleared_with_remedies": 0, "prohibited": 0, "abandoned": 0, "referred": 0},
        "shares": {"cleared": 1.0, "cleared_with_remedies": 0.0, "prohibited": 0.0, "abandoned": 0.0, "referred": 0.0},
        "phase_2_opened": 0, "phase_2_share": 0.0,
        "durations": {"phase_1": {"n": 2, "median_days": 25, "p90_days": 30}},
    }  # fmt: skip
    page = stats_html([row], "sector")
    assert "&lt;b&gt;gas&lt;/b&gt;" in page and "<b>gas" not in page
    assert stats_png([row], "sector")[:4] == b"\x89PNG"  # "$x^2$" drawn as text: no mathtext error


def test_without_matplotlib_the_charts_say_what_to_install(db, tmp_path):
    cli_json("ingest", "ec-mergers", str(EC_TYPES), db=db)
    code = (
        "import sys; sys.modules['matplotlib'] = None; sys.modules['matplotlib.figure'] = None\n"
        "from mergerwatch.cli import main\n"
        f"sys.argv = ['mergerwatch', '--db', {db!r}, 'stats', '--png', {str(tmp_path / 'x.png')!r}]\n"
        "main()"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "pip install 'mergerwatch[charts]'" in r.stderr and "Traceback" not in r.stderr
