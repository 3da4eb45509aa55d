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
- ``merger-list_first-row-24-DCC-101.derived.html``: the verbatim excerpt of the decisions-and-opinions list (its
  Drupal markup, the one real capture of the site's lists) with its first row's values replaced by those of the real
  merger decision 24-DCC-101 (page, number, title, sector, date; the type word "Décision" and the view's header
  count are the excerpt's own): the merger list's markup is presumed to be this one.
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
    page = (SAMPLES / "liste-des-decisions-et-avis_EXCERPT_view-header-and-first-3-rows.html").read_text("utf-8")
    first = page.index('<div class="views-row">')
    second = page.index('<div class="views-row">', first + 1)
    row = page[first:second]
    path = "/fr/decision-de-controle-des-concentrations/" + dcc["url_site"].rsplit("/", 1)[1]
    old_path = "/fr/avis/relatif-au-fonctionnement-concurrentiel-du-secteur-des-agents-dintelligence-artificielle"
    old_title = "relatif au fonctionnement concurrentiel du secteur des agents d’intelligence artificielle"
    new = (
        row.replace(old_path, path)
        .replace(old_title, dcc["titre_decision"])
        .replace(">26-A-05<", f">{dcc['id_decision']}<")
        .replace(">Numérique<", ">Transports<")
        .replace("<p>Avis</p>", "<p>Décision</p>")
        .replace('datetime="2026-07-17T12:00:00Z">17 juillet 2026', 'datetime="2024-05-24T12:00:00Z">24 mai 2024')
    )
    assert new.count(path) == 2 and dcc["id_decision"] in new
    (FX / "merger-list_first-row-24-DCC-101.derived.html").write_text(page[:first] + new + page[second:], "utf-8")
    others = [r for r in records if r is not dcc]
    (FX / "decisions_no-merger.derived.json").write_text(dump(others), encoding="utf-8")


if __name__ == "__main__":
    main()
