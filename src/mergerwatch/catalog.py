"""Which sources exist, and which authority each reads: a plain table the answer path can use ("sources
searched") without importing a single source module. The registry checks itself against it (tests)."""

from __future__ import annotations

# name -> (authority, jurisdiction, title), in the registry's order
SOURCES: dict[str, tuple[str, str, str]] = {
    "ftc-early-termination": ("FTC", "US", "FTC HSR early-termination notices (API + RSS)"),
    "ftc-press": ("FTC", "US", "FTC competition press releases (RSS)"),
    "doj-press": ("DOJ", "US", "DOJ Antitrust Division press releases (justice.gov News API)"),
    "federal-register": ("US", "US", "Federal Register notices of the DOJ Antitrust Division and the FTC"),
    "ec-mergers": ("EC", "EU", "European Commission merger cases (open-data dump + search API)"),
    "cma-mergers": ("CMA", "UK", "UK CMA merger cases (GOV.UK Search + Content APIs)"),
    "sec-edgar": ("US", "US", "SEC EDGAR: HSR status and deal disclosures in the parties' own filings"),
}
