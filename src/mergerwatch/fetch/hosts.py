"""Politeness and bounds per host: request spacing, timeouts, retries, body caps and deadlines, and the honest
User-Agent every request carries. Imports nothing of mergerwatch but the errors."""

from __future__ import annotations

import os
from dataclasses import dataclass

from mergerwatch import __version__
from mergerwatch.core.errors import UsageError

MB = 1024 * 1024


@dataclass(frozen=True)
class HostRule:
    min_interval: float = 1.0  # seconds between two requests to this host
    timeout: float = 30.0  # per connect / read
    retries: int = 4
    backoff: float = 2.0  # first wait; doubles each retry
    max_wait: float = 120.0  # a Retry-After longer than this stops the source instead of sleeping
    max_body: int = 20 * MB  # bytes after decompression; a larger body is cut off and reported
    deadline: float = 120.0  # seconds for one whole request (a server that trickles cannot hold it longer)


# Per-host politeness and bounds, in one table (the numbers and their reasons are in shared/sources/*.md).
HOST_RULES: dict[str, HostRule] = {
    # api.data.gov gateway; 1,000/hour with a key; slow (a 2-record page took 12.5 s).
    "api.ftc.gov": HostRule(min_interval=4.0, timeout=90.0, retries=3, backoff=5.0, deadline=180.0),
    # robots.txt Crawl-delay: 5
    "www.ftc.gov": HostRule(min_interval=5.0, timeout=60.0, deadline=90.0),
    "www.justice.gov": HostRule(min_interval=1.0, timeout=60.0, deadline=90.0),
    "www.federalregister.gov": HostRule(min_interval=0.25, timeout=60.0, deadline=90.0),
    "www.gov.uk": HostRule(min_interval=0.2, timeout=30.0, deadline=60.0),
    # The open-data dump is ~39 MB today (eu_commission.md); room for growth, not for a bomb.
    "compcases-open-data-portal-files-prod.s3.eu-west-1.amazonaws.com": HostRule(
        min_interval=1.0, timeout=300.0, max_body=400 * MB, deadline=1800.0
    ),
    "competition-cases.ec.europa.eu": HostRule(min_interval=1.0, timeout=300.0, max_body=400 * MB, deadline=1800.0),
    "api.tech.ec.europa.eu": HostRule(min_interval=1.0, timeout=60.0, deadline=90.0),
    # The SEC allows 10 requests/s for a whole machine (sec_edgar.md §1); 0.35 s per host keeps all three hosts
    # together under 9/s even if a run used them at once (one source uses them one after another).
    "efts.sec.gov": HostRule(min_interval=0.35, timeout=60.0, deadline=90.0),
    "data.sec.gov": HostRule(min_interval=0.35, timeout=60.0, deadline=90.0),
    "www.sec.gov": HostRule(min_interval=0.35, timeout=60.0, deadline=120.0),
}
DEFAULT_RULE = HostRule()


def user_agent(contact: str) -> str:
    # The common "compatible" form for robots, naming the tool and the person responsible for it.
    return f"Mozilla/5.0 (compatible; mergerwatch/{__version__}; +mailto:{contact})"


def contact_from_env(required: bool) -> str:
    contact = os.environ.get("MERGERWATCH_CONTACT", "").strip()
    if not contact and required:
        raise UsageError(
            "set MERGERWATCH_CONTACT to an e-mail address or URL where the authorities can reach you "
            "(it goes into the User-Agent of every request), e.g. export MERGERWATCH_CONTACT=you@example.org"
        )
    return contact or "contact-not-configured"
