from __future__ import annotations

import pytest

from .conftest import run_cli


def test_demo_runs_offline_and_answers_real_deals(tmp_path):
    db = str(tmp_path / "demo.db")
    r = run_cli("demo", "--json", db=db, env={"MERGERWATCH_CONTACT": ""})  # no contact, no key, no network
    assert r.returncode == 0, r.stderr
    import json

    out = json.loads(r.stdout)
    assert all(s["ok"] for s in out["sources"])
    navitas, exxon, sp, iag = out["deals"]
    assert navitas["found"] and navitas["filings"][0]["case_ref"] == "20262268"
    assert exxon["found"] and exxon["filings"][0]["status"] == "cleared_with_remedies"
    assert sp["found"] and [f["case_ref"] for f in sp["filings"]] == ["M.10108"]
    # an open Australian Phase 2 review with the end of its period as the ACCC published it
    assert iag["found"] and iag["filings"][0]["case_ref"] == "MN-65005"
    assert iag["filings"][0]["next_deadline"]["date"] == "2026-09-23"
    kinds = {r["kind"] for s in out["sources"] for r in s["recordings"]}
    assert kinds == {"real", "rebuilt", "rows", "example"}  # each recording says what it is


@pytest.mark.slow
def test_demo_works_from_a_non_editable_install(tmp_path):
    """The recordings and the migrations ship inside the package: install it as a wheel would, run it from there."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    target = tmp_path / "site"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(root),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    env = {**os.environ, "PYTHONPATH": str(target)}
    r = subprocess.run(
        [sys.executable, "-c", "import mergerwatch, sys; print(mergerwatch.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert r.stdout.strip().startswith(str(target))  # not the checkout
    r = subprocess.run(
        [sys.executable, "-m", "mergerwatch", "--db", str(tmp_path / "d.db"), "demo", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert '"found": true' in r.stdout


def test_doctor_needs_a_contact():
    r = run_cli("doctor", env={"MERGERWATCH_CONTACT": ""})
    assert r.returncode == 2 and "MERGERWATCH_CONTACT" in r.stderr
