"""Rebuild tests/data/recordings/ (the refresh replay tests) from real fixtures, in the replay layout.

Each recording answers the exact request a source makes on a first night with no key; which fixture
answers which request is listed in RECORDINGS and in the recordings' README.md.
Run: python scripts/build_replay_recordings.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx

from mergerwatch.fetch.transports import save_recording
from mergerwatch.sources.ftc_early_termination import API_URL, PAGE_LIMIT, RSS_URL
from mergerwatch.sources.ftc_press import FEED_URL

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "recordings"
FX = ROOT / "fixtures"

FTC_PAGE0 = {
    "page[offset]": "0",
    "page[limit]": str(PAGE_LIMIT),
    "sort[sort-changed][path]": "changed",
    "sort[sort-changed][direction]": "DESC",
}

# (method, url, params, status, content type, fixture file)
RECORDINGS = [
    (
        "GET",
        RSS_URL,
        None,
        200,
        "application/rss+xml; charset=utf-8",
        "ftc-early-termination/rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml",
    ),
    (
        "GET",
        API_URL,
        FTC_PAGE0,
        200,
        "application/vnd.api+json",
        "ftc-early-termination/api_hsr-early-termination-notices_page-limit-2_DEMO_KEY_2026-09-30.json",
    ),
    (
        "GET",
        FEED_URL,
        None,
        200,
        "application/rss+xml; charset=utf-8",
        "ftc-press/rss_press-release-competition_2025-04-03.xml",
    ),
]


def main() -> None:
    keep = OUT / "README.md"
    readme = keep.read_text() if keep.exists() else ""
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    if readme:
        keep.write_text(readme)
    for method, url, params, status, ctype, fixture in RECORDINGS:
        full = str(httpx.Request(method, url, params=params).url)
        body = (FX / fixture).read_bytes()
        p = save_recording(OUT, method, full, status, {"content-type": ctype}, body)
        print(f"{p.relative_to(OUT)}  <-  {fixture}")


if __name__ == "__main__":
    main()
