"""`mailflow run` as a long-running process: it polls, picks up new mail, and stops cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mailflow.store import Store
from tests.conftest import EXAMPLES, write_desk
from tests.mails import wait_for
from tests.smtpd import SmtpServer

pytestmark = pytest.mark.integration


def filed(store: Store) -> int:
    return len(store.messages())


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_daemon_files_new_mail_and_stops_cleanly_on_signal(tmp_path: Path, sqlite_url: str,
                                                           stop_signal: signal.Signals) -> None:
    config = write_desk(tmp_path / "desk", sqlite_url)
    config.write_text(config.read_text() + "poll_interval: 1\n")
    inbox = tmp_path / "desk" / "inbox"
    first, second = sorted((EXAMPLES / "inbox").glob("0*.eml"))[:2]
    (inbox / first.name).write_bytes(first.read_bytes())
    process = subprocess.Popen([sys.executable, "-m", "mailflow", "--config", str(config), "run"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    store = Store(sqlite_url, tmp_path / "desk" / "var" / "archive")
    try:
        assert wait_for(lambda: filed(store) == 1), "the first poll did not file the waiting mail"
        (inbox / second.name).write_bytes(second.read_bytes())
        assert wait_for(lambda: filed(store) == 2), "new mail was not picked up by a later poll"
        process.send_signal(stop_signal)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        store.close()
    assert process.returncode == 0, err
    assert f"received {stop_signal.name}" in err and "stopped" in err
    assert err.count(" filed msgid=") == 2


def _in_thread(config_path: Path, sqlite_url: str, sources: list[Any]) -> tuple[Any, Any, Any, Any]:
    from mailflow.config import load_config
    from mailflow.daemon import Stopper, run_forever
    from mailflow.desk import load_desk

    config = load_config(config_path)
    desk, store, stopper = load_desk(config), Store(sqlite_url, config.archive_root), Stopper()
    thread = threading.Thread(target=run_forever, args=(desk, store, sources, config, []),
                              kwargs={"stopper": stopper}, daemon=True)
    thread.start()
    return thread, stopper, desk, store


def test_a_job_that_raises_does_not_end_the_daemon(tmp_path: Path, sqlite_url: str) -> None:
    """The local poll raises (the folder is gone for a moment); the daemon logs it, waits, and
    files the mail once the folder is back."""
    from mailflow.sources.local import EmlFolder

    config = write_desk(tmp_path / "desk", sqlite_url)
    config.write_text(config.read_text() + "poll_interval: 1\n")
    inbox = tmp_path / "desk" / "inbox"

    class Flaky(EmlFolder):
        failures = 1

        def fetch(self) -> Iterator[Any]:
            if Flaky.failures:
                Flaky.failures -= 1
                raise OSError("the network share went away")
            yield from super().fetch()

    thread, stopper, desk, store = _in_thread(config, sqlite_url, [Flaky(inbox)])
    try:
        (inbox / "a.eml").write_bytes(next((EXAMPLES / "inbox").glob("01*.eml")).read_bytes())
        assert wait_for(lambda: filed(store) == 1), "the poll after the failure did not file the mail"
        assert thread.is_alive()
    finally:
        stopper.event.set()
        thread.join(30)
        desk.close()
        store.close()
    assert not thread.is_alive()


def test_a_stalled_smtp_server_does_not_stop_the_intake(tmp_path: Path, sqlite_url: str,
                                                         smtp_server: SmtpServer) -> None:
    """The outbox works on its own thread: while the SMTP server sits on a reply's data, new
    mail is filed all the same."""
    from mailflow.sources.local import EmlFolder

    smtp_server.handler.mode = "hold"
    config = write_desk(tmp_path / "desk", sqlite_url)
    config.write_text(config.read_text() + "poll_interval: 1\n"
                      f"smtp: {{host: 127.0.0.1, port: {smtp_server.port}, tls: none, timeout: 60, send_interval: 1}}\n")
    inbox = tmp_path / "desk" / "inbox"
    first, second = sorted((EXAMPLES / "inbox").glob("0[12]*.eml"))
    (inbox / first.name).write_bytes(first.read_bytes())
    thread, stopper, desk, store = _in_thread(config, sqlite_url, [EmlFolder(inbox)])
    try:
        assert smtp_server.handler.arrived.wait(60), "the acknowledgement never reached the server"
        (inbox / second.name).write_bytes(second.read_bytes())
        assert wait_for(lambda: filed(store) == 2), "the intake waited for the SMTP server"
    finally:
        smtp_server.handler.release.set()
        stopper.event.set()
        thread.join(30)
        desk.close()
        store.close()


def test_a_second_daemon_on_the_same_sqlite_database_is_refused(tmp_path: Path, sqlite_url: str) -> None:
    config = write_desk(tmp_path / "desk", sqlite_url)
    config.write_text(config.read_text() + "poll_interval: 600\n")
    first = subprocess.Popen([sys.executable, "-m", "mailflow", "--config", str(config), "run"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        store = Store(sqlite_url, tmp_path / "desk" / "var" / "archive")
        lock = Path(sqlite_url.removeprefix("sqlite:///") + ".daemon-lock")
        assert wait_for(lambda: lock.exists() and "pid" in lock.read_text())
        store.close()
        second = subprocess.run([sys.executable, "-m", "mailflow", "--config", str(config), "run", "--once"],
                                capture_output=True, text=True, timeout=120, check=False)
        assert second.returncode == 4
        assert f"another mailflow daemon (pid {first.pid}" in second.stderr
        assert len(second.stderr.strip().splitlines()) == 1
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
