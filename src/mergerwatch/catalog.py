"""Which sources exist, and which authority each reads: a plain table the answer path can use ("sources
searched") without importing a single source module. The registry checks itself against it (tests)."""

from __future__ import annotations

# name -> (authority, jurisdiction), in the registry's order
SOURCES: dict[str, tuple[str, str]] = {
    "ftc-early-termination": ("FTC", "US"),
    "ftc-press": ("FTC", "US"),
    "doj-press": ("DOJ", "US"),
    "federal-register": ("US", "US"),
    "ec-mergers": ("EC", "EU"),
    "cma-mergers": ("CMA", "UK"),
    "sec-edgar": ("US", "US"),
}
