"""The explicit registry of sources: name -> source object. One module per source."""

from __future__ import annotations

from mergerwatch.errors import UsageError
from mergerwatch.sources.base import Source
from mergerwatch.sources.cma_mergers import CmaMergers
from mergerwatch.sources.doj_press import DojPress
from mergerwatch.sources.ec_mergers import EcMergers
from mergerwatch.sources.federal_register import FederalRegister
from mergerwatch.sources.ftc_early_termination import FtcEarlyTermination
from mergerwatch.sources.ftc_press import FtcPress
from mergerwatch.sources.sec_edgar import SecEdgar

_ALL: tuple[type[Source], ...] = (
    FtcEarlyTermination,
    FtcPress,
    DojPress,
    FederalRegister,
    EcMergers,
    CmaMergers,
    SecEdgar,
)

REGISTRY: dict[str, Source] = {cls.name: cls() for cls in _ALL}


def get_source(name: str) -> Source:
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise UsageError(f"unknown source '{name}'; known sources: {known}") from None
