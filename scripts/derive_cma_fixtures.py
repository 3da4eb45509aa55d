"""Derive the CMA fixtures that no capture shows, from the official Content API example and the search envelope.

- ``search_every_outcome.derived.json``: the reconstructed search page with its closed result copied once per
  ``outcome_type`` of the finder schema (plus a legacy value, an unknown one and a closed case with none); only
  title, link, outcome_type and dates change.
- ``content_open_phase2.derived.json``: the official example turned into an open case: outcome_type and
  closed_date removed, case_state "open", a "Phase 2" heading and a moved phase 2 deadline row added to the body.
- ``content_no_timetable_no_slash.derived.json``: the official example with the timetable table removed and a
  title without "/".
Run: python scripts/derive_cma_fixtures.py
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

FX = Path(__file__).resolve().parents[1] / "fixtures" / "cma-mergers"
EXAMPLE = json.loads((FX / "govuk_content_api_cma_case_richemont_yoox_nap.example.json").read_text())
SEARCH = json.loads((FX / "govuk_search_api_cma_case_mergers.reconstructed.json").read_text())
SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[2]
        / "shared"
        / "samples"
        / "uk"
        / "govuk_specialist_publisher_cma_cases_finder_schema_2026-07-27.json"
    ).read_text()
)


def outcome_values() -> list[str]:
    facet = next(f for f in SCHEMA["facets"] if f["key"] == "outcome_type")
    return [v["value"] for v in facet["allowed_values"] if v["value"].startswith("mergers-")]


def main() -> None:
    closed = next(r for r in SEARCH["results"] if r.get("outcome_type"))
    page = copy.deepcopy(SEARCH)
    values = outcome_values() + ["markets-phase-1-no-enforcement-action", "mergers-phase-2-remittal", None]
    for i, value in enumerate(values):
        r = copy.deepcopy(closed)
        slug = f"example-{i:02d}-{value or 'no-outcome'}"
        r["title"] = f"Alpha {i} / Beta {i} merger inquiry"
        r["link"] = r["_id"] = f"/cma-cases/{slug}"
        r["closed_date"] = f"2025-0{1 + i % 9}-1{i % 10}"
        if value:
            r["outcome_type"] = value
        else:
            r.pop("outcome_type")
        page["results"].append(r)
    page["total"] = len(page["results"])
    (FX / "search_every_outcome.derived.json").write_text(json.dumps(page, indent=1) + "\n")

    item = copy.deepcopy(EXAMPLE)
    md = item["details"]["metadata"]
    md.pop("outcome_type")
    md.pop("closed_date")
    md["case_state"] = "open"
    body = item["details"]["body"]
    body = body.replace(
        "<td>7 September 2015</td>\n      <td>Deadline for phase 1 decision (*)</td>",
        "<td>4 March 2016</td>\n      <td>Deadline for phase 2 decision (*)</td>\n    </tr>\n"
        "    <tr>\n      <td>7 September 2015</td>\n      <td>Deadline for phase 1 decision</td>",
    )
    body = body.replace(
        '<h2 id="phase-1">Phase 1</h2>', '<h2 id="phase-2">Phase 2</h2>\n\n<h2 id="phase-1">Phase 1</h2>'
    )
    item["details"]["body"] = body
    (FX / "content_open_phase2.derived.json").write_text(json.dumps(item, indent=1) + "\n")

    item = copy.deepcopy(EXAMPLE)
    body = item["details"]["body"]
    start, end = body.index("<table>"), body.index("</table>") + len("</table>")
    item["details"]["body"] = body[:start] + body[end:]
    item["title"] = "Richemont merger inquiry"
    (FX / "content_no_timetable_no_slash.derived.json").write_text(json.dumps(item, indent=1) + "\n")
    print("wrote 3 derived fixtures")


if __name__ == "__main__":
    main()
