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

# Where a source's record lives, as a prefix of its own id: a filing whose url is exactly prefix + source id is
# stored with url '' (89 bytes of an FTC notice) and read back as that url (store_url, full_url). A prefix is never
# changed once released, since stored rows depend on it: a source that moves gets a new entry and a migration.
URL_PREFIXES: dict[str, str] = {
    "ftc-early-termination": "https://www.ftc.gov/v0/hsr-early-termination-notices/",
    "ec-mergers": "https://competition-cases.ec.europa.eu/cases/",
    "cma-mergers": "https://www.gov.uk/cma-cases/",
}


def store_url(source: str, source_id: str, url: str | None) -> str | None:
    """A filing's url as filings.url keeps it: '' for the source's own url of the id, NULL for none."""
    if not url:
        return None
    prefix = URL_PREFIXES.get(source)
    return "" if prefix is not None and url == prefix + source_id else url


def full_url(filing_id: str, stored: str | None) -> str | None:
    """filings.url read back (``filing_id`` is "source:source id")."""
    if stored != "":
        return stored
    source, source_id = filing_id.split(":", 1)
    prefix = URL_PREFIXES.get(source)
    return prefix + source_id if prefix is not None else None
