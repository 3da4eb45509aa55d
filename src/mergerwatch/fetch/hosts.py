"""Politeness and bounds per host (request spacing, timeouts, retries, body caps and deadlines) as a rule each
source declares for the hosts it asks (``Source.host_rules``), and the honest User-Agent every request carries.
Imports nothing of mergerwatch but the errors."""

from __future__ import annotations

import os
from dataclasses import dataclass

from mergerwatch import __version__
from mergerwatch.core import config
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


# A host no source names (a webhook's, a test server's) is asked under this rule.
DEFAULT_RULE = HostRule()


def user_agent(contact: str) -> str:
    # The common "compatible" form for robots, naming the tool and the person responsible for it.
    return f"Mozilla/5.0 (compatible; mergerwatch/{__version__}; +mailto:{contact})"


def contact_from_env(required: bool) -> str:
    """``MERGERWATCH_CONTACT``, else the config file's ``contact``; a live run needs one."""
    contact = os.environ.get("MERGERWATCH_CONTACT", "").strip() or (config.load().contact or "")
    if not contact and required:
        raise UsageError(
            "set MERGERWATCH_CONTACT to an e-mail address or URL where the authorities can reach you "
            "(it goes into the User-Agent of every request), e.g. export MERGERWATCH_CONTACT=you@example.org, "
            f'or contact = "..." in {config.config_path()}'
        )
    return contact or "contact-not-configured"
