"""The explicit registry of sources: name -> source object. One module per source."""

from __future__ import annotations

from mergerwatch.errors import UsageError
from mergerwatch.sources.base import Source
from mergerwatch.sources.cma_mergers import CmaMergers
from mergerwatch.sources.ec_mergers import EcMergers
from mergerwatch.sources.ftc_early_termination import FtcEarlyTermination

_ALL: tuple[type[Source], ...] = (FtcEarlyTermination, EcMergers, CmaMergers)

REGISTRY: dict[str, Source] = {cls.name: cls() for cls in _ALL}


def get_source(name: str) -> Source:
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise UsageError(f"unknown source '{name}'; known sources: {known}") from None
