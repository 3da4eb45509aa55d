"""Derive the Competition Bureau fixtures that no capture shows, from the real excerpts and rows in
fixtures/cb-mergers/ and shared/samples/next_wave/canada/.

- ``archived-report_head-and-last-rows.derived.html``: the verbatim head of the archived report (first excerpt, up to
  its first data row) followed by the verbatim last rows and legend of the second excerpt (2015, consent
  agreements among them): one page as the real one is, minus its middle.
- ``current-report_every-outcome.derived.html``: the current report's first real row copied once per outcome code the
  legend names (CA, JD, TA, Other) and an unknown one ("Withdrawn"), each with its parties' name suffixed by the code
  so that the ids differ; nothing else changed.
- ``current-report_changed-columns.derived.html``: the current report with "Parties to the Transaction" renamed
  "Transaction" (a changed layout: no table is recognised, an error).
- ``current-report_empty-table.derived.html``: the current report with every row removed (an error: the table is
  never empty).
- ``error-page.derived.html``: the archived report's verbatim head lines with a body saying the page was not found.
Run: python scripts/derive_cb_fixtures.py
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FX = ROOT / "fixtures" / "cb-mergers"
SAMPLES = ROOT.parent / "shared" / "samples" / "next_wave" / "canada"


def main() -> None:
    head = (FX / "archived-report_head-and-first-rows.excerpt.html").read_text(encoding="utf-8")
    last = (SAMPLES / "archived-report-merger-reviews_EXCERPT-2_last-rows-and-legend.html").read_text(encoding="utf-8")
    cut = head.index("\t\t<tr>", head.index("<tbody>"))
    (FX / "archived-report_head-and-last-rows.derived.html").write_text(head[:cut] + last, encoding="utf-8")

    current = (FX / "current-report_rows-2025-10-to-2026-09.trimmed-fixture.html").read_text(encoding="utf-8")
    first = re.search(r"<tr>\s*<td>.*?</tr>\n", current, re.S)
    assert first is not None
    row = first.group(0)
    copies = []
    for code in ("CA", "JD", "TA", "Other", "Withdrawn"):
        r = row.replace("Taalas Inc</td>", f"Taalas Inc ({code})</td>").replace(
            "<td>2026-08-10</td>\n\t\t\t<td>Ongoing</td>", "<td>2026-08-10</td>\n\t\t\t<td>2026-09-15</td>"
        )
        copies.append(re.sub(r"<td>Ongoing</td>\n\t\t</tr>", f"<td>{code}</td>\n\t\t</tr>", r))
    (FX / "current-report_every-outcome.derived.html").write_text(
        current.replace(row, "".join(copies), 1), encoding="utf-8"
    )
    (FX / "current-report_changed-columns.derived.html").write_text(
        current.replace(">Parties to the Transaction<", ">Transaction<"), encoding="utf-8"
    )
    (FX / "current-report_empty-table.derived.html").write_text(
        re.sub(r"<tr(?: id=\"[^\"]*\")?>\s*<td>(?:(?!colspan).)*?</tr>\n", "", current, flags=re.S),
        encoding="utf-8",
    )
    title_end = head.index("</title>") + len("</title>")
    (FX / "error-page.derived.html").write_text(
        head[:title_end].replace("Archived - Report of merger reviews</title>", "Page not found</title>")
        + "\n<main><h1>We couldn't find that Web page (Error 404)</h1></main>\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
