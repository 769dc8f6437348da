"""The several-daemons drill, small: three daemons on one PostgreSQL and one Dovecot, 160
messages over four folders, one daemon killed with SIGKILL four times and started again
(bench/drill.py runs 1,000 messages and ten kills)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT, _postgres_database
from tests.dovecot import Dovecot
from tests.drill import config_text, drill, load
from tests.smtpd import SmtpServer

pytestmark = pytest.mark.integration


@pytest.fixture
def postgres_url() -> object:
    yield from _postgres_database()


def test_three_daemons_one_killed_again_and_again_file_and_answer_everything_once(
        tmp_path: Path, dovecot: Dovecot, smtp_server: SmtpServer, postgres_url: str) -> None:
    folders = [f"D{uuid.uuid4().hex[:8]}" for _ in range(4)]
    with dovecot.client("desk") as client:
        for folder in folders:
            client.create_folder(folder)
    try:
        load(dovecot, folders, 160)
        config = tmp_path / "mailflow.yaml"
        config.write_text(config_text(dovecot.port, folders, postgres_url, smtp_server.port,
                                      tmp_path / "archive", ROOT / "rules", ROOT / "templates", 6.0),
                          encoding="utf-8")
        report = drill(tmp_path, config, postgres_url, lambda: [r.data for r in smtp_server.received],
                       folders=folders, messages=160, kills=4, deadline=300)
    finally:
        with dovecot.client("desk") as client:
            for folder in folders:
                if client.folder_exists(folder):
                    client.delete_folder(folder)
    logs = "".join((tmp_path / f"daemon-{i}.log").read_text()[-1500:] for i in range(3))
    assert report.kills == 4, logs
    assert report.problems == [], (report, logs)
    assert report.replies["sent"] + report.replies["uncertain"] == 160
