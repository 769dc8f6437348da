"""What every command shares: the `mailflow` group, the loaded configuration, output helpers,
and the one place where errors become exit codes.

Exit codes: 0 ok, 1 other error, 2 configuration/rule/template or usage error, 3 not found,
4 database or archive unusable, 5 a mail server could not be used, 6 refused by the desk's
policy (who may do what: `policy.py`), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mailflow import __version__
from mailflow.config import Config, load_config
from mailflow.errors import ConfigError, MailflowError, StoreError
from mailflow.logs import secrets_of, setup_logging
from mailflow.policy import Person

out = Console(highlight=False, soft_wrap=True)
INTERRUPTED = 130


@contextmanager
def working(what: str) -> Iterator[None]:
    """A spinner with `what` on standard error while a long step runs, in a terminal only."""
    if not sys.stderr.isatty():
        yield
        return
    with Console(stderr=True).status(what):
        yield


@contextmanager
def progress_bar(what: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on standard error in a terminal (None elsewhere): call it with (done, total)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True)) as bar:
        task = bar.add_task(what, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)
        yield advance


def add_row(table: Table, *cells: str) -> None:
    """Table cells are data (a buyer's subject may contain [brackets]), never rich markup."""
    table.add_row(*(escape(str(c)) for c in cells))


def utc_iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class TextParam(click.ParamType):  # type: ignore[type-arg]
    """Text typed by a person. Bytes that are not valid in the terminal's encoding arrive as
    lone surrogates, which no database or file accepts: refused here with one line."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            self.fail(f"{text.encode('utf-8', 'surrogateescape')!r} is not valid UTF-8 text", param, ctx)
        return text


TEXT = TextParam()
AS_OPTION = click.option("--as", "who", type=TEXT, help="Who does this: a name in users: of mailflow.yaml or a web "
                                                        "desk user (default: operator:, else the login user); their "
                                                        "role decides what they may do; kept with the record.")


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
            setup_logging(self.verbose, secrets_of(self._config), self._config.logging.format)
        return self._config

    def who(self, given: str | None) -> str:
        """Who acts: `--as NAME`, else the configured operator, else the login user."""
        if given:
            return given
        if self.config_file_exists and self.config.operator:
            return self.config.operator
        import getpass

        return getpass.getuser()

    def person(self, given: str | None, store: Any | None = None) -> Person:
        """Who acts (`who`), as a person with a role; refused (`policy.Refused`) when the desk
        does not know them."""
        from mailflow.follow.signoff import resolve

        name = self.who(given)
        if store is not None:
            return resolve(self.config, store, name)
        with self.opened_store() as opened:
            return resolve(self.config, opened, name)

    @property
    def config_file_exists(self) -> bool:
        return self.config_path.exists()

    def store(self) -> Any:
        from mailflow.store.objects import open_store
        return open_store(self.config)

    @contextmanager
    def opened_store(self) -> Iterator[Any]:
        """The store for one command, closed whatever happens."""
        store = self.store()
        try:
            yield store
        finally:
            store.close()


class MailflowGroup(click.Group):
    """Runs a command and turns whatever escapes it into one line and an exit code."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        argv = list(args) if args is not None else sys.argv[1:]
        traceback = "--traceback" in argv
        try:
            return super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except (KeyboardInterrupt, click.exceptions.Abort):
            click.echo("mailflow: interrupted", err=True)
            sys.exit(INTERRUPTED)
        except MailflowError as exc:
            if traceback:
                raise
            click.echo(f"mailflow: {exc}", err=True)
            sys.exit(exc.exit_code)
        except Exception as exc:  # a bug or an unforeseen fault: one line, not a trace
            if traceback:
                raise
            from sqlalchemy.exc import SQLAlchemyError

            if isinstance(exc, SQLAlchemyError):  # the change was rolled back; nothing half-done
                detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
                click.echo(f"mailflow: the database refused the change: {detail}", err=True)
                sys.exit(StoreError.exit_code)
            click.echo(f"mailflow: unexpected error: {type(exc).__name__}: {exc} "
                       "(run with --traceback for the details)", err=True)
            sys.exit(1)


@click.group(cls=MailflowGroup)
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
