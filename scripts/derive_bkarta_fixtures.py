"""Derive the Bundeskartellamt fixtures. No capture of the authority's pages exists (shared/samples/next_wave/
SOURCES.md, bundeskartellamt/): the one real sample of its tables is a third party's scrape of the English decision
search (125 rows, 2018-12-28; `rvest::html_table` of `#searchResultTable`, cell text as the site wrote it, soft hyphens
included, one link per row), kept as CSV. Every fixture here is built from those rows, in the layouts other
consumers' code reads (national_authorities.md §1.2, §1.7), and says so in its name (``.derived``).

- ``decision-search_en_2018-12-28_125-rows.derived.html``: the 125 rows back in a table ``#searchResultTable`` with
  the five column heads the scrape gave (Reference, Short subject, Date, Product markets, Type of decision), each
  row's link (its case page, session id removed) on its reference.
- ``laufende-verfahren_page-1_5-columns.derived.html``: the proceedings list as third-party code reads it (one table,
  a head row, five cells: Datum, Aktenzeichen, Unternehmen, Produktbereich, Abschluss), filled with the real values of
  the 12 newest decision rows: Datum = the row's date, Aktenzeichen = its reference, Unternehmen = its short subject
  without the "Case summary from ...:" prefix (English: the live list's words are German), Produktbereich = its
  product markets, Abschluss "-" (open) as the list shows for every row seen in code. No status word is invented.
- ``laufende-verfahren_empty-list.derived.html``: the same page with its rows removed (an error: page 1 is never
  empty).
- ``laufende-verfahren_changed-columns.derived.html``: the same page with "Aktenzeichen" renamed "Nummer" and one cell
  removed from each row (a changed layout: an error).
Run: python scripts/derive_bkarta_fixtures.py
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FX = ROOT / "fixtures" / "bkarta-mergers"
CSV = ROOT.parent / "shared/samples/next_wave/bundeskartellamt/DERIVED_josemreis_2018-12-28_germany_merger_cases.csv"
HEAD = '<!DOCTYPE html>\n<html lang="{lang}">\n<head><meta charset="utf-8"><title>{title}</title></head>\n<body>\n'


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def main() -> None:
    rows = list(csv.DictReader(CSV.open(encoding="utf-8")))
    out = [HEAD.format(lang="en", title="Search for decisions"), '<table id="searchResultTable">\n<thead><tr>']
    out += [f"<th>{h}</th>" for h in ("Reference", "Short subject", "Date", "Product markets", "Type of decision")]
    out.append("</tr></thead>\n<tbody>\n")
    for r in rows:
        href = re.sub(r";jsessionid=[^?#]*", "", r["case_page"]).replace("https://www.bundeskartellamt.de", "")
        out.append(
            f'<tr><td><a href="{esc(href)}">{esc(r["Reference"])}</a></td><td>{esc(r["Short subject"])}</td>'
            f"<td>{esc(r['Date'])}</td><td>{esc(r['Product markets'])}</td><td>{esc(r['Type of decision'])}</td></tr>\n"
        )
    out.append("</tbody>\n</table>\n</body>\n</html>\n")
    (FX / "decision-search_en_2018-12-28_125-rows.derived.html").write_text("".join(out), encoding="utf-8")

    head = HEAD.format(lang="de", title="Laufende Verfahren") + "<table>\n<tr>"
    head += "".join(f"<th>{h}</th>" for h in ("Datum", "Aktenzeichen", "Unternehmen", "Produktbereich", "Abschluss"))
    head += "</tr>\n"
    body = []
    for r in rows[:12]:
        subject = r["Short subject"]
        if subject.replace("\u00ad", "").startswith("Case summary from"):
            subject = subject.split(":", 1)[1].strip()
        cells = (r["Date"], r["Reference"], subject, r["Product markets"], "-")
        body.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>\n")
    tail = "</table>\n</body>\n</html>\n"
    (FX / "laufende-verfahren_page-1_5-columns.derived.html").write_text(head + "".join(body) + tail, "utf-8")
    (FX / "laufende-verfahren_empty-list.derived.html").write_text(head + tail, "utf-8")
    changed = head.replace("<th>Aktenzeichen</th>", "<th>Nummer</th>").replace("<th>Abschluss</th>", "")
    changed += "".join(re.sub(r"<td>-</td>", "", b) for b in body) + tail
    (FX / "laufende-verfahren_changed-columns.derived.html").write_text(changed, "utf-8")


if __name__ == "__main__":
    main()
