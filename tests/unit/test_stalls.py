"""Silent stalls are reported: a folder that has not synced for the configured time."""

from __future__ import annotations

from mailflow.config import ImapAccount
from mailflow.daemon import stalled
from mailflow.sources.imap import FolderWatcher


def watcher(folder: str, started: float, last_sync: float) -> FolderWatcher:
    account = ImapAccount(host="imap.acme.example", username="orders", password="x")
    w = FolderWatcher(account, folder, handle=lambda raw, rescan: None, ledger=None)
    w.started, w.last_sync = started, last_sync
    return w


def test_only_folders_past_the_limit_are_reported() -> None:
    now = 10_000.0
    fresh = watcher("INBOX", started=0.0, last_sync=now - 60)
    stale = watcher("Orders", started=0.0, last_sync=now - 20 * 60)
    never = watcher("Claims", started=now - 16 * 60, last_sync=0.0)
    young = watcher("New", started=now - 60, last_sync=0.0)
    warnings = stalled([fresh, stale, never, young], now, minutes=15)
    assert warnings == [
        "imap://orders@imap.acme.example:993/Orders has not synced for 20 minutes",
        "imap://orders@imap.acme.example:993/Claims has not completed a first sync for 16 minutes",
    ]
