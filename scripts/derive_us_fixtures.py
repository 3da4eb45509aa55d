"""Derive US enforcement fixtures from real samples.

- federal-register/fr_antitrust_notices_2020-2026.derived.json: the 86 real Federal Register records of
  shared/samples/us_other/fr_antitrust_notice_values_2020-2026.extracted.json put back into the search-response
  envelope of the real fr_search_response_uscis_trimmed_2026-09-14.json (description/count/total_pages kept in
  form, no next_page_url since every record is on the page). Fields mapped back to the API's names: `abstract`
  from `abstract_as_reposted` (null where the reposting script wrote "No summary provided."), `type` "Notice";
  the two researcher keys are dropped.
- doj-press/doj_press_releases_two_components.derived.json: the reconstructed DOJ page with a second copy of its
  record whose component is another division, to show the Antitrust Division filter.
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
    print("wrote 2 derived fixtures")


if __name__ == "__main__":
    main()
