from __future__ import annotations

from .conftest import run_cli


def test_demo_runs_offline_and_answers_real_deals(tmp_path):
    db = str(tmp_path / "demo.db")
    r = run_cli("demo", "--json", db=db, env={"MERGERWATCH_CONTACT": ""})  # no contact, no key, no network
    assert r.returncode == 0, r.stderr
    import json

    out = json.loads(r.stdout)
    assert all(s["ok"] for s in out["sources"])
    navitas, exxon = out["deals"]
    assert navitas["found"] and navitas["filings"][0]["case_ref"] == "20262268"
    assert exxon["found"] and exxon["filings"][0]["status"] == "cleared_with_remedies"
