"""Derive fixtures/ec-mergers/dump_case_events.derived.json: real rows of M.3083 (GE / INSTRUMENTARIUM, a Phase II
case cleared with conditions, whose decision has a GUID reference) re-wrapped in the dump's shape by
derive_ec_real_dump.py, plus ``caseEvents`` / ``caseEventsDates``.

What is real: every value of the case and its decision (fixtures/texts/ec_case-data-M.real-flattened-rows.half.csv)
and the four event names (verbatim from shared/samples/eu/case-data-M_value-stats.thirdparty.excerpt.txt and
eu_commission.md §0.10). What is derived: the events' dates (placed between the case's real notification and
decision dates) and the shape, two parallel lists, inferred from the field names the real printout counts
(``caseEvents``, multi-valued ``caseEventsDates``).
Run: python scripts/derive_ec_case_events.py
"""

from __future__ import annotations

import json
from pathlib import Path

from derive_ec_real_dump import dump_from_rows

ROOT = Path(__file__).resolve().parents[1]
ROWS = ROOT / "fixtures" / "texts" / "ec_case-data-M.real-flattened-rows.half.csv"
OUT = ROOT / "fixtures" / "ec-mergers" / "dump_case_events.derived.json"

EVENTS = [
    ("Art. 9 request received on", "2003-02-20"),
    ("Commitments submitted in N/1 on", "2003-02-24"),
    ("Deadline suspended under Article 11(3) [date may differ…]", "2003-05-14"),
    ("Deadline extended by 10 working days under article 10(3)2 on", "2003-07-01"),
]

if __name__ == "__main__":
    dump = dump_from_rows(ROWS, {"M.3083"})
    meta = dump["M.3083"]["metadata"]
    meta["caseNotificationDate"] = meta["caseInitiationDate"]
    meta["caseEvents"] = [name for name, _ in EVENTS]
    meta["caseEventsDates"] = [when for _, when in EVENTS]
    OUT.write_text(json.dumps(dump, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")
