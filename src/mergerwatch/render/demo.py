"""What `mergerwatch demo` prints: the store it built, what each source holds and what kind of recording it came
from (real, rebuilt, real rows, an example) with the recording's date, one deal answered, and commands that work as
typed. Styling is ours (say's pieces); every value from a recording goes through clean()."""

from __future__ import annotations

import shlex
from typing import Any

from mergerwatch.render.console import LazyConsole, say
from mergerwatch.render.terminal import print_deal


def print_demo(console: LazyConsole, result: dict[str, Any]) -> None:
    say(("Demo store: ", "bold"), result["database"].removeprefix("sqlite:///"), console=console)
    say("Built offline from responses recorded from the authorities (no network, no key):", console=console)
    width = max(len(s["source"]) for s in result["sources"])
    for s in result["sources"]:
        n = s["records"]
        state = f"{n:>6,} record{'' if n == 1 else 's'}" if s["ok"] else "failed: " + "; ".join(s["errors"])
        say(f"  {s['source']:<{width}}  ", (state, "" if s["ok"] else "red"), console=console)
        for rec in s["recordings"]:
            say(f"  {'':<{width}}    ", (rec["words"], "dim"), console=console)
    shown = next((d for d in result["deals"] if d["found"]), result["deals"][0])
    console.print()
    say(("$ mergerwatch deal " + " ".join(shlex.quote(n) for n in shown["query"]), "bold"), console=console)
    print_deal(console.get(), shown)
    console.print()
    say(("Try:", "bold"), console=console)
    for cmd in result["try"]:
        say(f"  {cmd}", console=console)
