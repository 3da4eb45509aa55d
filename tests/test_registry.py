"""The registry (core/registry.py): every entry loads a source of its name, with its hosts' rules and known clocks."""

from __future__ import annotations


def test_every_registry_entry_loads_a_source_of_that_name_with_its_hosts_and_clocks():
    from mergerwatch.core import registry
    from mergerwatch.query.clocks import REGIMES
    from mergerwatch.sources import all_sources

    sources = all_sources()
    assert list(sources) == registry.names()
    rules: dict = {}
    for name, src in sources.items():
        assert src.name == name and src.authority == registry.PROFILES[name].authority
        assert src.host_rules, f"{name} names no host"
        for host, rule in src.host_rules.items():
            assert rules.setdefault(host, rule) == rule, f"{host} has two rules"  # one pace per host
        for clock in src.profile.clocks:
            assert clock.regime in REGIMES
