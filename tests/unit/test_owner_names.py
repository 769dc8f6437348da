"""A lease's or claim's owner is judged gone only where its process id means that process: on
this host and in this process namespace (machines in containers may share a host name)."""

from __future__ import annotations

import socket
import subprocess
import sys

from mailflow.store.leases import new_owner, owner_gone, this_host


def test_an_owner_is_gone_only_when_its_process_ended_where_this_one_runs() -> None:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait(30)
    dead = finished.pid
    assert new_owner().startswith(this_host() + ":")
    assert owner_gone(f"{this_host()}:{dead}:abcd1234")
    assert not owner_gone(new_owner())  # this process
    # a machine with the same host name in another process namespace: only its lease tells
    assert not owner_gone(f"{socket.gethostname()}@1:{dead}:abcd1234")
    assert not owner_gone(f"elsewhere.example:{dead}:abcd1234")
    assert not owner_gone("not an owner")
