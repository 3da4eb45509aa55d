"""Derive fixtures/ec-mergers/dump_decision-types.derived.json from the collector's reconstructed dump record.

No real dump record exists in shared/samples; every case below is the reconstructed record
(fixtures/ec-mergers/dump_case-data-M.record.reconstructed.json) with only its case number, title and the
``decisions`` list changed, one case per row of the EU table in status_vocabulary.md §3.6. Labels are the
ones eu_commission.md §4 marks as seen verbatim (✔) or, for statutory types never seen, the article name.
Run: python scripts/derive_ec_fixtures.py
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

FX = Path(__file__).resolve().parents[1] / "fixtures" / "ec-mergers"
BASE = json.loads((FX / "dump_case-data-M.record.reconstructed.json").read_text())["M.99999"]

# (case number, title, [(decision type labels, adoption date)], deadline, last decision date)
SCENARIOS = [
    ("M.99901", "ALPHA / BETA", [], "2025-03-20", None),  # notified, Phase I running
    ("M.99902", "ALPHA / GAMMA", [(["Art. 6(1)(a)"], "2025-02-10")], None, "2025-02-10"),
    ("M.99903", "ALPHA / DELTA", [(["Art. 6(1)(b) with conditions & obligations"], "2025-02-20")], None, "2025-02-20"),
    ("M.99904", "ALPHA / EPSILON", [(["Art. 6(1)(c)"], "2025-02-14")], "2025-07-01", "2025-02-14"),
    ("M.99905", "ALPHA / ZETA", [(["Art. 6(1)(c)"], "2025-02-14"), (["Art. 8(1)"], "2025-06-30")], None, "2025-06-30"),
    ("M.99906", "ALPHA / ETA", [(["Art. 6(1)(c)"], "2025-02-14"), (["Art. 8(2)"], "2025-06-30")], None, "2025-06-30"),
    (
        "M.99907",
        "ALPHA / THETA",
        [(["Art. 6(1)(c)"], "2025-02-14"), (["Art. 8(2) with conditions & obligations"], "2025-06-30")],
        None,
        "2025-06-30",
    ),
    ("M.99908", "ALPHA / IOTA", [(["Art. 6(1)(c)"], "2025-02-14"), (["Art. 8(3)"], "2025-06-30")], None, "2025-06-30"),
    ("M.99909", "ALPHA / KAPPA", [(["Art. 8(3)"], "2024-06-30"), (["Art. 8(4)"], "2025-06-30")], None, "2025-06-30"),
    ("M.99910", "ALPHA / LAMBDA", [(["Art. 4(4) referral"], "2025-01-20")], None, "2025-01-20"),
    ("M.99911", "ALPHA / MU", [(["139/2004 Art. 4(5) referral"], "2025-01-05")], "2025-02-28", "2025-01-05"),
    ("M.99912", "ALPHA / NU", [(["Art. 9(3) referral"], "2025-02-20")], None, "2025-02-20"),
    (
        "M.99913",
        "ALPHA / XI",
        [(["Art. 9(3) partial referral"], "2025-02-20"), (["Art. 6(1)(b)"], "2025-02-20")],
        None,
        "2025-02-20",
    ),
    ("M.99914", "ALPHA / OMICRON", [(["Art. 22(3)"], "2025-01-15")], "2025-04-01", "2025-01-15"),
    ("M.99915", "ALPHA / PI", [(["Art. 7(3)"], "2025-01-25")], "2025-03-01", "2025-01-25"),
    ("M.99916", "ALPHA / RHO", [(["Art. 6(1)(b)"], "2024-02-20"), (["Art. 6(3)"], "2025-05-20")], None, "2025-05-20"),
    (
        "M.99917",
        "ALPHA / SIGMA",
        [
            (["Art. 6(1)(b) with conditions & obligations"], "2023-02-20"),
            (["Modification of Art. 6(1)(b) with conditions & obligations"], "2025-05-20"),
        ],
        None,
        "2025-05-20",
    ),
    ("M.99918", "ALPHA / TAU", [(["Art. 6(1)(b)", "Art. 6(2)"], "2025-02-20")], None, "2025-02-20"),
    ("M.99919", "ALPHA / UPSILON", [(["Art. 99(9) new instrument"], "2025-02-20")], None, "2025-02-20"),  # unknown
    (
        "M.99920",
        "ALPHA / PHI",
        [(["Art. 6(1)(c)"], "2025-02-14"), (["Art. 8(5)"], "2025-03-14"), (["Art. 14"], "2025-04-14")],
        "2025-07-01",
        "2025-04-14",
    ),
]


def main() -> None:
    out = {}
    for number, title, decisions, deadline, last in SCENARIOS:
        case = copy.deepcopy(BASE)
        md = case["metadata"]
        md["metadataReference"] = md["caseNumber"] = [number]
        md["caseTitle"] = md["caseCompanies"] = [title]
        md["caseDeadlineDate"] = [deadline] if deadline else []
        if last:
            md["caseLastDecisionDate"] = [last]
        else:
            md.pop("caseLastDecisionDate")
        template = BASE["decisions"][0]
        case["decisions"] = []
        for i, (labels, adopted) in enumerate(decisions):
            d = copy.deepcopy(template)
            ref = f"{number}-DEC{40000 + i}"
            d["metadata"]["metadataReference"] = [ref]
            d["metadata"]["decisionNumber"] = [str(40000 + i)]
            d["metadata"]["decisionAdoptionDate"] = [adopted]
            d["metadata"]["decisionTypes"] = [
                json.dumps({"code": f"DecisionType{900 + i}", "label": lab}) for lab in labels
            ]
            d["decisionAttachments"][0]["metadata"]["metadataReference"] = [f"{ref}-ATT1"]
            case["decisions"].append(d)
        out[number] = case
    (FX / "dump_decision-types.derived.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {len(out)} cases")


if __name__ == "__main__":
    main()
