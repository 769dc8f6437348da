"""Mail that could not be processed: list it, retry it after a fix."""

from __future__ import annotations

import json

import click

from mailflow.cli.base import AS_OPTION, State, main, out


@main.group()
def quarantine() -> None:
    """Mail that could not be processed, kept with its raw bytes and the reason."""


@quarantine.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include items already retried successfully.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def quarantine_list(state: State, show_all: bool, as_json: bool) -> None:
    from mailflow import views

    with state.opened_store() as store:
        items = views.quarantine_list(store, include_resolved=show_all)
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if not items:
        out.print("quarantine is empty")
    for item in items:
        out.print(f"{item['sha256'][:12]}  {item['path']}  {item['reason']}  (from {item['origin']})",
                  markup=False)


@quarantine.command("retry")
@AS_OPTION
@click.pass_obj
def quarantine_retry(state: State, who: str | None) -> None:
    """Run every quarantined mail through the pipeline again (after a fix), from its origin."""
    from mailflow.desk import load_desk
    from mailflow.pipeline import retry_quarantined

    person = state.person(who)
    desk = load_desk(state.config)
    try:
        with state.opened_store() as store:
            results = retry_quarantined(desk, store, person)
    finally:
        desk.close()
    for result in results:
        handled = result.handled
        if result.resolved:
            out.print(f"{handled.status} {result.sha256[:12]} "
                      f"{handled.applied.path if handled.applied else ''}", markup=False)
        else:
            out.print(f"still quarantined {result.sha256[:12]}: {handled.reason}", markup=False)
    still = sum(not r.resolved for r in results)
    out.print(f"{len(results) - still} processed, {still} still quarantined")
