"""Re-wrap the real flattened rows of case-data-M.json (one row per decision attachment) in the dump's own shape.

The shape is the printout's (shared/samples/eu/case-data-M_M2027_printout.thirdparty.excerpt.txt): a case per
key, one-element lists for metadata values, decisions under ``decisions[].metadata`` with ``decisionTypes`` as
``{"code","label"}`` objects (as the derived decision-types fixture writes them). Used by
tests/test_source_ec_mergers_real_data.py and to write fixtures/ec-mergers/dump_real_rows.derived.json:

    python scripts/derive_ec_real_dump.py fixtures/texts/ec_case-data-M.real-flattened-rows.half.csv M.3280 ... > out
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

CASE_FIELDS = {
    "case_caseNumber": "caseNumber",
    "case_caseTitle": "caseTitle",
    "case_caseInstrument": "caseInstrument",
    "case_caseRegulation": "caseRegulation",
    "case_caseSimplified": "caseSimplified",
    "case_caseInitiationDate": "caseInitiationDate",
    "case_caseLastDecisionDate": "caseLastDecisionDate",
}


def dump_from_rows(path: Path, only: set[str] | None = None) -> dict[str, Any]:
    cases: dict[str, Any] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            num = row["case_caseNumber"]
            if only and num not in only:
                continue
            case = cases.setdefault(num, {"metadata": {}, "decisions": {}})
            meta = case["metadata"]
            for col, key in CASE_FIELDS.items():
                if row.get(col):
                    meta.setdefault(key, [row[col]])
            companies = meta.setdefault("caseCompanies", [])
            # the flattening joins the several strings of caseCompanies with " | "; the dump lists them
            for name in (row["case_caseCompanies"] or "").split(" | "):
                if name.strip() and name.strip() not in companies:
                    companies.append(name.strip())
            ref = row["dec_metadataReference"]
            dec = case["decisions"].setdefault(ref, {"metadata": {"metadataReference": [ref], "decisionTypes": []}})
            dm = dec["metadata"]
            if row["dec_decisionNumber"]:
                dm["decisionNumber"] = [row["dec_decisionNumber"]]
            if row["dec_decisionAdoptionDate"]:
                dm["decisionAdoptionDate"] = [row["dec_decisionAdoptionDate"]]
            if row["dec_decisionOfficialJournalPublicationsPublishedDates"]:
                dm["decisionOfficialJournalPublicationsPublishedDates"] = [
                    row["dec_decisionOfficialJournalPublicationsPublishedDates"]
                ]
            t = {"code": row["dec_decisionTypes_code"], "label": row["dec_decisionTypes_label"]}
            if row["dec_decisionTypes_code"] and t not in dm["decisionTypes"]:
                dm["decisionTypes"].append(t)
    for case in cases.values():
        case["decisions"] = list(case["decisions"].values())
    return cases


if __name__ == "__main__":
    src = Path(sys.argv[1])
    wanted = set(sys.argv[2:]) or None
    json.dump(dump_from_rows(src, wanted), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
