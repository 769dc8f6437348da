"""The workers `mailflow run` starts before its store opens (`Intake.start`)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from mailflow.config import load_config
from mailflow.desk import load_desk
from tests.conftest import write_desk
from tests.mails import mail


def test_workers_started_early_read_mail_and_stop_at_close_even_while_starting(tmp_path: Path) -> None:
    """Closed at once (a store that fails to open), the starting workers are stopped, not left
    behind; started and used, they read mail as workers started by the first mail do."""
    config = load_config(write_desk(tmp_path / "desk", f"sqlite:///{tmp_path / 'mailflow.db'}"))
    desk = load_desk(config)
    desk.intake.start()
    desk.intake.start()  # once only
    pool = desk.intake.pool
    assert len(pool._threads) == pool.size
    desk.close()  # while they start
    assert not any(thread.is_alive() for thread in pool._threads)
    assert all(slot.process is None for slot in pool._slots)
    assert not [child for child in multiprocessing.active_children() if child.name == "mailflow-worker"]

    desk = load_desk(config)
    try:
        desk.intake.start()
        prepared = desk.intake.result(desk.intake.submit(mail("Inquiry", "Please quote spunlace 45gsm.")))
        assert prepared.message.subject == "Inquiry" and prepared.decision.category == "inquiry"
    finally:
        desk.close()


def test_a_pool_closed_while_its_workers_work_stops_them_and_fails_their_tasks() -> None:
    """`close` stops a busy worker from the daemon's thread while the worker's own thread finds
    it gone: neither fails on the other's emptied slot, the task fails saying why, and no
    worker is left."""
    import time

    import pytest

    from mailflow.worker import WorkerPool, WorkerStopped

    pool = WorkerPool(2)
    assert [pool.submit(abs, -1).result(timeout=60) for _ in range(2)] == [1, 1]  # started
    tasks = [pool.submit(time.sleep, 30, seconds=60) for _ in range(2)]
    while not all(task.running() for task in tasks):
        time.sleep(0.01)
    pool.close()
    for task in tasks:
        with pytest.raises(WorkerStopped, match="the daemon is stopping"):
            task.result(timeout=30)
    assert all(slot.process is None for slot in pool._slots)
    assert not [child for child in multiprocessing.active_children() if child.name == "mailflow-worker"]


def test_a_mail_whose_worker_is_stopped_with_the_daemon_is_read_again_not_quarantined(tmp_path: Path) -> None:
    """The daemon stopping closes the workers: the mail one of them had is left for the next
    run (Interrupted), not quarantined as if it had crashed its reader."""
    import threading
    import time

    import pytest

    from mailflow.intake import Interrupted

    desk = load_desk(load_config(write_desk(tmp_path / "desk", f"sqlite:///{tmp_path / 'mailflow.db'}")))
    pool = desk.intake.pool
    assert pool.submit(abs, -1).result(timeout=60) == 1  # a worker is up
    reading = pool.submit(time.sleep, 30, seconds=60)  # a mail that takes its time
    while not reading.running():
        time.sleep(0.01)
    closing = threading.Timer(0.2, desk.close)
    closing.start()
    with pytest.raises(Interrupted):
        desk.intake.result(reading)
    closing.join()
