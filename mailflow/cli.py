"""Command line: parse arguments, call one function, print. Errors become one or two lines."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import shutil
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mailflow import __version__
from mailflow.config import Config, load_config
from mailflow.errors import ConfigError, MailflowError, QuarantinedMail
from mailflow.logs import setup_logging
from mailflow.model import Origin, RawMail

F = TypeVar("F", bound=Callable[..., Any])
out = Console(highlight=False, soft_wrap=True)


def shipped(name: str) -> Path:
    """The rules/ or templates/ that come with mailflow (in the wheel, or in a source checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_shipped" / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise MailflowError(f"the shipped {name}/ folder is missing from this installation")


def _row(table: Table, *cells: str) -> None:
    """Table cells are data (a buyer's subject may contain [brackets]), never rich markup."""
    table.add_row(*(escape(str(c)) for c in cells))


class State:
    def __init__(self, config_path: Path, traceback: bool, verbose: bool) -> None:
        self.config_path = config_path
        self.traceback = traceback
        self.verbose = verbose
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            if not self.config_path.exists():
                raise ConfigError("config file not found (create one with `mailflow init DIR`, "
                                  "or pass --config FILE)", self.config_path)
            self._config = load_config(self.config_path)
            secrets = [os.environ.get("MAILFLOW_IMAP_PASSWORD", "")]
            for source in self._config.sources:
                if source.imap:
                    secrets.append(source.imap.password)
            if self._config.smtp:
                secrets.append(self._config.smtp.password)
            setup_logging(self.verbose, secrets)
        return self._config

    @property
    def config_file_exists(self) -> bool:
        return self.config_path.exists()

    def store(self) -> Any:
        from mailflow.store import Store
        return Store(self.config.database_url, self.config.archive_root)


def handles_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        state: State = click.get_current_context().find_object(State)  # type: ignore[assignment]
        try:
            return func(*args, **kwargs)
        except MailflowError as exc:
            if state and state.traceback:
                raise
            click.echo(f"mailflow: {exc}", err=True)
            sys.exit(exc.exit_code)
    return wrapper  # type: ignore[return-value]


@click.group()
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=Path("mailflow.yaml"),
              show_default=True, help="The configuration file.")
@click.option("--traceback", is_flag=True, help="Show the full trace of an error.")
@click.option("-v", "--verbose", is_flag=True, help="Log debugging detail.")
@click.version_option(__version__, prog_name="mailflow")
@click.pass_context
def main(ctx: click.Context, config_path: Path, traceback: bool, verbose: bool) -> None:
    """mailflow runs an export desk's order mailbox: file, classify, extract, reply."""
    ctx.obj = State(config_path, traceback, verbose)
    setup_logging(verbose)


# --- init and run ------------------------------------------------------------------------

INIT_CONFIG = """\
# mailflow configuration. Relative paths are relative to this file.
identity: {{company: "Acme Nonwovens Co., Ltd.", name: "Acme Order Desk", address: orders@acme.example,
           language: en}}
sources:
  - path: {inbox}          # a folder of .eml files, maildir:PATH or mbox:PATH
  # - imap: {{host: imap.acme.example, port: 993, tls: implicit, username: orders@acme.example,
  #          password: ${{MAILFLOW_IMAP_PASSWORD}}, folders: [INBOX]}}
# smtp: {{host: smtp.acme.example, port: 587, tls: starttls, username: orders@acme.example,
#        password: ${{MAILFLOW_SMTP_PASSWORD}}, sent_folder: Sent}}
database: {{url: "sqlite:///var/mailflow.db"}}   # or postgresql+psycopg://user@host/db
archive: {{path: var/archive}}
rules: rules/
templates: templates/
reply:
  hold_all: false                  # true: every reply waits for `mailflow outbox approve`
  # hold_if: "order.total > 50000 or 'price_floor' in order.checks_failed"
  subject_token: "[Order {{order}}]"
  same_reply_hours: 24             # one reply of a template per address in this window
  max_per_hour: 60                 # automatic replies sent per hour
extract: {{enabled: true}}           # price_list: prices.csv (item code, floor price)
buyers: []
#  - {{name: Northwind Trading, domains: [northwind.example], language: en, currency: USD}}
"""


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@handles_errors
def init(directory: Path) -> None:
    """Write a working starting point: mailflow.yaml, the shipped rules and templates."""
    directory.mkdir(parents=True, exist_ok=True)
    config_file = directory / "mailflow.yaml"
    if config_file.exists():
        raise ConfigError("already exists; not overwritten", config_file)
    for name in ("rules", "templates"):
        target = directory / name
        if not target.exists():
            shutil.copytree(shipped(name), target)
    (directory / "inbox").mkdir(exist_ok=True)
    config_file.write_text(INIT_CONFIG.format(inbox="inbox/"), encoding="utf-8")
    out.print(f"wrote {config_file}, {directory / 'rules'}/, {directory / 'templates'}/ and an empty "
              f"{directory / 'inbox'}/; put .eml files there and run: mailflow --config {config_file} "
              "run --once", markup=False)


@main.command()
@click.option("--once", is_flag=True, help="Process what the sources hold now, then exit.")
@click.option("--source", help="Use this source instead of the configured ones: a folder of .eml "
                               "files, maildir:PATH, mbox:PATH, or imaps://USER@HOST:PORT/FOLDER "
                               "(password from MAILFLOW_IMAP_PASSWORD; imap:// on loopback only).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
@handles_errors
def run(state: State, once: bool, source: str | None, as_json: bool) -> None:
    """Fetch, classify, file and queue replies; without --once, keep watching until stopped."""
    from mailflow.daemon import imap_accounts, local_sources, run_forever, run_once
    from mailflow.pipeline import load_desk
    from mailflow.sources.imap import SourceError, account_from_url

    config = state.config
    desk = load_desk(config)
    if source and source.startswith(("imap://", "imaps://")):
        account, _ = account_from_url(source, os.environ.get("MAILFLOW_IMAP_PASSWORD"))
        sources, accounts = [], [account]
    else:
        sources = local_sources(config, source)
        accounts = [] if source else imap_accounts(config)
    if not sources and not accounts:
        raise ConfigError("no mail source: add one under sources: or pass --source", config.file)
    store = state.store()
    try:
        if not once:
            run_forever(desk, store, sources, config, accounts)
            return
        summary = run_once(desk, store, sources, accounts)
        counts = store.counts()
    finally:
        desk.close()
        store.close()
    if as_json:
        click.echo(json.dumps({**summary.as_dict(), "totals": counts}, ensure_ascii=False, indent=2))
    else:
        _print_summary(summary, config)
    if summary.errors:
        raise SourceError("; ".join(summary.errors))


def _print_summary(summary: Any, config: Config) -> None:
    table = Table(title="mailflow run", show_header=True)
    table.add_column("")
    table.add_column("count", justify="right")
    _row(table, "messages read", str(summary.read))
    for category, count in sorted(summary.categories.items()):
        _row(table, f"  {category}", str(count))
    _row(table, "filed under an order", str(summary.filed_under_order))
    _row(table, "  new orders", str(summary.new_orders))
    _row(table, "unfiled", str(summary.unfiled))
    for reply_state in ("queued", "held", "suppressed"):
        _row(table, f"replies {reply_state}", str(summary.replies.get(reply_state, 0)))
    _row(table, "quarantined", str(summary.quarantined))
    _row(table, "already filed (skipped)", str(summary.duplicates))
    if summary.dry_run:
        _row(table, "dry run (nothing written)", str(summary.dry_run))
    out.print(table)
    out.print(f"archive: {config.archive_root}   database: {config.database_url}", markup=False)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handles_errors
def status(state: State, as_json: bool) -> None:
    """Per watched folder: last sync, messages not yet processed, last error; outbox counts."""
    store = state.store()
    try:
        health = store.ledger.health()
        counts = store.counts()
        failed_actions = store.ledger.failed_actions()
    finally:
        store.close()
    folders = [{"source": h.source, "uidvalidity": h.uidvalidity, "last_uid": h.last_uid,
                "last_sync": _utc_iso(h.last_sync_at), "server_messages": h.server_messages,
                "lag": h.lag, "last_error": h.last_error or None,
                "last_error_at": _utc_iso(h.last_error_at)} for h in health]
    if as_json:
        click.echo(json.dumps({"folders": folders, "outbox": counts["outbox"],
                               "messages": counts["messages"], "orders": counts["orders"],
                               "quarantined": counts["quarantined"],
                               "failed_server_actions": failed_actions}, indent=2))
        return
    table = Table("folder", "last sync", "lag", "last error")
    for f in folders:
        error = f"{f['last_error_at']}: {f['last_error']}" if f["last_error"] else ""
        _row(table, str(f["source"]), str(f["last_sync"] or "never"), str(f["lag"]), error)
    out.print(table)
    if failed_actions:
        out.print(f"{failed_actions} server action(s) (move/flag) failed: see the log", markup=False)
    out.print(f"outbox: {counts['outbox'] or 'empty'}   messages: {counts['messages']}   "
              f"orders: {counts['orders']}   quarantined: {counts['quarantined']}", markup=False)


def _utc_iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@main.group()
def accounts() -> None:
    """IMAP accounts."""


@accounts.command("test")
@click.pass_obj
@handles_errors
def accounts_test(state: State) -> None:
    """Log in to each account; list watched folders with counts and capabilities."""
    from mailflow.daemon import imap_accounts
    from mailflow.sources.imap import FAULTS, SourceError, connect, explain, quiet_logout

    failures = 0
    accounts_ = imap_accounts(state.config)
    if not accounts_:
        raise ConfigError("no IMAP account under sources:", state.config.file)
    for account in accounts_:
        try:
            client = connect(account)
        except SourceError as exc:
            failures += 1
            click.echo(f"FAIL {account.label}: {exc}")
            continue
        try:
            caps = {c.decode() for c in client.capabilities()}
            wanted = [c for c in ("IDLE", "MOVE", "UIDPLUS", "CONDSTORE") if c in caps]
            click.echo(f"ok   {account.label} ({account.tls}); capabilities: {', '.join(wanted) or 'none'}"
                       + ("" if "IDLE" in caps else "; no IDLE: mailflow will poll"))
            for folder in account.folders:
                if not client.folder_exists(folder):
                    failures += 1
                    names = ", ".join(str(f[2]) for f in client.list_folders()[:10])
                    click.echo(f"FAIL   {folder}: folder missing (the server has: {names})")
                    continue
                info = client.folder_status(folder, ["MESSAGES", "UNSEEN", "UIDVALIDITY"])
                click.echo(f"       {folder}: {info[b'MESSAGES']} messages, {info[b'UNSEEN']} unseen, "
                           f"UIDVALIDITY {info[b'UIDVALIDITY']}")
        except FAULTS as exc:
            failures += 1
            click.echo(f"FAIL {account.label}: {explain(exc, account)}")
        finally:
            quiet_logout(client)
    if failures:
        raise SourceError(f"{failures} problem(s) found")


# --- rules ---------------------------------------------------------------------------------

@main.group()
def rules() -> None:
    """Check rule files and see how they classify mail."""


@rules.command("check")
@click.pass_obj
@handles_errors
def rules_check(state: State) -> None:
    """Validate the rule files (and the reply templates they use)."""
    from mailflow.pipeline import load_desk

    desk = load_desk(state.config)
    files = sorted({str(r.file) for r in desk.rules.rules})
    out.print(f"ok: {len(desk.rules.rules)} rules in {len(files)} files")


def _looks_like_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


@rules.command("test")
@click.argument("target", required=False, type=click.Path(path_type=Path))
@click.option("--archive", "use_archive", is_flag=True, help="Classify every message in the archive.")
@click.option("--diff", is_flag=True, help="List messages whose category would change from the one on record.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handles_errors
def rules_test(state: State, target: Path | None, use_archive: bool, diff: bool, as_json: bool) -> None:
    """Explain how FILE.eml is classified; a folder or --archive gives a table by category."""
    from mailflow.extract import read_attachment_texts
    from mailflow.parse import parse
    from mailflow.rules import load_rules
    from mailflow.sources.local import local_source

    ruleset = load_rules(state.config.rules_dir)
    if target is not None and target.is_file() and not _looks_like_mbox(target):
        try:
            message = read_attachment_texts(parse(target.read_bytes()))
        except QuarantinedMail as exc:
            raise MailflowError(f"{target}: would be quarantined: {exc.reason}") from None
        decision = ruleset.classify(message)
        result = {"file": str(target), "subject": message.subject, "category": decision.category,
                  "rule": decision.rule, "conditions": list(decision.conditions),
                  "matched_rules": list(decision.matched_rules), "tags": list(decision.tags),
                  "actions": [{"kind": a.kind, "rule": a.rule, **a.params} for a in decision.actions]}
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False, indent=2))
            return
        out.print(f"[bold]{escape(decision.category)}[/bold]  rule: "
                  f"{escape(decision.rule or '(none matched: fallback)')}")
        for condition in decision.conditions:
            out.print(f"  because {condition}", markup=False)
        for action in decision.actions:
            out.print(f"  then {action.kind} {action.params}", markup=False)
        return

    raws: list[RawMail]
    store = state.store() if (use_archive or diff) else None
    if use_archive:
        assert store is not None
        raws = [RawMail(store.archive.read(m.path), Origin("file", path=m.path)) for m in store.messages()]
    elif target is not None:
        raws = list(local_source(str(target), Path.cwd()).fetch())
    else:
        raise click.UsageError("give a FILE.eml, a folder, or --archive")
    on_record = {m.sha256: m.category for m in store.messages()} if store else {}
    counts: Counter[str] = Counter()
    changes = []
    for raw in raws:
        try:
            message = read_attachment_texts(parse(raw.data))
        except QuarantinedMail:
            counts["(quarantined)"] += 1
            continue
        decision = ruleset.classify(message)
        counts[decision.category] += 1
        before = on_record.get(message.sha256)
        if diff and before is not None and before != decision.category:
            changes.append({"message_id": message.message_id, "subject": message.subject,
                            "origin": raw.origin.path, "before": before, "after": decision.category,
                            "rule": decision.rule})
    if store:
        store.close()
    if as_json:
        click.echo(json.dumps({"categories": dict(counts), "changes": changes}, ensure_ascii=False,
                              indent=2))
        return
    table = Table("category", "messages")
    for category, count in sorted(counts.items()):
        _row(table, category, str(count))
    out.print(table)
    if diff:
        if not changes:
            out.print("no category would change")
        for change in changes:
            out.print(f"{change['before']} -> {change['after']}  {change['subject']}  "
                      f"({change['origin']})", markup=False)


# --- orders --------------------------------------------------------------------------------

@main.group()
def order() -> None:
    """Orders: list, show, assign a message by hand."""


@order.command("assign")
@click.argument("message")
@click.argument("number")
@click.pass_obj
@handles_errors
def order_assign(state: State, message: str, number: str) -> None:
    """File MESSAGE (Message-ID or sha256 prefix) under order NUMBER, creating it if needed."""
    store = state.store()
    try:
        applied = store.assign(message, number)
    finally:
        store.close()
    out.print(f"filed under {applied.order_folder}: {applied.path}", markup=False)


@order.command("list")
@click.option("--open", "only_open", is_flag=True, help="Only orders whose status is open.")
@click.option("--buyer", help="Only this buyer's orders (part of the name).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handles_errors
def order_list(state: State, only_open: bool, buyer: str | None, as_json: bool) -> None:
    """Every order with its buyer and number of messages."""
    store = state.store()
    try:
        rows = [store.order_summary(o.id) for o in store.orders()
                if (not only_open or o.status == "open")
                and (not buyer or buyer.lower() in o.buyer.lower())]
    finally:
        store.close()
    items = [{"order": r["order"], "folder": r["folder"], "buyer": r["buyer"], "status": r["status"],
              "aliases": r["aliases"], "messages": len(r["messages"]), "replies": len(r["replies"]),
              "total": (r.get("data") or {}).get("total"),
              "currency": (r.get("data") or {}).get("currency"),
              "checks_failed": (r.get("data") or {}).get("checks_failed", [])}
             for r in rows]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    table = Table("order", "buyer", "aliases", "messages", "replies")
    for item in items:
        _row(table, item["order"], item["buyer"], ", ".join(item["aliases"]), str(item["messages"]),
                      str(item["replies"]))
    out.print(table)


@order.command("export")
@click.argument("number")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.pass_obj
@handles_errors
def order_export(state: State, number: str, output: Path) -> None:
    """A zip with the order's original mail, files, order.json, timeline.html and a manifest."""
    from mailflow.errors import NotFound
    from mailflow.store.export import export_order

    store = state.store()
    try:
        row = store.find_order(number)
        if row is None:
            raise NotFound(f"no order {number!r}")
        manifest = export_order(store, row.id, output)
    finally:
        store.close()
    out.print(f"{output}: {len(manifest['files'])} files with their sha256 in manifest.json", markup=False)


@main.command("search")
@click.argument("query")
@click.option("--order", "order_number", help="Only this order's mail (any of its numbers).")
@click.option("--buyer")
@click.option("--category")
@click.option("--from", "sender", help="Sender address, or part of it.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--direction", type=click.Choice(["in", "out"]))
@click.option("--limit", type=click.IntRange(1, 1000), default=20)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handles_errors
def search_command(state: State, query: str, order_number: str | None, buyer: str | None,
                   category: str | None, sender: str | None, since: dt.datetime | None,
                   until: dt.datetime | None, direction: str | None, limit: int, as_json: bool) -> None:
    """Find mail by words, in English or Chinese: best matches first, newest first on ties."""
    from mailflow.store.search import Filters, search

    filters = Filters(order=order_number, buyer=buyer, category=category, sender=sender,
                      since=since.date() if since else None, until=until.date() if until else None,
                      direction=direction, limit=limit)
    store = state.store()
    try:
        with store.sessions() as session:
            hits = search(session, query, filters)
    finally:
        store.close()
    items: list[dict[str, Any]] = [
        {"message_id": h.message_id, "date": _utc_iso(h.date), "direction": h.direction,
         "from": h.sender, "subject": h.subject, "order": h.order, "category": h.category,
         "snippet": h.snippet} for h in hits]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    table = Table("date", "dir", "from", "subject", "order", "snippet")
    for item in items:
        _row(table, (item["date"] or "")[:16], item["direction"], item["from"], item["subject"],
             item["order"] or "", item["snippet"])
    out.print(table)
    out.print(f"{len(items)} message(s)", markup=False)


@main.command("verify")
@click.argument("bundle", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@handles_errors
def verify_command(bundle: Path) -> None:
    """Check an exported bundle: every file as the manifest says, nothing missing or added."""
    from mailflow.store.export import verify

    verdict = verify(bundle)
    for label, paths in (("changed", verdict.changed), ("missing", verdict.missing),
                         ("added", verdict.added)):
        for path in paths:
            out.print(f"{label}: {path}", markup=False)
    if verdict.problem:
        raise MailflowError(f"{bundle}: {verdict.problem}")
    if not verdict.ok:
        raise MailflowError(f"{bundle}: does NOT match its manifest ({len(verdict.changed)} changed, "
                            f"{len(verdict.missing)} missing, {len(verdict.added)} added)")
    out.print(f"{bundle}: ok, {verdict.checked} files match their sha256", markup=False)


@order.command("show")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handles_errors
def order_show(state: State, number: str, as_json: bool) -> None:
    """An order's data and its messages in date order."""
    from mailflow.errors import NotFound

    store = state.store()
    try:
        row = store.find_order(number)
        if row is None:
            raise NotFound(f"no order {number!r}")
        summary = store.order_summary(row.id)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    out.print(f"[bold]order {escape(summary['order'])}[/bold]  buyer {escape(summary['buyer'])}  "
              f"aliases {escape(', '.join(summary['aliases']))}")
    _print_order_data(summary.get("data") or {})
    from mailflow.authresults import summary as auth_summary

    table = Table("date", "dir", "category", "from", "subject", "files", "sender checks")
    for m in summary["messages"]:
        _row(table, m["date"] or "", m["direction"], m["category"], m["from"], m["subject"],
             str(len(m["attachments"])), auth_summary(m.get("authentication") or {}))
    out.print(table)
    for reply in summary["replies"]:
        out.print(f"reply #{reply['id']} {reply['template']} [{reply['state']}] to "
                  f"{', '.join(reply['to'])}", markup=False)


def _print_order_data(data: dict[str, Any]) -> None:
    """Terms, lines, totals, check results and the history of an order's data."""
    if not data:
        out.print("no order document read yet", markup=False)
        return
    terms = [f"{label} {data[key]}" for key, label in (
        ("order_date", "ordered"), ("delivery_date", "delivery"), ("currency", "currency"),
        ("incoterm", "incoterm"), ("payment_terms", "payment"), ("total", "total")) if data.get(key)]
    if terms:
        out.print("  ".join(terms), markup=False)
    lines = data.get("lines") or []
    if lines:
        table = Table("item", "description", "qty", "unit", "unit price", "amount")
        for line in lines:
            _row(table, line.get("item_code") or "", line.get("description") or "",
                 line.get("quantity") or "", line.get("unit") or "", line.get("unit_price") or "",
                 line.get("amount") or "")
        out.print(table)
    for check in data.get("checks", []):
        mark = "ok" if check["ok"] else "FAILED"
        out.print(f"check {check['name']}: {mark}: {check['detail']}", markup=False)
    document = data.get("document") or {}
    if document.get("name"):
        out.print(f"read from {document['name']} ({document.get('source', '')})", markup=False)
    for error in document.get("errors", []):
        out.print(f"could not read {error}", markup=False)
    for entry in (data.get("history") or [])[1:]:
        changed = ", ".join(f"{k} {v[0]!r} -> {v[1]!r}" if k != "lines" else "lines"
                            for k, v in entry["changes"].items())
        out.print(f"{entry['at'][:16]} {entry['document'] or 'a document'} changed {changed}",
                  markup=False)


@main.command("extract")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--template-dir", "template_dirs", multiple=True,
              type=click.Path(path_type=Path, exists=True, file_okay=False),
              help="A folder of invoice2data templates (instead of the configured ones).")
@click.option("--json", "as_json", is_flag=True)
@click.option("--explain", is_flag=True, help="Which template matched, and where each field came from.")
@click.pass_obj
@handles_errors
def extract_command(state: State, file: Path, template_dirs: tuple[Path, ...], as_json: bool,
                    explain: bool) -> None:
    """Print the order in FILE (PDF, .xlsx, .csv or text), as the pipeline would read it."""
    import dataclasses as dc

    from mailflow.extract import Extractor, extract_file, order_data, settings_from
    from mailflow.extract.checks import check_order
    from mailflow.extract.templates import field_sources, load_templates

    settings = settings_from(state.config) if state.config_file_exists else None
    if settings is None or template_dirs:
        from mailflow.extract import Settings

        base = settings or Settings()
        dirs = tuple(str(d.resolve()) for d in template_dirs) or base.template_dirs
        settings = dc.replace(base, template_dirs=dirs)
    load_templates(settings.template_dirs)  # a broken template is reported before any reading
    extractor = Extractor(settings)
    try:
        document = extract_file(file, extractor)
    finally:
        extractor.close()
    data = order_data([document])
    data = dc.replace(data, checks=check_order(data, today=dt.date.today(), floors=settings.floors))
    if as_json:
        click.echo(json.dumps({"template": document.template,
                               "fields": document.fields or _generic_fields(document),
                               "order": _order_json(data)}, ensure_ascii=False, indent=2))
        return
    reader = f"template {document.template}" if document.template else "generic reader"
    out.print(f"[bold]{escape(file.name)}[/bold]: {document.pages or '-'} page(s), {escape(reader)}")
    if explain:
        if document.template:
            out.print(f"matched by keywords: {', '.join(document.keywords)}", markup=False)
            template = next(t for t in load_templates(settings.template_dirs)
                            if t["template_name"] == document.template)
            sources = field_sources(template, document.text)
            for name, value in document.fields.items():
                where = f" <- {sources[name]!r}" if name in sources else ""
                out.print(f"  {name}: {value!r}{where}", markup=False)
        else:
            for found in document.found:
                used = "used" if found.confidence >= 0.5 else "NOT used"
                note = f" ({found.note})" if found.note else ""
                out.print(f"  {found.name}: {found.value!s} confidence {found.confidence} {used}"
                          f"{note} <- {found.source!r}", markup=False)
    _print_order_data({**_order_json(data), "document": {}})


def _order_json(data: Any) -> dict[str, Any]:
    from mailflow.extract.record import order_record

    return {**order_record(data), "source": data.source,
            "confidence": dict(data.confidence),
            "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in data.checks]}


def _generic_fields(document: Any) -> dict[str, Any]:
    """The generic reader's fields in invoice2data's JSON shape (dates as YYYY-MM-DD strings,
    numbers as numbers), so one consumer reads both."""
    from mailflow.extract.templates import json_fields

    fields: dict[str, Any] = {}
    for found in document.found:
        if found.confidence < 0.5 or found.name == "lines":
            continue
        key = {"number": "invoice_number", "order_date": "date", "total": "amount"}.get(found.name,
                                                                                     found.name)
        fields.setdefault(key, found.value)
    lines = document.order.get("lines") or ()
    if lines:
        fields["lines"] = [{"code": li.item_code, "name": li.description, "qty": li.quantity,
                            "uom": li.unit, "price_unit": li.unit_price,
                            "price_subtotal": li.amount} for li in lines]
    return json_fields(fields)


# --- quarantine and outbox -----------------------------------------------------------------

@main.group()
def quarantine() -> None:
    """Mail that could not be processed, kept with its raw bytes and the reason."""


@quarantine.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include items already retried successfully.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handles_errors
def quarantine_list(state: State, show_all: bool, as_json: bool) -> None:
    store = state.store()
    try:
        rows = store.quarantined(include_resolved=show_all)
    finally:
        store.close()
    items = [{"sha256": r.sha256, "path": r.path, "reason": r.reason, "origin": r.origin,
              "size": r.size, "at": r.created_at.isoformat(),
              "resolved": r.resolved_at.isoformat() if r.resolved_at else None} for r in rows]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not items:
        out.print("quarantine is empty")
    for item in items:
        out.print(f"{item['sha256'][:12]}  {item['path']}  {item['reason']}  (from {item['origin']})",
                  markup=False)


@quarantine.command("retry")
@click.pass_obj
@handles_errors
def quarantine_retry(state: State) -> None:
    """Run every quarantined mail through the pipeline again (after a fix)."""
    from mailflow.pipeline import handle, load_desk

    desk = load_desk(state.config)
    store = state.store()
    fixed = still = 0
    try:
        for row in store.quarantined():
            raw = RawMail(store.archive.read(row.path), Origin("file", path=row.path))
            store.resolve_quarantine(row.sha256)
            handled = handle(raw, desk, store)
            if handled.applied and handled.applied.order_id is not None:
                store.write_order_json(handled.applied.order_id)
            if handled.status == "quarantined":
                still += 1
                out.print(f"still quarantined {row.sha256[:12]}: {handled.reason}", markup=False)
            else:
                fixed += 1
                out.print(f"{handled.status} {row.sha256[:12]} "
                          f"{handled.applied.path if handled.applied else ''}", markup=False)
    finally:
        desk.close()
        store.close()
    out.print(f"{fixed} processed, {still} still quarantined")


@main.group()
def outbox() -> None:
    """Replies: queued, held for approval, sending, sent, failed, uncertain or rejected."""


@outbox.command("list")
@click.option("--state", "reply_state", help="Only replies in this state (queued, held, …).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handles_errors
def outbox_list(state: State, reply_state: str | None, as_json: bool) -> None:
    store = state.store()
    try:
        rows = store.outbox(reply_state)
    finally:
        store.close()
    items = [{"id": r.id, "state": r.state, "template": r.template, "language": r.language,
              "to": r.to_addrs, "subject": r.subject, "reason": r.reason, "message_id": r.message_id}
             for r in rows]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    table = Table("id", "state", "template", "to", "subject", "reason")
    for item in items:
        _row(table, str(item["id"]), item["state"], f"{item['template']} ({item['language']})",
                      ", ".join(item["to"]), item["subject"], item["reason"])
    out.print(table)


@outbox.command("show")
@click.argument("reply_id", type=int)
@click.pass_obj
@handles_errors
def outbox_show(state: State, reply_id: int) -> None:
    """The full rendered message, as it would be sent."""
    from mailflow.errors import NotFound

    store = state.store()
    try:
        rows = [r for r in store.outbox() if r.id == reply_id]
    finally:
        store.close()
    if not rows:
        raise NotFound(f"no reply #{reply_id}")
    click.echo(rows[0].raw.decode("utf-8", errors="replace"))


@outbox.command("compose")
@click.argument("number")
@click.argument("template")
@click.pass_obj
@handles_errors
def outbox_compose(state: State, number: str, template: str) -> None:
    """Compose TEMPLATE (e.g. packing_list) for ORDER by hand, answering its latest mail."""
    from mailflow.pipeline import compose_for_order, load_desk

    desk = load_desk(state.config)
    store = state.store()
    try:
        reply = compose_for_order(number, template, desk, store)
    finally:
        desk.close()
        store.close()
    note = f": {reply.reason}" if reply.reason else ""
    out.print(f"{template} to {', '.join(a.addr for a in reply.to)} is {reply.state}{note}", markup=False)


@main.group()
def db() -> None:
    """The database's schema."""


@db.command("upgrade")
@click.pass_obj
@handles_errors
def db_upgrade(state: State) -> None:
    """Apply the schema migrations this mailflow brings (back the database up first)."""
    from mailflow.store import migrations
    from mailflow.store.db import make_engine

    engine = make_engine(state.config.database_url)
    try:
        before, after = migrations.upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        out.print(f"the database is up to date (revision {after})")
    else:
        out.print(f"upgraded the database from revision {before or 'none'} to {after}")


@main.command("packing-list")
@click.argument("number")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.pass_obj
@handles_errors
def packing_list(state: State, number: str, output: Path) -> None:
    """Write ORDER's packing list PDF (cartons, weights, CBM from the product file)."""
    from mailflow.errors import NotFound
    from mailflow.reply.packing import font_path, load_products, plan, render_pdf

    config = state.config
    if not config.packing.products:
        raise ConfigError("no product file: set packing.products in mailflow.yaml", config.file,
                          None, "packing.products")
    products = load_products(config.resolve(config.packing.products))
    store = state.store()
    try:
        row = store.find_order(number)
        if row is None:
            raise NotFound(f"no order {number!r}")
        data, order_number, buyer = dict(row.data or {}), row.number, row.buyer
    finally:
        store.close()
    packing = plan(order_number, buyer, data.get("lines") or [], products)
    if not packing.lines:
        raise MailflowError(f"order {order_number} has no line items to pack")
    if packing.missing:
        raise MailflowError("no packing specifications in the product file for: "
                            + ", ".join(packing.missing))
    font = font_path(config.resolve(config.packing.font) if config.packing.font else None)
    output.write_bytes(render_pdf(packing, config.identity.company, font))
    out.print(f"{output}: {packing.cartons} cartons, N.W. {packing.net_kg} kg, G.W. "
              f"{packing.gross_kg} kg, {packing.cbm} CBM", markup=False)


@outbox.command("send")
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send nothing.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handles_errors
def outbox_send(state: State, dry_run: bool, as_json: bool) -> None:
    """Send the queued replies that are due (the daemon does this every 30 s)."""
    from mailflow.daemon import send_outbox

    if dry_run:
        store = state.store()
        try:
            due = store.due_replies()
        finally:
            store.close()
        for row in due:
            out.print(f"would send #{row.id} {row.template} to {', '.join(row.to_addrs)}: "
                      f"{row.subject}", markup=False)
        out.print(f"{len(due)} reply(ies) due; nothing sent (--dry-run)")
        return
    store = state.store()
    try:
        report = send_outbox(state.config, store)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(report.as_dict()))
        return
    out.print(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}, "
              f"uncertain {report.uncertain}" + (" (hourly cap reached)" if report.capped else ""))


@outbox.command("approve")
@click.argument("reply_id", type=int)
@click.pass_obj
@handles_errors
def outbox_approve(state: State, reply_id: int) -> None:
    """Release a held reply (or one a person checked after `uncertain`) to be sent."""
    store = state.store()
    try:
        row = store.approve(reply_id)
    finally:
        store.close()
    out.print(f"reply #{row.id} approved: queued to {', '.join(row.to_addrs)}", markup=False)


@outbox.command("reject")
@click.argument("reply_id", type=int)
@click.option("--reason", required=True, help="Why it must not go (kept with the reply).")
@click.pass_obj
@handles_errors
def outbox_reject(state: State, reply_id: int, reason: str) -> None:
    store = state.store()
    try:
        store.reject(reply_id, reason)
    finally:
        store.close()
    out.print(f"reply #{reply_id} rejected: {reason}", markup=False)


@outbox.command("edit")
@click.argument("reply_id", type=int)
@click.pass_obj
@handles_errors
def outbox_edit(state: State, reply_id: int) -> None:
    """Edit a held or queued reply's text in $EDITOR; headers and threading stay as they are."""
    from mailflow.reply.compose import replace_text

    store = state.store()
    try:
        row = store.reply(reply_id)
        original = email_text(row.raw)
        edited = click.edit(original, extension=".txt", require_save=True)
        if edited is None or edited == original:
            out.print("unchanged")
            return
        store.replace_reply(reply_id, replace_text(row.raw, edited), row.subject)
    finally:
        store.close()
    out.print(f"reply #{reply_id} updated")


def email_text(raw: bytes) -> str:
    import email
    import email.policy

    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(("plain",))
    return str(body.get_content()) if body is not None else ""


if __name__ == "__main__":  # pragma: no cover
    main()
