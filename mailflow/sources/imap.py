"""IMAP with imapclient: incremental sync by UID, IDLE, server actions after the commit, faults.

One connection per watched folder (a `FolderWatcher`, run in its own thread by the daemon). A
sync selects the folder, carries out server actions a crash may have left pending, fetches every
UID above the committed position with BODY.PEEK[] in batches (so \\Seen is never touched), hands
each message to the pipeline, which commits it together with the new position, and only then
moves or flags it on the server.
"""

from __future__ import annotations

import imaplib
import itertools
import json
import logging
import random
import shlex
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar
from urllib.parse import unquote, urlsplit

import imapclient
from imapclient.exceptions import IMAPClientError, LoginError

from mailflow.config import LOOPBACK_HOSTS, ImapAccount
from mailflow.errors import ConfigError, MailflowError
from mailflow.logs import register_secret
from mailflow.model import Origin, RawMail

T = TypeVar("T")
log = logging.getLogger("mailflow.imap")

IDLE_LIMIT = 25 * 60  # re-issue IDLE well before the server's 29-minute limit
SETTLE_SECONDS = 2.0  # the short IDLE after a sync that found mail
PREFETCH_BYTES = 64 * 2**20  # a batch this large is filed before the next one is fetched


class SourceError(MailflowError):
    """A mail server could not be used; the message says why in one line."""

    exit_code = 5


# --- connecting -----------------------------------------------------------------------------

def run_secret_command(command: str, what: str) -> str:
    try:
        result = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=30,
                                check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SourceError(f"{what} failed to run: {exc}") from None
    if result.returncode != 0 or not result.stdout.strip():
        raise SourceError(f"{what} exited with status {result.returncode} and printed no secret: "
                          f"{result.stderr.strip()[:200]}")
    secret = result.stdout.strip()
    register_secret(secret)  # from now on no log line, traceback included, shows it
    return secret


def connect(account: ImapAccount) -> imapclient.IMAPClient:
    """A logged-in client; raises SourceError with a one-line explanation."""
    context = ssl.create_default_context(cafile=str(account.tls_ca_file) if account.tls_ca_file else None)
    try:
        client = imapclient.IMAPClient(account.host, port=account.effective_port,
                                       ssl=account.tls == "implicit", ssl_context=context,
                                       timeout=account.timeout)
    except Exception as exc:
        raise SourceError(explain(exc, account)) from exc
    # imapclient turns imaplib's debug output on, which formats a text copy of every fetched
    # message; off, a batched fetch runs several times faster.
    client._imap.debug = 0
    try:
        if account.tls == "starttls":
            client.starttls(context)
        if account.oauth2_token_command:
            token = run_secret_command(account.oauth2_token_command, "oauth2_token_command")
            client.oauth2_login(account.username, token)
        else:
            password = account.password or run_secret_command(account.password_command,
                                                               "password_command")
            client.login(account.username, password)
    except Exception as exc:
        quiet_logout(client)
        if isinstance(exc, SourceError):
            raise
        raise SourceError(explain(exc, account)) from exc
    return client


def explain(exc: BaseException, account: ImapAccount) -> str:
    """One line a person can act on."""
    if isinstance(exc, SourceError):  # already explained where it was raised
        return str(exc)
    where = f"{account.host}:{account.effective_port}"
    if isinstance(exc, LoginError):
        detail = str(exc).strip() or "authentication failed"
        return f"login to {where} as {account.username} refused: wrong user name or password ({detail})"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS problem with {where}: the server's certificate is not trusted ({exc.verify_message})"
    if isinstance(exc, ssl.SSLError):
        return f"TLS problem with {where}: {exc.reason or exc} (is tls: {account.tls} right for this port?)"
    if isinstance(exc, socket.gaierror):
        return f"unknown host {account.host}: {exc.strerror}"
    if isinstance(exc, ConnectionRefusedError):
        return f"cannot connect to {where}: connection refused (server down or wrong port)"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return f"{where} did not answer within {account.timeout:.0f} s"
    if isinstance(exc, (ConnectionError, EOFError)) or type(exc).__name__ == "abort":
        return f"connection to {where} lost: {exc or type(exc).__name__}"
    if isinstance(exc, imaplib.IMAP4.error) and any(
            word in str(exc).lower() for word in ("unexpected", "bye", "eof", "socket")):
        return f"connection to {where} lost: the server answered {str(exc)[:200]!r}"
    if isinstance(exc, OSError):
        return f"network error with {where}: {exc.strerror or exc}"
    return f"{where}: {type(exc).__name__}: {exc}"


FAULTS: tuple[type[BaseException], ...] = (IMAPClientError, OSError, EOFError, SourceError,
                                          imaplib.IMAP4.abort, imaplib.IMAP4.error)


def quiet_logout(client: imapclient.IMAPClient | None) -> None:
    if client is None:
        return
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - the connection is being dropped anyway
        try:
            client.shutdown()
        except Exception as exc:  # noqa: BLE001
            log.debug("closing a broken connection: %s", exc)


def account_from_url(url: str, password: str | None) -> tuple[ImapAccount, str]:
    """`imap://USER@HOST:PORT/FOLDER` (loopback only) or `imaps://…` -> (account, folder)."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise ConfigError(f"not an IMAP URL: {url!r} (use imaps://USER@HOST:PORT/FOLDER)")
    if parts.password is not None:
        raise ConfigError("put the password in MAILFLOW_IMAP_PASSWORD, not in the URL")
    # the user may be an address: the last "@" separates it from the host
    userinfo, at, _ = parts.netloc.rpartition("@")
    if not at or not userinfo:
        raise ConfigError(f"{url!r} names no user (imaps://USER@HOST:PORT/FOLDER)")
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError as exc:
        raise ConfigError(f"{url!r}: {exc}") from None
    if parts.scheme == "imap" and host not in LOOPBACK_HOSTS:
        raise ConfigError(f"plain imap:// sends the password in clear: only for a loopback host, "
                          f"not {host}; use imaps://")
    if not password:
        raise ConfigError("set MAILFLOW_IMAP_PASSWORD to the mailbox password for --source imap…")
    user = unquote(userinfo)
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    try:
        account = ImapAccount(host=host, port=port, username=user,
                              password=password, tls="implicit" if parts.scheme == "imaps" else "none",
                              folders=[folder])
    except ValueError as exc:
        raise ConfigError(f"{url!r}: {exc}") from None
    return account, folder


# --- server actions -------------------------------------------------------------------------

def carry_out(client: imapclient.IMAPClient, uids: Sequence[int], actions: Sequence[dict[str, Any]],
              capabilities: set[bytes], already_in: Callable[[str], bool] | None = None) -> list[str]:
    """Flags first, then copies, then at most one move (or an explicit delete), each as one
    command for all `uids` (messages whose rules asked for the same actions).

    Idempotent: flags are sets, and a UID that is already gone is not found again. A COPY is
    not, so when an earlier attempt may have got that far (`already_in` is given on a replay of
    a single message), a folder that already holds the message is not copied to again."""
    add: list[str] = []
    remove: list[str] = []
    copies: list[str] = []
    move: str | None = None
    delete = False
    for action in actions:
        add += _as_list(action.get("flag"))
        remove += _as_list(action.get("unflag"))
        if action.get("seen"):
            add.append("\\Seen")
        copies += _as_list(action.get("copy"))
        move = action.get("move") or move
        delete = delete or bool(action.get("delete"))
    done: list[str] = []
    uids = list(uids)
    if add:
        client.add_flags(uids, add, silent=True)
        done.append(f"flag {' '.join(add)}")
    if remove:
        client.remove_flags(uids, remove, silent=True)
        done.append(f"unflag {' '.join(remove)}")
    for folder in copies:
        _ensure_folder(client, folder)
        if already_in is not None and already_in(folder):
            done.append(f"already copied to {folder}")
            continue
        client.copy(uids, folder)
        done.append(f"copy to {folder}")
    if move:
        _ensure_folder(client, move)
        if b"MOVE" in capabilities:
            client.move(uids, move)
        else:
            if already_in is None or not already_in(move):
                client.copy(uids, move)
            _delete(client, uids, capabilities)
        done.append(f"move to {move}")
    elif delete:
        _delete(client, uids, capabilities)
        done.append("delete")
    return done


def _copies(actions: Sequence[dict[str, Any]], capabilities: set[bytes]) -> bool:
    return any(a.get("copy") or (a.get("move") and b"MOVE" not in capabilities) for a in actions)


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _ensure_folder(client: imapclient.IMAPClient, folder: str) -> None:
    if not client.folder_exists(folder):
        try:
            client.create_folder(folder)
        except IMAPClientError:
            if not client.folder_exists(folder):  # another watcher created it meanwhile: fine
                raise
        try:
            client.subscribe_folder(folder)
        except IMAPClientError:
            pass


def _delete(client: imapclient.IMAPClient, uids: list[int], capabilities: set[bytes]) -> None:
    client.add_flags(uids, [imapclient.DELETED], silent=True)
    if b"UIDPLUS" in capabilities:
        client.uid_expunge(uids)
    # without UIDPLUS an EXPUNGE would remove every \Deleted message of the folder, including
    # ones a person marked: leave it flagged instead


# --- one folder -----------------------------------------------------------------------------

Handler = Callable[..., Any]  # (raw mail[, its content stages read ahead]) -> pipeline.Handled


class Lease(Protocol):
    """The right to work on a folder: several daemons may watch the same folders, one at a
    time works on each (the daemon implements it on the database, store/leases.py)."""

    @property
    def held(self) -> bool: ...

    def acquire(self) -> bool: ...

    def renew(self) -> bool: ...

    def release(self) -> None: ...

    def holder(self) -> str: ...


class Unleased:
    """Always held: one process and its folders (tests, tools)."""

    held = True

    def acquire(self) -> bool:
        return True

    def renew(self) -> bool:
        return True

    def release(self) -> None:
        pass

    def holder(self) -> str:
        return "this process"


@dataclass
class FolderWatcher:
    """Keeps one IMAP folder in sync over its own connection."""

    account: ImapAccount
    folder: str
    handle: Handler
    ledger: Any  # store.sync.SyncLedger
    lease: Lease = field(default_factory=Unleased)
    stop: threading.Event = field(default_factory=threading.Event)
    poll: threading.Event = field(default_factory=threading.Event)  # set by the poll schedule
    progress: bool = field(default_factory=lambda: sys.stderr.isatty())
    last_sync: float = 0.0  # time.monotonic() of the last successful sync
    started: float = 0.0  # time.monotonic() when run() began
    beat: float = 0.0  # time.monotonic() when the thread last showed it is alive (the watchdog reads it)
    waiting: bool = False  # another daemon holds the folder: nothing to sync here
    # (raw mails) -> (raw mail, its content stages already submitted): workers read ahead
    ahead: Callable[[Iterable[RawMail]], Iterator[tuple[RawMail, Any]]] | None = None
    # a fetched batch is filed in one transaction (daemon.Intake.batch); the server actions
    # its mails ask for are carried out once it is committed
    batch: Callable[[], AbstractContextManager[Any]] = nullcontext
    using_idle: bool = False
    idle_cycle: float = IDLE_LIMIT
    dry_run_seen: dict[int, int] = field(default_factory=dict)  # dry run: UIDVALIDITY -> last UID seen
    _unprocessed: set[int] = field(default_factory=set)  # UIDs the last sync left on the server

    @property
    def source(self) -> str:
        return Origin("imap", account=self.account.label, folder=self.folder).source_key

    def describe(self) -> str:
        return f"imap://{self.account.label}/{self.folder}"

    # one pass ------------------------------------------------------------------------------

    def sync(self, client: imapclient.IMAPClient) -> int:
        """Process every message above the committed position; returns how many were handled."""
        info = client.select_folder(self.folder, readonly=self.account.dry_run)
        self._news_during_sync(client)  # what SELECT reported is covered by this sync
        uidvalidity = int(info[b"UIDVALIDITY"])
        capabilities = set(client.capabilities())
        if not self.account.dry_run:
            self._pending(client, uidvalidity, capabilities)
        handled = 0
        for _ in range(3):  # mail that arrives during a pass is taken in the next one
            uids = self._new_uids(client, uidvalidity)
            if not uids:
                break
            handled += self._process(client, uids, uidvalidity, capabilities)
            if self.stop.is_set():
                break
        remaining = set() if self.account.dry_run else set(self._new_uids(client, uidvalidity))
        exists = int(info.get(b"EXISTS", 0))
        self.ledger.synced(self.source, uidvalidity, exists, len(remaining))
        stuck = remaining & self._unprocessed  # left over by two syncs in a row: not just arriving
        if stuck and not self.stop.is_set() and self.lease.held:
            log.warning("%s: the server holds %d message(s) that two syncs did not process "
                        "(UIDs %d…%d)", self.describe(), len(stuck), min(stuck), max(stuck))
        self._unprocessed = remaining
        self.last_sync = self.beat = time.monotonic()
        return handled

    def _new_uids(self, client: imapclient.IMAPClient, uidvalidity: int) -> list[int]:
        """The UIDs to process: those above the committed position under this UIDVALIDITY.

        A folder never synced under it is read whole (from `since`); when it was synced under
        another UIDVALIDITY, it was recreated, and what it holds is filed unless the same bytes
        are filed already (a different mail that reuses a Message-ID is still a different mail)."""
        last = self.ledger.position(self.source, uidvalidity)
        seen = self.dry_run_seen.get(uidvalidity)
        if self.account.dry_run and seen is not None:  # a dry run commits nothing: memory only
            last = max(last or 0, seen)
        if last is None:
            criteria: list[Any] = ["SINCE", self.account.since] if self.account.since else ["ALL"]
            uids = sorted(client.search(criteria))
            others = [v for v in self.ledger.known_uidvalidities(self.source) if v != uidvalidity]
            if others and not self.account.dry_run:
                self.ledger.folder_recreated(self.source, uidvalidity)
                log.warning("%s: UIDVALIDITY is now %d: the folder was recreated; reading its %d "
                            "message(s) again, skipping those already filed", self.describe(),
                            uidvalidity, len(uids))
            return uids
        return sorted(u for u in client.search(["UID", f"{last + 1}:*"]) if u > last)

    def _process(self, client: imapclient.IMAPClient, uids: list[int], uidvalidity: int,
                 capabilities: set[bytes]) -> int:
        count = 0
        started = time.monotonic()
        batches = list(_chunks(uids, self.account.batch_size))
        following: dict[int, Any] = {}  # the next batch, fetched while this one was read
        following_size = 0  # its bytes, counted when fetched (its first mails may be handed on since)
        started_next: tuple[Iterator[tuple[RawMail, Any]], Any] | None = None  # (its mails, the first)
        try:
            with self._progress(len(uids)) as advance:
                for number, batch in enumerate(batches):
                    if self.stop.is_set() or not self.lease.held:
                        break
                    if following:
                        fetched, size = following, following_size
                    else:
                        fetched = client.fetch(batch, ["BODY.PEEK[]"])
                        size = _size(fetched)
                    following, following_size = {}, 0
                    with_actions: set[int] = set()
                    # the workers begin to read the batch's first mails (begun already while the
                    # last batch committed, when it was fetched then)
                    paired, first = started_next or self._start(batch, fetched, uidvalidity)
                    started_next = None
                    # while they do, and no transaction is open, the next batch is fetched: the
                    # workers do not wait for the fetch, nor the filing for the workers' first mails
                    if number + 1 < len(batches) and size < PREFETCH_BYTES and not self.stop.is_set():
                        following = client.fetch(batches[number + 1], ["BODY.PEEK[]"])
                        following_size = _size(following)
                    with self.batch():
                        for raw, future in itertools.chain([first] if first is not None else [], paired):
                            uid = raw.origin.uid
                            handled = self.handle(raw, future) if future is not None else self.handle(raw)
                            self.dry_run_seen[uidvalidity] = max(uid, self.dry_run_seen.get(uidvalidity, 0))
                            outcome = getattr(handled, "outcome", None)
                            if (getattr(handled, "applied", None) is not None and outcome is not None
                                    and outcome.source_actions):
                                with_actions.add(uid)
                            count += 1
                            self.beat = time.monotonic()
                            advance(count, time.monotonic() - started)
                        if following and self.ahead is not None and not self.stop.is_set():
                            # the next batch's first mails go to the workers before this one
                            # commits: they read while it does, and its first mail does not wait
                            started_next = self._start(batches[number + 1], following, uidvalidity)
                    if with_actions:  # committed with their messages: carried out a batch at a time
                        self._pending(client, uidvalidity, capabilities, with_actions)
        finally:
            if started_next is not None:  # stopped, or failed, before that batch: its reading is called off
                _drop(*started_next)
        return count

    def _start(self, batch: list[int], fetched: Any, uidvalidity: int) -> tuple[Iterator[tuple[RawMail, Any]], Any]:
        """A fetched batch's mails, each paired with its content stages (begun in the workers
        when there is a read-ahead): (the rest of them, the first, taken already so that they
        begin)."""
        def raws() -> Iterator[RawMail]:
            for uid in batch:
                if self.stop.is_set() or not self.lease.held:
                    return
                body = fetched.get(uid, {}).get(b"BODY[]")
                if body is None:  # expunged between SEARCH and FETCH
                    continue
                fetched[uid] = {}  # drop the server's copy as soon as the message is handed on
                yield RawMail(body if isinstance(body, bytes) else bytes(body),
                              Origin("imap", account=self.account.label, folder=self.folder,
                                     uidvalidity=uidvalidity, uid=uid))

        paired = self.ahead(raws()) if self.ahead is not None else ((r, None) for r in raws())
        return paired, next(paired, None)

    def _pending(self, client: imapclient.IMAPClient, uidvalidity: int, capabilities: set[bytes],
                 only_uids: set[int] | None = None) -> None:
        """Carry out committed server actions: messages that asked for the same actions share
        one command; a replay (an earlier attempt may have got halfway) goes one at a time."""
        rows = [r for r in self.ledger.pending(self.source, uidvalidity)
                if only_uids is None or r.uid in only_uids]
        groups: dict[str, list[Any]] = {}
        for row in rows:
            if row.attempts and row.message_id:
                self._carry_out(client, [row], capabilities, self._holder(client, row.message_id))
            else:
                groups.setdefault(json.dumps(row.actions, sort_keys=True), []).append(row)
        for group in groups.values():
            for part in _chunks(group, 200):  # keeps a command line well under server limits
                if not self._carry_out(client, part, capabilities) and len(part) > 1:
                    for row in part:  # the server refused the group: find out which one it minds
                        replay = row.message_id and _copies(row.actions, capabilities)
                        self._carry_out(client, [row], capabilities,
                                        self._holder(client, row.message_id) if replay else None)

    def _carry_out(self, client: imapclient.IMAPClient, rows: list[Any], capabilities: set[bytes],
                   already_in: Callable[[str], bool] | None = None) -> bool:
        """False when the server refused (recorded on a single row, left pending on a group)."""
        ids, uids = [r.id for r in rows], [r.uid for r in rows]
        if _copies(rows[0].actions, capabilities):  # only a COPY needs the attempt on record first
            self.ledger.attempt(ids, self.source)
        try:
            done = carry_out(client, uids, rows[0].actions, capabilities, already_in)
        except (imaplib.IMAP4.abort, OSError):
            raise  # the connection is gone: the actions stay pending for the next connection
        except IMAPClientError as exc:  # the server said NO/BAD: record it, do not retry forever
            if len(rows) > 1:
                return False
            log.warning("%s UID %d: server action failed: %s", self.describe(), uids[0], exc)
            self.ledger.finish(ids, error=str(exc), source=self.source)
            return True
        self.ledger.finish(ids, source=self.source)
        shown = f"UID {uids[0]}" if len(uids) == 1 else f"{len(uids)} messages (UIDs {uids[0]}…{uids[-1]})"
        log.info("%s %s: %s", self.describe(), shown, ", ".join(done) or "nothing to do")
        return True

    def _holder(self, client: imapclient.IMAPClient, message_id: str) -> Callable[[str], bool]:
        def holds(folder: str) -> bool:
            client.select_folder(folder, readonly=True)
            try:
                return bool(client.search(["HEADER", "Message-ID", message_id]))
            finally:
                client.select_folder(self.folder, readonly=self.account.dry_run)
        return holds

    def _progress(self, total: int) -> Any:
        return _Progress(self.describe(), total, self.progress and total >= 50)

    # the long-running loop -----------------------------------------------------------------

    def run(self, reconnect_max: float, poll_interval: float, lease_wait: float = 10.0) -> None:
        """Take the folder's lease, sync, then wait for news (IDLE, or the poll schedule);
        reconnect after any fault; wait for the folder while another daemon owns it.

        Nothing ends this loop but the stop event: a server fault reconnects with backoff, and an
        unexpected error (a full disk, a bug) is logged and retried the same way, so a folder is
        never silently abandoned. A lost lease (another daemon took the folder over) stops the
        work on it at once; the next write would have been refused anyway.
        """
        self.started = self.beat = time.monotonic()
        failures = 0
        waiting_for = ""
        while not self.stop.is_set():
            self.beat = time.monotonic()
            if not self.lease.acquire():
                self.waiting = True
                holder = self.lease.holder()
                if holder != waiting_for:
                    log.info("%s is watched by %s; taking over if it stops", self.describe(), holder)
                    waiting_for = holder
                self.stop.wait(lease_wait)
                continue
            self.waiting = False
            if waiting_for:
                log.info("%s: took over from %s", self.describe(), waiting_for)
                waiting_for = ""
            client = None
            try:
                client = connect(self.account)
                handled = self.sync(client)
                failures = 0
                self.using_idle = self.account.idle and b"IDLE" in client.capabilities()
                settle = True
                while not self.stop.is_set() and self.lease.held:
                    if self._news_during_sync(client):
                        handled = self.sync(client)
                        continue
                    if self.using_idle:
                        # Mail that lands between a sync's last SEARCH and the start of IDLE may
                        # not be announced until the server's own recheck (Dovecot: 30 s): every
                        # long IDLE is preceded by a short one and a sync.
                        settle = settle or bool(handled)
                        self._idle(client, SETTLE_SECONDS if settle else self.idle_cycle)
                        settle = not settle
                    else:
                        self._poll_wait(poll_interval)
                    if self.stop.is_set() or not self.lease.held:
                        break
                    handled = self.sync(client)
            except FAULTS as exc:
                failures += 1
                self._back_off(explain(exc, self.account), failures, reconnect_max)
            except Exception as exc:
                if self.stop.is_set():  # stopping while a message was in hand: read again later
                    break
                if not self.lease.renew():  # another daemon owns the folder now: not a fault
                    log.warning("%s: another daemon took this folder over (%s)", self.describe(), exc)
                    continue
                failures += 1
                log.exception("%s: unexpected error", self.describe())
                self._back_off(f"{type(exc).__name__}: {exc}", failures, reconnect_max)
            finally:
                quiet_logout(client)
        self.lease.release()

    def _poll_wait(self, poll_interval: float) -> None:
        """Until the poll schedule wakes this folder, looking at the lease every few seconds."""
        deadline = time.monotonic() + poll_interval
        while not self.stop.is_set() and self.lease.held:
            self.beat = time.monotonic()
            if self.poll.wait(timeout=min(5.0, max(0.0, deadline - time.monotonic()))):
                break
            if time.monotonic() >= deadline:
                break
        self.poll.clear()

    def _back_off(self, reason: str, failures: int, reconnect_max: float) -> None:
        delay = min(reconnect_max, 2.0 ** min(failures, 16)) * random.uniform(0.5, 1.0)
        log.warning("%s: %s; reconnecting in %.1f s", self.describe(), reason, delay)
        try:
            self.ledger.failed(self.source, reason)
        except Exception as exc:  # noqa: BLE001 - the database may be the fault
            log.warning("%s: cannot record the error: %s", self.describe(), exc)
        until = time.monotonic() + delay
        while not self.stop.is_set() and time.monotonic() < until:  # alive while it waits
            self.beat = time.monotonic()
            self.stop.wait(min(5.0, max(0.0, until - time.monotonic())))

    @staticmethod
    def _news_during_sync(client: imapclient.IMAPClient) -> bool:
        """Mail that arrives while a sync runs is announced (EXISTS) in the responses to the
        sync's own commands, which imaplib files away; IDLE would never report it again, so look
        there before waiting."""
        untagged = client._imap.untagged_responses
        news = bool(untagged.pop("EXISTS", None)) | bool(untagged.pop("RECENT", None))
        return news

    def _idle(self, client: imapclient.IMAPClient, seconds: float) -> None:
        """Wait in IDLE until the server reports new mail, `seconds` pass, or we are stopped."""
        client.idle()
        deadline = time.monotonic() + seconds
        instant_empty = 0
        try:
            while not self.stop.is_set() and self.lease.held and time.monotonic() < deadline:
                asked = self.beat = time.monotonic()
                responses = client.idle_check(timeout=1.0)
                if any(r and r[0] == b"BYE" for r in responses):
                    raise ConnectionError("the server said BYE")
                if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                    return
                # imapclient swallows EOF in idle_check: a closed socket shows up as a poll that
                # returns at once with nothing in it, again and again
                instant_empty = instant_empty + 1 if not responses and time.monotonic() - asked < 0.5 else 0
                if instant_empty >= 3:
                    raise ConnectionError("the server closed the connection")
        finally:
            if not self.stop.is_set() or client._imap.sock is not None:
                try:
                    client.idle_done()
                except FAULTS:
                    if not self.stop.is_set():
                        raise


def _drop(paired: Iterator[tuple[RawMail, Any]], first: tuple[RawMail, Any] | None) -> None:
    """Mails begun in the workers and not filed: their reading is called off."""
    if first is not None and first[1] is not None:
        first[1].cancel()
    close = getattr(paired, "close", None)
    if close is not None:
        close()


def _size(fetched: dict[int, Any]) -> int:
    """The bytes of a fetched batch's mail."""
    return sum(len(item.get(b"BODY[]") or b"") for item in fetched.values())


def _chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def time_left(done: int, total: int, seconds: float) -> str:
    """What the rest of a first sync takes at the rate so far, as a person reads it ("about
    12 min"); "unknown" before anything is done, "done" at the end."""
    if done >= total:
        return "done"
    if done <= 0 or seconds <= 0:
        return "unknown"
    left = (total - done) * seconds / done
    if left < 90:
        return f"about {max(1, round(left))} s"
    if left < 90 * 60:
        return f"about {round(left / 60)} min"
    return f"about {left / 3600:.1f} h"


class _Progress:
    """A rich progress bar for a large first sync in a terminal; plain log lines otherwise."""

    def __init__(self, name: str, total: int, bar: bool) -> None:
        self.name, self.total, self.bar = name, total, bar
        self._progress: Any = None
        self._task: Any = None
        self._logged = 0

    def __enter__(self) -> Callable[[int, float], None]:
        if self.bar:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
            self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                      TextColumn("{task.fields[rate]:.0f} msg/s"),
                                      TextColumn("ETA {task.fields[left]}"), transient=False)
            self._task = self._progress.add_task(self.name, total=self.total, rate=0.0, left="unknown")
            self._progress.start()
        return self.advance

    def advance(self, done: int, seconds: float) -> None:
        rate = done / seconds if seconds > 0 else 0.0
        if self._progress is not None:
            self._progress.update(self._task, completed=done, rate=rate,
                                  left=time_left(done, self.total, seconds))
        elif self.total >= 50 and (done - self._logged >= 500 or done == self.total):
            self._logged = done
            log.info("%s: %d/%d messages (%.0f msg/s%s)", self.name, done, self.total, rate,
                     "" if done >= self.total else f", ETA {time_left(done, self.total, seconds)}")

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
