"""`mailflow run` as a long-running process: it polls, picks up new mail, and stops cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mailflow.store import Store
from tests.conftest import EXAMPLES, write_desk
from tests.mails import wait_for

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
