"""A private Dovecot IMAP server for tests.

`Dovecot(root, users)` writes its own config under `root` and runs `dovecot -F -c FILE` on
127.0.0.1 as a subprocess the test session owns (no system service, nothing outside `root`).
Needs root (Dovecot drops privileges to the `dovecot`/`dovenull` users itself).

The fixtures `dovecot` (session-wide server with users "desk" and "other") and `imap_folder`
(a fresh folder for "desk", removed after the test) are meant to be imported into conftest.py.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import imapclient
import pytest
from imapclient.exceptions import LoginError

DOVECOT_BIN = Path("/usr/sbin/dovecot")
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
USERS = {"desk": "desk-pass", "other": "other-pass"}

_APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]", re.IGNORECASE)
_PR_SET_PDEATHSIG = 1
_SOCKET_PATH_MAX = 100  # sun_path is 108 bytes; Dovecot's socket names under base_dir need room


def _die_with_parent() -> None:
    """In the child before exec: own process group (so stop() can reach every Dovecot process)
    and SIGTERM when the test process dies, so a killed pytest leaves no server behind."""
    os.setsid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class DovecotError(RuntimeError):
    pass


class Dovecot:
    host: str = "127.0.0.1"

    def __init__(self, root: Path, users: dict[str, str]) -> None:
        for name, password in users.items():
            if not re.fullmatch(r"[A-Za-z0-9._@+-]+", name) or any(c in password for c in ":\n\r"):
                raise ValueError(f"unusable user name or password for the passwd-file: {name!r}")
        self.root = Path(root).resolve()
        self.users = dict(users)
        self.port = _free_port(self.host)
        self.config_file = self.root / "dovecot.conf"
        self.base_dir = self.root / "run"
        self.state_dir = self.root / "state"
        self.log_file = self.root / "dovecot.log"
        self.stderr_file = self.root / "dovecot.stderr"
        self.passwd_file = self.root / "passwd"
        self.homes = self.root / "home"
        self._process: subprocess.Popen[bytes] | None = None
        self._configured = False
        atexit.register(self.stop)

    # -- setup -----------------------------------------------------------------

    def _write_config(self) -> None:
        if not DOVECOT_BIN.exists():
            raise DovecotError(f"{DOVECOT_BIN} is not installed (Debian package dovecot-imapd)")
        if os.geteuid() != 0:
            raise DovecotError("the test Dovecot must be started as root")
        if len(str(self.base_dir)) + 30 > _SOCKET_PATH_MAX:
            raise DovecotError(f"root path too long for Dovecot's unix sockets: {self.base_dir}")
        account = pwd.getpwnam("dovecot")
        pwd.getpwnam("dovenull")
        self._check_reachable(account.pw_uid)

        self.root.mkdir(parents=True, exist_ok=True)
        self.state_dir.mkdir(exist_ok=True)
        self.homes.mkdir(exist_ok=True)
        os.chmod(self.homes, 0o755)
        lines = []
        for name, password in self.users.items():
            home = self.homes / name
            home.mkdir(exist_ok=True)
            os.chown(home, account.pw_uid, account.pw_gid)
            os.chmod(home, 0o700)
            lines.append(f"{name}:{{PLAIN}}{password}:{account.pw_uid}:{account.pw_gid}::{home}::\n")
        self.passwd_file.write_text("".join(lines), encoding="utf-8")
        os.chmod(self.passwd_file, 0o640)
        os.chown(self.passwd_file, 0, account.pw_gid)

        self.config_file.write_text(f"""\
# Written by tests/dovecot.py for one test session; not a system service.
protocols = imap
listen = {self.host}
base_dir = {self.base_dir}
state_dir = {self.state_dir}
instance_name = dovecot-test-{self.port}
log_path = {self.log_file}
info_log_path = {self.log_file}
debug_log_path = {self.log_file}
auth_verbose = yes

default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
first_valid_uid = {account.pw_uid}
last_valid_uid = {account.pw_uid}

ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0

mail_location = maildir:~/Maildir:LAYOUT=fs
mail_fsync = never
mail_max_userip_connections = 100
shutdown_clients = yes

passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.passwd_file}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {self.passwd_file}
}}

namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}

# No auth penalty: after a failed LOGIN, anvil would delay every login from 127.0.0.1 by 2-15 s.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}

service imap-login {{
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
""", encoding="utf-8")
        self._configured = True

    def _check_reachable(self, uid: int) -> None:
        """Dovecot's imap and login processes run as dovecot/dovenull: every folder above `root`
        must let them pass (o+x), which pytest's own 0700 temp folders do not by default."""
        for folder in [self.root, *self.root.parents]:
            if not folder.exists():
                continue
            info = folder.stat()
            if not info.st_mode & 0o001 and info.st_uid != uid:
                raise DovecotError(f"{folder} (mode {oct(info.st_mode & 0o777)}) cannot be traversed by "
                                   f"the dovecot users; give it o+x or choose another root")

    # -- process -----------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        if self.running:
            return
        if not self._configured:
            self._write_config()
        if _port_open(self.host, self.port):
            raise DovecotError(f"port {self.port} on {self.host} is already in use by another process")
        with open(self.stderr_file, "ab") as stderr:
            self._process = subprocess.Popen(
                [str(DOVECOT_BIN), "-F", "-c", str(self.config_file)],
                stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr,
                cwd=self.root, close_fds=True,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - no threads fork here; setsid + prctl only
            )
        deadline = time.monotonic() + START_TIMEOUT
        problem = "port never accepted connections"
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                problem = f"dovecot exited with status {self._process.returncode}"
                break
            if _port_open(self.host, self.port):
                try:
                    self.client(next(iter(self.users))).logout()
                    return
                except (OSError, imapclient.exceptions.IMAPClientError) as exc:  # auth not ready yet
                    problem = f"LOGIN failed: {exc!r}"
            time.sleep(0.1)
        self.stop()
        raise DovecotError(f"Dovecot did not start on {self.host}:{self.port} ({problem}); "
                           f"log tail:\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM to every Dovecot process (its own process group), SIGKILL what is left after a
        grace period; returns once no process of the group lives and the port refuses connections."""
        process, self._process = self._process, None
        if process is None:
            return
        pgid = process.pid  # the child called setsid(), so its pid is the group id
        self._signal_group(pgid, signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT)
        # The master may leave imap, log or stats processes behind for a moment.
        if not self._wait_group_gone(pgid, 3.0):
            self._signal_group(pgid, signal.SIGKILL)
            if not self._wait_group_gone(pgid, STOP_TIMEOUT):
                raise DovecotError(f"Dovecot processes of group {pgid} survived SIGKILL")
        deadline = time.monotonic() + STOP_TIMEOUT
        while _port_open(self.host, self.port):
            if time.monotonic() > deadline:
                raise DovecotError(f"port {self.port} still open after stopping Dovecot")
            time.sleep(0.05)

    @staticmethod
    def _signal_group(pgid: int, sig: signal.Signals) -> None:
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            pass

    @staticmethod
    def _group_alive(pgid: int) -> bool:
        """Whether a live (not zombie) process of the group exists."""
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()  # state ppid pgrp ...
            if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
                return True
        return False

    @classmethod
    def _wait_group_gone(cls, pgid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while cls._group_alive(pgid):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def restart(self) -> None:
        self.stop()
        self.start()

    # -- helpers -------------------------------------------------------------------

    def client(self, user: str) -> imapclient.IMAPClient:
        client = imapclient.IMAPClient(self.host, port=self.port, ssl=False, timeout=30)
        client._imap.debug = 0
        try:
            client.login(user, self.users[user])
        except BaseException:
            client.shutdown()
            raise
        return client

    def append(self, user: str, folder: str, message: bytes, flags: Iterable[bytes | str] = ()) -> int:
        with self.client(user) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            response = client.append(folder, message, flags=tuple(flags))
        if isinstance(response, str):
            response = response.encode()
        match = _APPENDUID.search(response)
        if match is None:
            raise DovecotError(f"APPEND gave no APPENDUID: {response!r}")
        return int(match.group(2))

    def log_tail(self, lines: int = 40) -> str:
        parts = []
        for file in (self.stderr_file, self.log_file):
            if file.exists():
                text = file.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
                if text:
                    parts.append(f"--- {file.name}\n" + "\n".join(text))
        return "\n".join(parts) or "(no log output)"


@pytest.fixture(scope="session")
def dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dovecot]:
    """A Dovecot IMAP server on 127.0.0.1 for the whole session, users "desk" and "other".

    Its root is a fresh 0711 folder in the system temp folder, not pytest's basetemp: Dovecot's
    imap processes run as the `dovecot` user and must traverse every folder above the mail homes,
    while pytest keeps /tmp/pytest-of-USER at 0700 (and resets it whenever another session starts).
    The logs and config are copied into the session's tmp_path_factory folder at the end."""
    if not DOVECOT_BIN.exists() or os.geteuid() != 0:
        reason = (f"{DOVECOT_BIN} is missing (install dovecot-imapd)" if not DOVECOT_BIN.exists()
                  else "the test Dovecot needs to be started as root")
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="mailflow-dovecot-"))
    root.chmod(0o711)
    server = Dovecot(root, USERS)
    try:
        server.start()
        yield server
    finally:
        try:
            server.stop()
        finally:
            keep = tmp_path_factory.mktemp("dovecot")
            for file in (server.log_file, server.stderr_file, server.config_file):
                if file.exists():
                    shutil.copy(file, keep / file.name)
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def imap_folder(dovecot: Dovecot) -> Iterator[str]:
    """A fresh folder of user "desk", deleted after the test."""
    name = "T" + uuid.uuid4().hex[:10]
    with dovecot.client("desk") as client:
        client.create_folder(name)
    try:
        yield name
    finally:
        if not dovecot.running:  # a test stopped the server and did not bring it back
            dovecot.start()
        with dovecot.client("desk") as client:
            if client.folder_exists(name):
                client.delete_folder(name)


__all__ = ["Dovecot", "DovecotError", "LoginError", "dovecot", "imap_folder"]
