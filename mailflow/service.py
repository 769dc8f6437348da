"""Running as a systemd service: the sd_notify protocol (READY, WATCHDOG, STOPPING, STATUS over
the datagram socket systemd names in $NOTIFY_SOCKET), and the unit files `mailflow service unit`
prints for the installed paths.

The daemon says READY once every watched folder has synced once (or is another daemon's), and
WATCHDOG only while every watcher thread has shown it is alive within the watchdog period, so a
hung connection gets the service restarted instead of silently watching nothing.
"""

from __future__ import annotations

import logging
import os
import shlex
import socket
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger("mailflow.service")


def notify(*lines: str) -> bool:
    """Send `READY=1`, `WATCHDOG=1`, … to systemd; False (and nothing sent) outside systemd."""
    address = os.environ.get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall("\n".join(lines).encode())
        return True
    except OSError as exc:
        log.warning("cannot tell systemd %s: %s", ", ".join(lines), exc)
        return False


def watchdog_seconds() -> float | None:
    """The watchdog period systemd asks for (WatchdogSec=), if it asks this process."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    pid = os.environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 1e6


class Heart:
    """READY once every folder is settled; WATCHDOG while every watcher beats."""

    def __init__(self, watchers: Sequence[Any]) -> None:
        self.watchers = watchers
        self.ready = False
        self.period = watchdog_seconds()

    def settled(self) -> bool:
        return all(w.last_sync or w.waiting for w in self.watchers)

    def tick(self) -> None:
        if not self.ready and self.settled():
            self.ready = True
            notify("READY=1", f"STATUS=watching {len(self.watchers)} folder(s)")
            log.info("ready: every folder synced once")
        if self.period is None or not self.ready:
            return
        now = time.monotonic()
        stale = [w.describe() for w in self.watchers if now - (w.beat or w.started or now) > self.period]
        if stale:
            log.warning("watchdog not fed: no sign of life from %s", ", ".join(stale))
            notify(f"STATUS=no sign of life from {', '.join(stale)}")
            return
        notify("WATCHDOG=1")


def unit(config: Path, web: bool = False, user: str = "mailflow") -> str:
    """The systemd unit for the daemon (or the web desk) of this installation."""
    command = [sys.executable, "-m", "mailflow", "--config", str(config.resolve())]
    state = config.resolve().parent
    if web:
        what, run = "web desk", f"""Type=simple
User={user}
ExecStart={shlex.join([*command, "web"])}
WorkingDirectory={state}
Restart=on-failure
RestartSec=5"""
    else:
        what, run = "order desk", f"""Type=notify
NotifyAccess=main
User={user}
ExecStart={shlex.join([*command, "run"])}
WorkingDirectory={state}
# READY after the first sync of every folder; WATCHDOG only while every folder's thread is alive
WatchdogSec=180
TimeoutStartSec=infinity
# SIGTERM: the message in hand is finished (its budget is intake.cpu_seconds)
TimeoutStopSec=90
Restart=on-failure
RestartSec=10"""
    return f"""[Unit]
Description=mailflow {what} ({config.resolve()})
After=network-online.target postgresql.service
Wants=network-online.target

[Service]
{run}
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ReadWritePaths={state}
StateDirectory=mailflow

[Install]
WantedBy=multi-user.target
"""
