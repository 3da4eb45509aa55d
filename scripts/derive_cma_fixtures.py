"""Derive the CMA fixtures that no capture shows, from the official Content API example and the search envelope.

- ``search_every_outcome.derived.json``: the reconstructed search page with its closed result copied once per
  ``outcome_type`` of the finder schema (plus a legacy value, an unknown one and a closed case with none); only
  title, link, outcome_type and dates change.
- ``content_open_phase2.derived.json``: the official example turned into an open case: outcome_type and
  closed_date removed, case_state "open", a "Phase 2" heading and a moved phase 2 deadline row added to the body.
- ``content_no_timetable_no_slash.derived.json``: the official example with the timetable table removed and a
  title without "/".
- ``search_facet_objects.derived.json``: ``search_every_outcome`` with every facet in the pre-2025-01-20 object
  shape ``[{"label", "value"}]`` (uk_cma.md §2.2), labels taken from the real finder schema.
- ``content_administrative_timetable.derived.json``: the official example as an open 2022-style Phase 2 page: no
  outcome, no closed or opened date, the timetable table replaced by a "Phase 2" heading, an "Administrative
  timetable" heading and the lines "Date of reference: 12 May 2022" / "Statutory deadline: 21 December 2022"
  (the wording uk_cma.md §2.2 quotes from real pages).
- ``content_2019_timetable.derived.json``: the official example as an open Phase 1 case whose table holds the three
  rows of the real 2019 excerpt (shared/samples/uk/cma_case_page_2019_phase1_timetable.thirdparty.excerpt.txt).
- ``content_phase2_heading_only.derived.json``: the official example as an open case whose page has a "Phase 2"
  heading and no timetable at all.
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
    labels = {f["key"]: {v["value"]: v["label"] for v in f.get("allowed_values", [])} for f in SCHEMA["facets"]}
    page = json.loads((FX / "search_every_outcome.derived.json").read_text())
    for r in page["results"]:
        for key in ("case_type", "case_state", "market_sector", "outcome_type"):
            if key in r:
                values = r[key] if isinstance(r[key], list) else [r[key]]
                r[key] = [{"label": labels.get(key, {}).get(v, v), "value": v} for v in values]
    (FX / "search_facet_objects.derived.json").write_text(json.dumps(page, indent=1) + "\n")

    def open_case(body: str, title: str | None = None, opened: bool = True) -> dict:
        item = copy.deepcopy(EXAMPLE)
        md = item["details"]["metadata"]
        for k in ("outcome_type", "closed_date") + (() if opened else ("opened_date",)):
            md.pop(k)
        md["case_state"] = "open"
        item["details"]["body"] = body
        return item

    original = EXAMPLE["details"]["body"]
    table_start, table_end = original.index("<table>"), original.index("</table>") + len("</table>")
    rest = original[original.index('<h3 id="contact">') :]
    admin = (
        '<h2 id="phase-2">Phase 2</h2>\n\n<h3 id="administrative-timetable">Administrative timetable</h3>\n\n'
        "<p>Date of reference: 12 May 2022</p>\n\n<p>Statutory deadline: 21 December 2022</p>\n\n" + rest
    )
    (FX / "content_administrative_timetable.derived.json").write_text(
        json.dumps(open_case(admin, opened=False), indent=1) + "\n"
    )
    rows = [
        ("21 November 2019", "Deadline for phase 1 decision*"),
        ("20 September to 4 October 2019", "Invitation to comment"),
        ("19 September 2019", "Launch of merger inquiry"),
    ]
    table = "<table>\n  <thead>\n    <tr>\n      <th>Phase 1 date</th>\n      <th>Action</th>\n    </tr>\n  </thead>\n"
    table += (
        "  <tbody>\n"
        + "".join(f"    <tr>\n      <td>{d}</td>\n      <td>{a}</td>\n    </tr>\n" for d, a in rows)
        + "  </tbody>\n</table>"
    )
    item = open_case(original[:table_start] + table + original[table_end:], opened=False)
    (FX / "content_2019_timetable.derived.json").write_text(json.dumps(item, indent=1) + "\n")
    heading_only = '<h2 id="phase-2">Phase 2</h2>\n\n' + rest
    (FX / "content_phase2_heading_only.derived.json").write_text(json.dumps(open_case(heading_only), indent=1) + "\n")
    print("wrote 7 derived fixtures")


if __name__ == "__main__":
    main()
