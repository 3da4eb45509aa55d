"""Derive US enforcement fixtures from real samples.

- federal-register/fr_antitrust_notices_2020-2026.derived.json: the 86 real Federal Register records of
  shared/samples/us_other/fr_antitrust_notice_values_2020-2026.extracted.json put back into the search-response
  envelope of the real fr_search_response_uscis_trimmed_2026-09-14.json (description/count/total_pages kept in
  form, no next_page_url since every record is on the page). Fields mapped back to the API's names: `abstract`
  from `abstract_as_reposted` (null where the reposting script wrote "No summary provided."), `type` "Notice";
  the two researcher keys are dropped.
- doj-press/doj_press_releases_two_components.derived.json: the reconstructed DOJ page with a second copy of its
  record whose component is another division, to show the Antitrust Division filter.
- federal-register/fr_parent_agency_only.derived.json: the real order=newest page
  (fr_documents_order-newest_per_page-3_2026-10-02.json: count capped at 10,000, total_pages 50, a
  search_after_cursor in next_page_url) with its third result replaced by a real DOJ Tunney Act record (2023-11058,
  Cargill Meat Solutions, from the extracted values) whose agencies list holds only the parent agency, written in
  the real agency-object shape of that page (raw_name, name, id, url, json_url, parent_id, slug) with the parent's
  slug `justice-department` and id 268.
Run: python scripts/derive_us_fixtures.py
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "samples" / "us_other"


def main() -> None:
    recs = json.loads((SAMPLES / "fr_antitrust_notice_values_2020-2026.extracted.json").read_text())
    env = json.loads((SAMPLES / "fr_search_response_uscis_trimmed_2026-09-14.json").read_text())
    results = [
        {
            "document_number": r["document_number"],
            "title": r["title"],
            "type": "Notice",
            "abstract": None if r["abstract_as_reposted"] == "No summary provided." else r["abstract_as_reposted"],
            "html_url": r["html_url"],
            "publication_date": r["publication_date"],
        }
        for r in recs
    ]
    page = {
        "description": "Documents from Antitrust Division and Federal Trade Commission and of type Notice",
        "count": len(results),
        "total_pages": 1,
        "results": results,
    }
    assert set(page) <= set(env)
    (ROOT / "fixtures" / "federal-register" / "fr_antitrust_notices_2020-2026.derived.json").write_text(
        json.dumps(page, indent=1, ensure_ascii=False) + "\n"
    )
    doj = json.loads(
        (ROOT / "fixtures" / "doj-press" / "doj_api_v1_press_releases_antitrust.reconstructed.json").read_text()
    )
    other = copy.deepcopy(doj["results"][0])
    other["component"] = [{"uuid": "RECONSTRUCTED-uuid-2", "name": "Civil Rights Division"}]
    other["uuid"] = "RECONSTRUCTED-uuid-2"
    doj["results"].append(other)
    (ROOT / "fixtures" / "doj-press" / "doj_press_releases_two_components.derived.json").write_text(
        json.dumps(doj, indent=1) + "\n"
    )
    page = json.loads((SAMPLES / "fr_documents_order-newest_per_page-3_2026-10-02.json").read_text())
    rec = next(r for r in recs if r["document_number"] == "2023-11058")
    template = page["results"][2]
    page["results"][2] = {
        **template,
        "title": rec["title"],
        "type": "Notice",
        "abstract": None,
        "document_number": rec["document_number"],
        "html_url": rec["html_url"],
        "pdf_url": None,
        "public_inspection_pdf_url": None,
        "publication_date": rec["publication_date"],
        "agencies": [
            {
                "raw_name": "DEPARTMENT OF JUSTICE",
                "name": "Justice Department",
                "id": 268,
                "url": "https://www.federalregister.gov/agencies/justice-department",
                "json_url": "https://www.federalregister.gov/api/v1/agencies/268",
                "parent_id": None,
                "slug": "justice-department",
            }
        ],
    }
    (ROOT / "fixtures" / "federal-register" / "fr_parent_agency_only.derived.json").write_text(
        json.dumps(page, ensure_ascii=False) + "\n"
    )
    print("wrote 3 derived fixtures")


if __name__ == "__main__":
    main()
