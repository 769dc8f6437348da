"""The web desk: `mailflow web` serves it; `mailflow user` keeps the people who log in."""

from __future__ import annotations

import getpass
import json
import sys
from typing import Any

import click
from rich.table import Table

from mailflow.cli.base import TEXT, State, add_row, main, out
from mailflow.errors import MailflowError


@main.command("web")
@click.option("--host", type=TEXT, help="Address to listen on (default web.host, 127.0.0.1).")
@click.option("--port", type=int, help="Port (default web.port, 8025).")
@click.pass_obj
def web(state: State, host: str | None, port: int | None) -> None:
    """Serve the desk in a browser, on the daemon's database and archive."""
    import uvicorn

    from mailflow.web.app import create_app

    config = state.config
    store = state.store()
    try:
        app = create_app(config, store)
        bind = host or config.web.host
        if bind not in ("127.0.0.1", "localhost", "::1") and not (config.web.secure_cookies
                                                                  or config.web.trusted_proxies):
            out.print(f"warning: listening on {bind} without web.secure_cookies: put TLS in front of it",
                      markup=False)
        # X-Forwarded-* are believed only from web.trusted_proxies (create_app), never by default
        uvicorn.run(app, host=bind, port=port if port is not None else config.web.port, log_level="warning",
                    proxy_headers=False)
    finally:
        store.close()


@main.group()
def user() -> None:
    """People who log in to the web desk."""


def _password(stdin: bool, prompt: str = "Password") -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(f"{prompt}: ")
    if first != getpass.getpass(f"{prompt} again: "):
        raise MailflowError("the two passwords differ")
    return first


@user.command("add")
@click.argument("name", type=TEXT)
@click.option("--role", type=click.Choice(["merchandiser", "manager", "general_manager", "accounts"]), required=True)
@click.option("--language", type=click.Choice(["en", "zh"]), default="en")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line).")
@click.pass_obj
def user_add(state: State, name: str, role: str, language: str, password_stdin: bool) -> None:
    """Add NAME with a role and a password (kept as an argon2id hash)."""
    from mailflow.web import auth

    password = _password(password_stdin)
    with state.opened_store() as store:
        person = auth.add_user(store.sessions, name, role, password, language)
    out.print(f"user {person.name} added ({person.role})", markup=False)


@user.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def user_list(state: State, as_json: bool) -> None:
    from mailflow.web import auth

    with state.opened_store() as store:
        rows: list[dict[str, Any]] = [{"name": u.name, "role": u.role, "disabled": u.disabled, "language": u.language}
                for u in auth.users(store.sessions)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("name", "role", "language", "disabled")
    for row in rows:
        add_row(table, row["name"], row["role"], row["language"], "yes" if row["disabled"] else "")
    out.print(table)


@user.command("passwd")
@click.argument("name", type=TEXT)
@click.option("--password-stdin", is_flag=True)
@click.pass_obj
def user_passwd(state: State, name: str, password_stdin: bool) -> None:
    """A new password for NAME; their sessions end."""
    from mailflow.web import auth

    password = _password(password_stdin, "New password")
    with state.opened_store() as store:
        auth.set_password(store.sessions, name, password)
    out.print(f"password of {name} changed; their sessions ended", markup=False)


@user.command("disable")
@click.argument("name", type=TEXT)
@click.pass_obj
def user_disable(state: State, name: str) -> None:
    """NAME can no longer log in; their sessions end."""
    from mailflow.web import auth

    with state.opened_store() as store:
        auth.disable(store.sessions, name)
    out.print(f"user {name} disabled", markup=False)
