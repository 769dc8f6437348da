"""Evidence: full-text search over mail in and out, and checking an exported bundle."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from rich.table import Table

from mailflow.cli.base import TEXT, State, add_row, main, out
from mailflow.errors import MailflowError


@main.command("search")
@click.argument("query", type=TEXT)
@click.option("--order", "order_number", type=TEXT, help="Only this order's mail (any of its numbers).")
@click.option("--buyer", type=TEXT)
@click.option("--category", type=TEXT)
@click.option("--from", "sender", type=TEXT, help="Sender address, or part of it.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--direction", type=click.Choice(["in", "out"]))
@click.option("--party", type=TEXT, help="Only mail from this party, as the desk decided: us, buyer, supplier, "
                                         "forwarder, agency (inspection), bank or other.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def search_command(state: State, query: str, order_number: str | None, buyer: str | None,
                   category: str | None, sender: str | None, since: dt.datetime | None,
                   until: dt.datetime | None, direction: str | None, party: str | None, limit: int,
                   as_json: bool) -> None:
    """Find mail by words, in English or Chinese: best matches first, newest first on ties."""
    from mailflow import views
    from mailflow.parties import PARTIES
    from mailflow.store.search import Filters

    if party is not None and party not in PARTIES:
        raise click.BadParameter(f"{party!r} is none of {', '.join(PARTIES)}", param_hint="--party")
    filters = Filters(order=order_number, buyer=buyer, category=category, sender=sender,
                      since=since.date() if since else None, until=until.date() if until else None,
                      direction=direction, party=party, limit=limit)
    with state.opened_store() as store:
        items = views.search(store, query, filters)
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    table = Table("date", "dir", "from", "subject", "order", "snippet")
    for item in items:
        add_row(table, (item["date"] or "")[:16], item["direction"], item["from"], item["subject"],
             item["order"] or "", item["snippet"])
    out.print(table)
    out.print(f"{len(items)} message(s)", markup=False)


@main.command("verify")
@click.argument("bundle", type=click.Path(path_type=Path, exists=True, dir_okay=False), required=False)
@click.option("--key", "key_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="The desk's public key (PEM): the manifest's signature must match it.")
@click.option("--against-store", is_flag=True,
              help="Also check that every mail in the bundle is one this desk's database filed, and "
                   "read its files back from the archive against their rows' sha256 (without a "
                   "BUNDLE: every file of the archive).")
@click.pass_obj
def verify_command(state: State, bundle: Path | None, key_file: Path | None, against_store: bool) -> None:
    """Check an exported bundle: every file as the manifest says, nothing missing, added or
    damaged; with --key its signature; with --against-store its mail against the database and
    the archive's files (read back) against their rows."""
    from mailflow.store.export import unknown_to_store, verify
    from mailflow.store.relocate import check_objects

    if bundle is None:
        if not against_store:
            raise click.UsageError("give a BUNDLE, or --against-store to check the whole archive")
        with state.opened_store() as store:
            checked = check_objects(store)
            where = store.archive.describe()
        for problem in checked.problems:
            out.print(f"problem: {problem}", markup=False)
        if checked.problems:
            raise MailflowError(f"{where}: {len(checked.problems)} of {checked.checked} files do NOT match "
                                "their rows")
        out.print(f"{where}: ok, {checked.checked} files read back match their rows' sha256", markup=False)
        return
    verdict = verify(bundle, key_file.read_bytes() if key_file else None)
    if against_store and not verdict.problem:
        with state.opened_store() as store:
            verdict.findings += unknown_to_store(verdict, store.filed_sha256s)
            mail = {sha for path, sha in verdict.digests.items() if path.startswith("mail/")}
            verdict.findings += check_objects(store, mail).problems
    for label, paths in (("changed", verdict.changed), ("missing", verdict.missing),
                         ("added", verdict.added), ("problem", verdict.findings)):
        for path in paths:
            out.print(f"{label}: {path}", markup=False)
    if verdict.signature and verdict.signature != "valid":
        out.print(f"signature: {verdict.signature}", markup=False)
    if verdict.problem:
        raise MailflowError(f"{bundle}: {verdict.problem}")
    if not verdict.ok:
        raise MailflowError(f"{bundle}: does NOT match its manifest ({len(verdict.changed)} changed, "
                            f"{len(verdict.missing)} missing, {len(verdict.added)} added, "
                            f"{len(verdict.findings)} other problem(s)"
                            + (f"; signature: {verdict.signature}" if verdict.signature not in ("", "valid")
                               else "") + ")")
    signed = ", signature valid" if verdict.signature == "valid" else ""
    anchored = ", every mail filed in this desk's database and its files in the archive" if against_store else ""
    out.print(f"{bundle}: ok, {verdict.checked} files match their sha256{signed}{anchored}", markup=False)


@main.group()
def keys() -> None:
    """The desk's signing key for evidence bundles."""


@keys.command("generate")
@click.option("-o", "--output", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder for desk-signing.key (keep it private) and desk-signing.pub (share it).")
def keys_generate(output: Path) -> None:
    """A new Ed25519 key pair: sign with `order export --sign`, check with `verify --key`."""
    from mailflow.store.signing import generate

    generate(output / "desk-signing.key", output / "desk-signing.pub")
    out.print(f"wrote {output / 'desk-signing.key'} (private, mode 600) and "
              f"{output / 'desk-signing.pub'}", markup=False)
