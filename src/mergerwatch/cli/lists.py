"""What a user keeps beside the records: `alias` (one company by several names, in every name query) and `watch`
(deals, companies and rules whose changes are reported after each refresh)."""

from typing import Annotated

import typer

from mergerwatch.cli.common import STATE, JsonOpt, alias_app, names, reader, watch_app
from mergerwatch.core.errors import MergerwatchError, UsageError
from mergerwatch.core.lazy import lazy
from mergerwatch.core.textsafe import clean

console = lazy("mergerwatch.render.console")
names_mod = lazy("mergerwatch.core.names")
output = lazy("mergerwatch.render.output")
writing = lazy("mergerwatch.store.write.store")


def store():
    """The store for writing (SQLAlchemy; the schema created or migrated on first use)."""
    return writing.Store(STATE.db)


@alias_app.command("add")
def alias_add(
    name: str,
    alias: str,
    reason: Annotated[str | None, typer.Option("--reason", help="Why these are the same company.")] = None,
) -> None:
    """Treat ALIAS as another name of NAME in every query."""
    name, alias = names([name, alias], "a name and an alias", split=False)
    if names_mod.normalise_name(name).key == names_mod.normalise_name(alias).key:
        raise UsageError(f"'{alias}' and '{name}' are already the same name to mergerwatch; no alias needed")
    store().add_alias(name, alias, reason)
    console.say(f"alias added: '{alias}' = '{name}'")


@alias_app.command("list")
def alias_list(as_json: JsonOpt) -> None:
    """List aliases."""
    rows = reader().aliases()
    if as_json:
        output.print_json([{k: r[k] for k in ("name", "alias", "reason", "created_at")} for r in rows])
        return
    if not rows:
        console.say("No aliases. `mergerwatch alias add NAME ALIAS` adds one.", console=console.err)
    for r in rows:
        console.say(f"{r['name']} = {r['alias']}" + (f"  ({r['reason']})" if r["reason"] else ""))


@alias_app.command("remove")
def alias_remove(name: str, alias: Annotated[str | None, typer.Argument()] = None) -> None:
    """Remove one alias of NAME, or all of them."""
    (name,) = names([name], "a name", split=False)
    n = store().remove_alias(name, alias)
    if not n:
        raise MergerwatchError(
            f"no alias {'of' if alias is None else repr(clean(alias, one_line=True)) + ' for'} "
            f"'{name}'; `mergerwatch alias list` shows them"
        )
    console.say(f"{n} alias(es) removed")


@watch_app.command("add")
def watch_add(
    companies: Annotated[
        list[str] | None, typer.Argument(metavar="[NAMES]...", help="The companies of the deal.")
    ] = None,
    party: Annotated[
        str | None, typer.Option("--party", help="Follow a company: every filing naming it, new or changed.")
    ] = None,
    authority: Annotated[str | None, typer.Option("--authority", help="Follow every case at this authority.")] = None,
    phase: Annotated[int | None, typer.Option("--phase", help="... that reaches this phase (1 or 2).")] = None,
) -> None:
    """Watch a deal (NAME NAME), or follow a rule (--party NAME; --authority EC --phase 2): what changes is
    reported after each refresh."""
    if companies and (party or authority or phase):
        raise UsageError("watch either a deal (company names) or a rule (--party / --authority / --phase), not both")
    if party is not None and (authority or phase):
        raise UsageError("--party follows one company; --authority/--phase follow cases: give one rule at a time")
    if phase is not None and phase not in (1, 2):
        raise UsageError("--phase takes 1 or 2")
    if party is not None or authority is not None or phase is not None:
        if party is not None:
            (party,) = names([party], "a company name", split=False)
        if authority is not None and not authority.strip():
            raise UsageError("--authority takes an authority such as EC, CMA, FTC or DOJ")
        console.say(f"following: {store().add_rule(party=party, authority=authority, phase=phase)}")
        return
    if not companies:
        raise UsageError("give a deal (watch add nvidia groq) or a rule (--party NAME, --authority EC --phase 2)")
    console.say(f"watching: {store().add_watch(names(companies))}")


@watch_app.command("list")
def watch_list(as_json: JsonOpt) -> None:
    """List watched deals."""
    rows = reader().watches()
    if as_json:
        output.print_json(rows)
        return
    if not rows:
        console.say("No watched deals. `mergerwatch watch add NAME NAME` adds one.", console=console.err)
    for r in rows:
        failed = r["undelivered_alerts"]
        console.say(
            f"{r['id']}: {r['label']}"
            + (f"  ({failed} failed deliver{'y' if failed == 1 else 'ies'})" if failed else "")
        )


@watch_app.command("remove")
def watch_remove(ident: Annotated[str, typer.Argument(help="The id or label from `watch list`.")]) -> None:
    """Stop watching a deal."""
    n = store().remove_watch(ident)
    if not n:
        raise MergerwatchError(f"no watch '{clean(ident, one_line=True)}'; `mergerwatch watch list` shows them")
    console.say("removed")
