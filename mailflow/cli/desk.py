"""Setting a desk up and running it: init, run, status, accounts test."""

from __future__ import annotations

import atexit
import functools
import gc
import json
import os
import shutil
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from mailflow.cli.base import TEXT, State, add_row, main, out, utc_iso
from mailflow.config import Config
from mailflow.errors import ConfigError
from mailflow.shipped import shipped

INIT_CONFIG = """\
# mailflow configuration. Relative paths are relative to this file. Every commented example
# works as it is when the leading "# " is removed.
identity:
  company: "Acme Nonwovens Co., Ltd."
  name: "Acme Order Desk"
  address: orders@acme.example
  language: en
  # other_addresses: [lily@acme.example]       # colleagues: never auto-replied, their mail is ours
sources:
  - path: {inbox}          # a folder of .eml files, maildir:PATH or mbox:PATH
  # - imap:
  #     host: imap.acme.example
  #     port: 993
  #     tls: implicit
  #     username: orders@acme.example
  #     password: "${{MAILFLOW_IMAP_PASSWORD}}"
  #     folders: [INBOX]
# smtp:
#   host: smtp.acme.example
#   port: 587
#   tls: starttls
#   username: orders@acme.example
#   password: "${{MAILFLOW_SMTP_PASSWORD}}"
#   sent_folder: Sent
database: {{url: "sqlite:///var/mailflow.db"}}   # or postgresql+psycopg://user@host/db
archive:
  path: var/archive
  # s3: {{bucket: acme-mail, prefix: desk, endpoint_url: "https://s3.example", region: cn-north-1}}
  #   ^ several machines share the archive in a bucket; its keys come from AWS_ACCESS_KEY_ID and
  #     AWS_SECRET_ACCESS_KEY, ~/.aws or the instance role, never from this file
rules: rules/
templates: templates/
reply:
  hold_all: false                  # true: every reply waits for `mailflow outbox approve`
  # hold_if: "order.total > 50000 or 'price_floor' in order.checks_failed"
  subject_token: "[Order {{order}}]"
  same_reply_hours: 24             # one reply of a template per address in this window
  max_per_hour: 60                 # automatic replies sent per hour
extract:
  enabled: true
  # price_list: prices.csv         # item code, floor price: the price floor check
# packing:
#   products: products.csv         # item_code, pieces_per_carton, net_kg, gross_kg, length_cm, width_cm, height_cm[, package]
# The documents we write (`mailflow document ORDER pi|invoice|packing-list|production-order|purchase-order`).
# documents:
#   company: {{name_zh: 艾克美无纺布有限公司, address: "88 Xinhua Road, Wuxi, China", phone: "+86 510 8888 0000"}}
#   bank: {{beneficiary: "Acme Nonwovens Co., Ltd.", bank: "Bank of China Wuxi Branch", account: "...", swift: "..."}}
#   sequences: {{pi: "ANW-PI-{{yymm}}-{{n:02d}}", invoice: "ANW-CI-{{yymm}}-{{n:02d}}"}}
#   bom: bom.csv                   # item_code, material, description, quantity, unit, supplier, price
#   inspection: "AQL 2.5 final random inspection"
buyers: []
#  - {{name: Northwind Trading, domains: [northwind.example], language: en, currency: USD, merchandiser: Lily Chen}}
#  - {{name: Cascade Wipes, domains: [cascade.example], country: GB}}  # country: how 03/04/2026 reads (GB: 3 April)
# Following orders (rules/followup/*.yaml): who signs off, the margin rule, the daily digest.
users: []                          # who may do what: every --as NAME (approve, sign off, ...) is one of these
#  - {{name: Lily Chen, role: merchandiser}}      # merchandiser | manager | general_manager | accounts
#  - {{name: Wang Fang, role: manager}}
# approval:
#   costs: costs.csv               # item_code, unit_cost, currency
#   rates: {{USD: 7.1, CNY: 1}}      # one unit of each currency in one base
#   margin_floor: 5                # percent
# followup: {{timezone: Asia/Shanghai, tolerance: {{percent: 0.5, amount: 50}}}}
# digest: {{time: "07:30", to: [{{address: wang@acme.example, owner: Wang Fang}}]}}
# The desk in a browser (`mailflow web`; people: `mailflow user add NAME --role manager`).
# web: {{host: 127.0.0.1, port: 8025, secure_cookies: false}}
# classifier: {{enabled: true, overrule: 0.85, retrain_at: "03:30"}}
"""


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
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


@functools.cache
def _no_last_collection() -> None:
    """At exit the process's objects are left to the system: the collector does not walk them
    all one last time (about 0.2 s at the end of a run of 2,000 mails). `gc.freeze` is the first
    thing done at exit (`atexit` runs the last registered first): logging's flush and the
    workers' ends run after it as before, and each module's objects are still freed; only
    garbage in reference cycles at that moment is not collected (its memory goes with the
    process). Registered once a process (the tests run the command many times in theirs)."""
    atexit.register(gc.freeze)


@main.command()
@click.option("--once", is_flag=True, help="Process what the sources hold now, then exit.")
@click.option("--source", type=TEXT, help="Use this source instead of the configured ones: a folder of .eml "
                               "files, maildir:PATH, mbox:PATH, or imaps://USER@HOST:PORT/FOLDER "
                               "(password from MAILFLOW_IMAP_PASSWORD; imap:// on loopback only).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--wait", type=click.FloatRange(min=0), default=0.0, metavar="SECONDS",
              help="With --once: wait up to SECONDS for a folder another daemon is reading (by "
                   "default it is left to that daemon, which files its mail).")
@click.pass_obj
def run(state: State, once: bool, source: str | None, as_json: bool, wait: float) -> None:
    """Fetch, classify, file and queue replies; without --once, keep watching until stopped.
    A folder another daemon is reading is left to it: not an error (exit 0), said in a line."""
    from mailflow.daemon import imap_accounts, local_sources, run_forever, run_once
    from mailflow.desk import load_desk
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
    desk.intake.start()  # the workers load the desk while the store and the sources open
    try:
        store = state.store()
    except BaseException:
        desk.close()
        raise
    _no_last_collection()
    try:
        with store.exclusive():  # SQLite: one daemon per database
            if not once:
                run_forever(desk, store, sources, config, accounts)
                return
            summary = run_once(desk, store, sources, accounts, wait=wait)
        counts = store.counts()
    finally:
        desk.close()
        store.close()
    if as_json:
        click.echo(json.dumps({**summary.as_dict(), "totals": counts}, ensure_ascii=False, indent=2))
    else:
        _print_summary(summary, config)
        for busy in summary.busy:
            out.print(busy, markup=False)
    if summary.errors:
        raise SourceError("; ".join(summary.errors))


def _print_summary(summary: Any, config: Config) -> None:
    table = Table(title="mailflow run", show_header=True)
    table.add_column("")
    table.add_column("count", justify="right")
    add_row(table, "messages read", str(summary.read))
    for category, count in sorted(summary.categories.items()):
        add_row(table, f"  {category}", str(count))
    add_row(table, "filed under an order", str(summary.filed_under_order))
    add_row(table, "  new orders", str(summary.new_orders))
    add_row(table, "unfiled", str(summary.unfiled))
    for reply_state in ("queued", "held", "suppressed"):
        add_row(table, f"replies {reply_state}", str(summary.replies.get(reply_state, 0)))
    add_row(table, "quarantined", str(summary.quarantined))
    add_row(table, "already filed (skipped)", str(summary.duplicates))
    if summary.dry_run:
        add_row(table, "dry run (nothing written)", str(summary.dry_run))
    out.print(table)
    where = config.archive.s3 and f"s3://{config.archive.s3.bucket}/{config.archive.s3.prefix}".rstrip("/")
    out.print(f"archive: {where or config.archive_root}   database: {config.database_url}", markup=False)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def status(state: State, as_json: bool) -> None:
    """Per watched folder: last sync, messages not yet processed, last error; outbox counts."""
    from mailflow.store.objects import reachability

    store = state.store()
    try:
        health = store.ledger.health()
        counts = store.counts()
        failed_actions = store.ledger.failed_actions()
        archive = reachability(store.archive)
    finally:
        store.close()
    scans = _scans(state)
    folders = [{"source": h.source, "uidvalidity": h.uidvalidity, "last_uid": h.last_uid,
                "last_sync": utc_iso(h.last_sync_at), "server_messages": h.server_messages,
                "lag": h.lag, "last_error": h.last_error or None,
                "last_error_at": utc_iso(h.last_error_at)} for h in health]
    if as_json:
        click.echo(json.dumps({"folders": folders, "outbox": counts["outbox"],
                               "messages": counts["messages"], "orders": counts["orders"],
                               "quarantined": counts["quarantined"],
                               "failed_server_actions": failed_actions, "scans": scans,
                               "archive": archive}, indent=2))
        return
    table = Table("folder", "last sync", "lag", "last error")
    for f in folders:
        error = f"{f['last_error_at']}: {f['last_error']}" if f["last_error"] else ""
        add_row(table, str(f["source"]), str(f["last_sync"] or "never"), str(f["lag"]), error)
    out.print(table)
    if failed_actions:
        out.print(f"{failed_actions} server action(s) (move/flag) failed: see the log", markup=False)
    totals = Table("messages", "orders", "quarantined", *(f"outbox {k}" for k in sorted(counts["outbox"])))
    add_row(totals, str(counts["messages"]), str(counts["orders"]), str(counts["quarantined"]),
            *(str(counts["outbox"][k]) for k in sorted(counts["outbox"])))
    out.print(totals)
    out.print(f"archive: {archive['where']}: " + (
        (f"reachable, {archive['latency_ms']} ms" if archive["latency_ms"] is not None else "reachable")
        if archive["reachable"] else f"NOT reachable: {archive['error']}"), markup=False)
    out.print("scans (PDF pages without text, JPEG/PNG/TIFF): " + (
        f"read through OCR, {scans['engine']}" if scans["read"] else f"not read: {scans['reason']}"),
        markup=False)


def _scans(state: State) -> dict[str, Any]:
    """Whether scanned documents are read: OCR switched on and its engine installed."""
    from mailflow.extract import ocr
    from mailflow.extract.pdf import Scans

    refusal = Scans(ocr=state.config.extract.ocr).refusal()
    return {"read": not refusal, "engine": ocr.ENGINE if not refusal else None,
            "reason": refusal.removeprefix("a scan, not read: ") or None}


@main.group()
def accounts() -> None:
    """IMAP accounts."""


@accounts.command("test")
@click.pass_obj
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


@main.group()
def service() -> None:
    """Running mailflow as a systemd service."""


@service.command("unit")
@click.option("--web", is_flag=True, help="The unit of the web desk instead of the daemon.")
@click.option("--user", "user_name", default="mailflow", show_default=True, help="The system user it runs as.")
@click.pass_obj
def service_unit(state: State, web: bool, user_name: str) -> None:
    """Print the systemd unit for this installation and config (save it under /etc/systemd/system)."""
    from mailflow.service import unit

    click.echo(unit(state.config_path, web=web, user=user_name), nl=False)
