"""The registry: every source, one entry each, with the facts the rest of mergerwatch asks about it.

An entry names the module and class that fetch and parse (loaded only by the write path, sources/__init__.py) and
holds what the read path needs without importing them: the authority, where a record's own URL lives, whether its
case references name one review, which statutory clocks its open cases run, and what its extras repeat. Code
outside ``sources/`` asks this table; it never spells a source's name. Stdlib only.

Adding a source: one module in ``sources/``, one entry here, one folder in ``fixtures/`` (CONTRIBUTING.md).
"""

from __future__ import annotations

from typing import NamedTuple


class ClockRule(NamedTuple):
    """A statutory period an open case of this source runs, and where it starts (deadlines, `show`, `deal`).

    The period is the regime's (query/clocks.py: ``regime``), counted from the newest event whose detail is in
    ``start_events`` (the first one with ``first``) or from the date ``start_extra`` in the record's extra; it
    applies while the record's status is one of ``statuses``, unless an event of ``ended_by`` is dated on or after
    the start. ``basis`` says what it was computed from ("{date}" is the start); a start event of ``refiled_by`` is a
    refiling: the period says so and ``refiled_basis`` is used. ``options_extra`` gives the regime options read from
    the record's extra (option, key): the business days of extension the ACCC published."""

    regime: str
    statuses: tuple[str, ...]
    basis: str
    start_events: tuple[str, ...] = ()
    start_extra: str | None = None
    first: bool = False
    ended_by: tuple[str, ...] = ()
    refiled_by: tuple[str, ...] = ()
    refiled_basis: str = ""
    options_extra: tuple[tuple[str, str], ...] = ()


class ExtraRepeats(NamedTuple):
    """Values a source's extra repeats of its record (store/extra_codec.py): the key holding the case reference and
    the key holding the target parties' names, both written first by the parser."""

    case_ref_key: str
    targets_key: str


class SourceProfile(NamedTuple):
    name: str
    authority: str  # upper-case code (FTC, DOJ, US, EC, CMA, BKartA ...) as records carry it
    jurisdiction: str
    title: str
    code: str  # "module:Class" under mergerwatch.sources
    # A record whose url is exactly url_prefix + its source id is stored with url '' (store/rows.py). Never changed
    # once released, since stored rows depend on it: a source that moves gets a new entry and a migration.
    url_prefix: str | None = None
    reviews: bool = False  # its case_ref names one review: two different ones of the same parties are two deals
    phased: bool = False  # its cases run in phases: phase 1 unless a record shows more
    clocks: tuple[ClockRule, ...] = ()
    extra_repeats: ExtraRepeats | None = None
    # What `refresh --case` fetches on demand, in words ("an EC case number such as M.11234"); None: no such fetch.
    one_case: str | None = None
    follows_companies: bool = False  # `refresh --party NAME / --cik N` follow a listed company's own filings
    # Case references (a regular expression) that name a step before a review rather than a review: an ACCC waiver
    # application (WA-) and the notification (MN-) that follows its refusal are one deal.
    not_reviews: str | None = None

    @property
    def fixtures(self) -> str:
        """The folder of this source's example files and their expected records (tests/test_sources_golden.py)."""
        return f"fixtures/{self.name}"


PROFILES: dict[str, SourceProfile] = {
    p.name: p
    for p in (
        SourceProfile(
            "ftc-early-termination",
            "FTC",
            "US",
            "FTC HSR early-termination notices (API + RSS)",
            "ftc_early_termination:FtcEarlyTermination",
            url_prefix="https://www.ftc.gov/v0/hsr-early-termination-notices/",
            reviews=True,
            extra_repeats=ExtraRepeats("transaction_number", "acquired_entities"),
        ),
        SourceProfile("ftc-press", "FTC", "US", "FTC competition press releases (RSS)", "ftc_press:FtcPress"),
        SourceProfile(
            "doj-press",
            "DOJ",
            "US",
            "DOJ Antitrust Division press releases (justice.gov News API)",
            "doj_press:DojPress",
        ),
        SourceProfile(
            "federal-register",
            "US",
            "US",
            "Federal Register notices of the DOJ Antitrust Division and the FTC",
            "federal_register:FederalRegister",
        ),
        SourceProfile(
            "ec-mergers",
            "EC",
            "EU",
            "European Commission merger cases (open-data dump + search API)",
            "ec_mergers:EcMergers",
            url_prefix="https://competition-cases.ec.europa.eu/cases/",
            reviews=True,
            phased=True,
            one_case="an EC case number such as M.11234",
            clocks=(
                ClockRule(
                    "eu-phase2",
                    ("in_depth_review",),
                    "Phase II opened {date} (Art. 6(1)(c))",
                    start_events=("ec_art_6_1_c",),
                ),
                ClockRule("eu-phase1", ("notified",), "notified {date}", start_extra="notification_date"),
            ),
        ),  # fmt: skip
        SourceProfile(
            "cma-mergers",
            "CMA",
            "UK",
            "UK CMA merger cases (GOV.UK Search + Content APIs)",
            "cma_mergers:CmaMergers",
            url_prefix="https://www.gov.uk/cma-cases/",
            reviews=True,
            phased=True,
            one_case="a CMA case page's slug",
            clocks=(
                ClockRule(
                    "uk-phase2",
                    ("in_depth_review",),
                    "reference to Phase 2 {date}",
                    start_events=("cma_phase_2_reference",),
                ),
                # the launch can precede the formal start of Phase 1 (the published deadline then wins)
                ClockRule(
                    "uk-phase1",
                    ("notified", "under_review"),
                    "launch of the merger inquiry {date} (the formal start may be later)",
                    start_events=("cma_phase_1_launch",),
                    first=True,
                ),
            ),
        ),  # fmt: skip
        SourceProfile(
            "sec-edgar",
            "US",
            "US",
            "SEC EDGAR: HSR status and deal disclosures in the parties' own filings",
            "sec_edgar:SecEdgar",
            follows_companies=True,
            clocks=(
                ClockRule(
                    "us-hsr",
                    ("notified",),
                    "HSR filing {date} (disclosed by a party)",
                    start_events=("hsr_filed", "hsr_pull_and_refile"),
                    ended_by=("hsr_second_request", "hsr_early_termination"),
                    refiled_by=("hsr_pull_and_refile",),
                    refiled_basis="refiled {date} (disclosed by a party)",
                ),
            ),
        ),  # fmt: skip
        SourceProfile(
            "accc-mergers",
            "ACCC",
            "AU",
            "ACCC acquisitions register (notifications and waivers, with each matter's page)",
            "accc_mergers:AcccMergers",
            reviews=True,
            phased=True,
            not_reviews=r"WA-",
            one_case="a matter page of the acquisitions register (its URL or path)",
            clocks=(
                ClockRule(
                    "au-phase2",
                    ("in_depth_review",),
                    "notified {date}, Phase 2 from the end of Phase 1",
                    start_extra="notification_date",
                    options_extra=(("extension", "extension_business_days"),),
                ),
                ClockRule(
                    "au-phase1",
                    ("notified",),
                    "notified {date}",
                    start_extra="notification_date",
                    options_extra=(("extension", "extension_business_days"),),
                ),
            ),
        ),  # fmt: skip
        SourceProfile(
            "cb-mergers",
            "CB",
            "CA",
            "Competition Bureau Canada: the report of merger reviews (current and archived)",
            "cb_mergers:CbMergers",
        ),
        SourceProfile(
            "bkarta-mergers",
            "BKARTA",
            "DE",
            "Bundeskartellamt: current merger proceedings (Laufende Verfahren) and the decision search",
            "bkarta_mergers:BkartaMergers",
            reviews=True,
            phased=True,
            clocks=(
                ClockRule(
                    "de-phase2",
                    ("in_depth_review",),
                    "notified {date} (the list's date; the period runs from the complete notification)",
                    start_extra="notification_date",
                ),
                ClockRule(
                    "de-phase1",
                    ("notified",),
                    "notified {date} (the list's date; the period runs from the complete notification)",
                    start_extra="notification_date",
                ),
            ),
        ),  # fmt: skip
        SourceProfile(
            "adlc-mergers",
            "ADLC",
            "FR",
            "Autorité de la concurrence: merger control decisions (the open-data decisions file on data.gouv.fr)",
            "adlc_mergers:AdlcMergers",
            url_prefix="https://www.autoritedelaconcurrence.fr/fr/decision-de-controle-des-concentrations/",
            reviews=True,
            phased=True,
            clocks=(
                ClockRule("fr-phase1", ("notified",), "complete notification {date}", start_extra="notification_date"),
            ),
        ),  # fmt: skip
    )
}


def profile(name: str) -> SourceProfile | None:
    return PROFILES.get(name)


def names() -> list[str]:
    """Every source, in the registry's order."""
    return list(PROFILES)


def authorities() -> list[str]:
    """Every authority code a record can carry, in the registry's order (`--authority` takes these, any case)."""
    return list(dict.fromkeys(p.authority for p in PROFILES.values()))


def phased_authorities() -> frozenset[str]:
    """Authorities whose cases run in phases (a filing counted by authority alone, in statistics)."""
    return frozenset(p.authority for p in PROFILES.values() if p.phased)


def store_url(source: str, source_id: str, url: str | None) -> str | None:
    """A filing's url as filings.url keeps it: '' for the source's own url of the id, NULL for none."""
    if not url:
        return None
    p = PROFILES.get(source)
    prefix = p.url_prefix if p else None
    return "" if prefix is not None and url == prefix + source_id else url


def full_url(filing_id: str, stored: str | None) -> str | None:
    """filings.url read back (``filing_id`` is "source:source id")."""
    if stored != "":
        return stored
    source, source_id = filing_id.split(":", 1)
    p = PROFILES.get(source)
    return p.url_prefix + source_id if p is not None and p.url_prefix is not None else None
