"""Derive the Autorité de la concurrence fixtures from the three real records of the open-data decisions file in
shared/samples/next_wave/france/ (a third party's test fixture: each record wrapped as {"external_id", "payload"};
the record is "payload", byte for byte the dataset's as that project read it).

- ``decisions_3-records.unwrapped.json``: the three records, unwrapped, as one JSON array (the file's own shape):
  02-A-06 (an opinion), 24-DCC-101 (the merger decision), 01-MC-05 (interim measures). Nothing else changed.
- ``decision_24-DCC-101.one-record.json``: the merger record alone, as the payload a refresh stores per decision.
- ``decisions_dcc-quirks.derived.json``: 24-DCC-101 three times with the quirks the guide reports of other records
  (national_authorities.md §2.2, from the legal-data-pipeline documentation): ``type_decision`` as a list
  (["DCC", "DEX"]) and as a list written as text ('["DCC"]'); ``secteur_activite`` and ``entreprises_concernees`` as
  Python-style list text; stray spaces; ``decision_simplifiee`` null; ``phase_decision_concentration`` "Phase 2";
  ``dispositifs_dcc`` null; no ``date_decision_datetime`` (the French date only). Each copy's ``url_site`` gets a
  suffix (-quirk-1..3) so that the three are three decisions. No outcome wording is invented.
- ``decisions_cut-off.derived.json``: the unwrapped file cut in the middle of its second record (a truncated
  download: an error).
- ``decisions_no-merger.derived.json``: the two records that are not merger decisions (an error: this source reads
  merger decisions, and a file without any is not the file it expects).
Run: python scripts/derive_adlc_fixtures.py
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FX = ROOT / "fixtures" / "adlc-mergers"
SAMPLES = ROOT.parent / "shared" / "samples" / "next_wave" / "france"
SAMPLE = SAMPLES / "FIXTURE_legal-data-pipeline_adlc_opendata_decisions.json"


def dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    records = [item["payload"] for item in json.loads(SAMPLE.read_text(encoding="utf-8"))]
    unwrapped = dump(records)
    (FX / "decisions_3-records.unwrapped.json").write_text(unwrapped, encoding="utf-8")
    dcc = next(r for r in records if r.get("type_decision") == "DCC")
    (FX / "decision_24-DCC-101.one-record.json").write_text(dump(dcc), encoding="utf-8")

    quirks = []
    for i, changes in enumerate(
        (
            {"type_decision": ["DCC", "DEX"], "secteur_activite": "['Transports']", "id_decision": "24-DCC-101 "},
            {
                "type_decision": '["DCC"]',
                "entreprises_concernees": "['groupe Transarc', 'Infranity']",
                "decision_simplifiee": None,
                "phase_decision_concentration": "Phase 2",
            },
            {"dispositifs_dcc": None, "date_decision_datetime": None, "partie_notifiante": " Infranity "},
        ),
        start=1,
    ):
        r = dict(dcc, **changes)
        r["url_site"] = dcc["url_site"] + f"-quirk-{i}"
        quirks.append(r)
    (FX / "decisions_dcc-quirks.derived.json").write_text(dump(quirks), encoding="utf-8")

    second = unwrapped.index('"id_decision": "24-DCC-101"')
    (FX / "decisions_cut-off.derived.json").write_text(unwrapped[: second + 200], encoding="utf-8")
    others = [r for r in records if r is not dcc]
    (FX / "decisions_no-merger.derived.json").write_text(dump(others), encoding="utf-8")


if __name__ == "__main__":
    main()
