"""Rebuild src/mergerwatch/demo/responses/ (what `mergerwatch demo` stores) from fixtures/ and the real EC rows.

Each response is a body in its source's own wire format, listed in responses/manifest.json with the date it was
recorded, what kind of body it is (``real``: the authority's bytes; ``rebuilt``: a real capture's values in the
real template; ``rows``: real rows put back in the real envelope; ``example``: the publisher's own example of a
real case), the request it answers and where it comes from. The demo prints the kind and the date with each source:
nothing recorded is shown as fresh or passed off as a capture. Bodies over 64 KB are stored gzipped.

Run: python scripts/build_demo_responses.py
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from derive_ec_real_dump import dump_from_rows  # noqa: E402

from mergerwatch.sources.accc_mergers import REGISTER_URL  # noqa: E402
from mergerwatch.sources.bkarta_mergers import SEARCH, SEARCH_URL  # noqa: E402
from mergerwatch.sources.cb_mergers import CURRENT_URL as CB_URL  # noqa: E402
from mergerwatch.sources.cma_mergers import CONTENT_URL  # noqa: E402
from mergerwatch.sources.ec_mergers import DUMP_URL  # noqa: E402
from mergerwatch.sources.federal_register import API_URL as FR_API_URL  # noqa: E402
from mergerwatch.sources.ftc_early_termination import API_URL as ET_API_URL  # noqa: E402
from mergerwatch.sources.ftc_early_termination import RSS_URL as ET_RSS_URL  # noqa: E402
from mergerwatch.sources.ftc_press import FEED_URL  # noqa: E402

OUT = ROOT / "src" / "mergerwatch" / "demo" / "responses"
FX = ROOT / "fixtures"
GZIP_OVER = 64 * 1024
EC_ROWS = FX / "texts" / "ec_case-data-M.real-flattened-rows.half.csv"

# (source, origin under fixtures/ or a builder, recorded, kind, request answered, what it is), oldest first per source
RESPONSES: list[tuple[str, str, str, str, str, str]] = [
    (
        "ec-mergers", "texts/ec_case-data-M.real-flattened-rows.half.csv", "2026-06-23", "rows", DUMP_URL,
        "4,892 real merger cases of the Commission's case-data-M.json (about half the dump, newest decision "
        "2026-06-23) as a third party flattened them, back in the dump's shape",
    ),
    (
        "cma-mergers", "cma-mergers/govuk_content_api_cma_case_richemont_yoox_nap.example.json", "2017-06-30",
        "example", f"{CONTENT_URL}/cma-cases/richemont-yoox-net-a-porter-merger-inquiry",
        "GOV.UK's own example of a CMA case page (Content API), modelled on the real Richemont / YNAP inquiry",
    ),
    (
        "federal-register", "federal-register/fr_antitrust_notices_2020-2026.derived.json", "2026-02-03", "rows",
        FR_API_URL,
        "86 real Federal Register antitrust notices (2020-01-08 to 2026-02-03) back in the API's search envelope",
    ),
    (
        "ftc-press", "ftc-press/rss_press-release-competition_2025-04-03.xml", "2025-04-03", "real", FEED_URL,
        "the FTC's competition press-release feed as published on 2025-04-03",
    ),
    (
        "ftc-early-termination", "ftc-early-termination/rss_hsr-early-termination-notices_2025-04-03.xml",
        "2025-04-03", "real", ET_RSS_URL, "the FTC's early-termination feed as published on 2025-04-03",
    ),
    (
        "ftc-early-termination",
        "ftc-early-termination/rss_hsr-early-termination-notices_2026-09-30.reconstructed.xml", "2026-09-30",
        "rebuilt", ET_RSS_URL,
        "the early-termination feed of 2026-09-30, rebuilt from a real capture's values in the feed's real template",
    ),
    (
        "ftc-early-termination",
        "ftc-early-termination/api_hsr-early-termination-notices_page-limit-2_DEMO_KEY_2026-09-30.json",
        "2026-09-30", "real", f"{ET_API_URL}?page[limit]=2",
        "the FTC API's two newest early-termination notices on 2026-09-30",
    ),
    (
        "accc-mergers", "accc-mergers/register_2026-06-22_page-1-of-8.html", "2026-06-22", "real",
        f"{REGISTER_URL}?init=1&items_per_page=50&page=0",
        "page 1 of the ACCC's acquisitions register on 2026-06-22 (50 of 359 matters)",
    ),
    (
        "accc-mergers", "accc-mergers/matter_MN-15002_2026-08-18.html", "2026-08-18", "real",
        "https://www.accc.gov.au/public-registers/acquisitions-and-mergers-registers/acquisitions-register/google-wiz",
        "the ACCC's page of Google / Wiz (approved in Phase 1)",
    ),
    (
        "accc-mergers", "accc-mergers/matter_MN-65005_2026-08-20.html", "2026-08-20", "real",
        "https://www.accc.gov.au/public-registers/acquisitions-and-mergers-registers/acquisitions-register/"
        "insurance-australia-group-%E2%80%93-rac-insurance",
        "the ACCC's page of IAG / RAC Insurance (in Phase 2, the end of its period published)",
    ),
    (
        "cb-mergers", "cb-mergers/current-report_rows-2025-10-to-2026-09.trimmed-fixture.html", "2026-09-22", "rows",
        f"{CB_URL}?wbdisable=true",
        "9 real rows of the Competition Bureau's report of merger reviews (report of 2026-09-22), trimmed by a third "
        "party's test fixture",
    ),
    (
        "bkarta-mergers", "bkarta-mergers/decision-search_en_2018-12-28_125-rows.derived.html", "2018-12-28",
        "rebuilt", SEARCH_URL + "?" + "&".join(f"{k}={v}" for k, v in SEARCH.items()),
        "125 real rows of the Bundeskartellamt's decision search (merger control, 2007-2018) as a third party's scrape "
        "kept them, back in a table with the search's own column heads",
    ),
    (
        "adlc-mergers", "adlc-mergers/decision_24-DCC-101.one-record.json", "2024-05-24", "rows",
        "https://static.data.gouv.fr/resources/decisions-publiees-par-lautorite-de-la-concurrence-depuis-1988/",
        "the merger decision 24-DCC-101 (Infranity / Transarc) as a record of the Autorité's open-data decisions "
        "file, the one merger record a third party's test kept; the file's own date is not known",
    ),
]  # fmt: skip


def body_of(origin: str) -> bytes:
    if origin.startswith("texts/ec_case-data-M"):
        return json.dumps(dump_from_rows(FX / origin), indent=1, ensure_ascii=False).encode() + b"\n"
    return (FX / origin).read_bytes()


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    manifest = []
    for source, origin, recorded, kind, url, about in RESPONSES:
        body = body_of(origin)
        name = Path(origin).name.replace(".csv", ".json") if origin.startswith("texts/") else Path(origin).name
        if len(body) > GZIP_OVER:
            body, name = gzip.compress(body, 9, mtime=0), name + ".gz"  # mtime 0: the same bytes on every build
        (OUT / source).mkdir(exist_ok=True)
        (OUT / source / name).write_bytes(body)
        manifest.append(
            {
                "source": source,
                "file": f"{source}/{name}",
                "recorded": recorded,
                "kind": kind,
                "url": url,
                "origin": f"fixtures/{origin}",
                "about": about,
            }  # fmt: skip
        )
        print(f"{source}/{name}  <-  fixtures/{origin}")
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
