"""Several machines, drilled: two daemons and a web desk, each in its own working directory
(its own mailflow.yaml and var/, nothing local shared), on one PostgreSQL database and one
SeaweedFS bucket; MAILS mails on one IMAP folder; the daemon that owns the folder is killed
with SIGKILL while it is filing and started again. Every mail must be filed once, its raw
object be in the bucket with the row's sha256, no .eml be on any local disk, and the third
directory's web desk (a real `mailflow web` process) serve every mail byte for byte; there
`order export` and `verify --against-store` pass."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ROOT, _postgres_database
from tests.dovecot import Dovecot
from tests.mails import mail, wait_for
from tests.seaweed import Seaweed
from tests.webdesk import free_port

pytestmark = pytest.mark.integration

# 300 in the suite, the held-out size: 27 s on a quiet two-core machine, 73 s under
# load; 1,000 (MAILFLOW_DRILL_MAILS=1000) took 76 s quiet and 179 s under load, too much beside
# a suite that is near its 12 minutes already
MAILS = int(os.environ.get("MAILFLOW_DRILL_MAILS", "300"))
PASSWORD = "a long desk password 7"
PO = "4500871"


def machine_config(directory: Path, dovecot_port: int, folder: str, database_url: str,
                   endpoint: str, bucket: str) -> Path:
    """One machine's working directory: its own mailflow.yaml; var/ is its own (relative)."""
    directory.mkdir(parents=True)
    config = directory / "mailflow.yaml"
    config.write_text(
        "identity: {company: \"Acme Nonwovens Co., Ltd.\", address: orders@acme.example}\n"
        "sources:\n"
        f"  - imap: {{host: 127.0.0.1, port: {dovecot_port}, tls: none, username: desk,\n"
        f"           password: desk-pass, folders: ['{folder}'], batch_size: 25}}\n"
        f"database: {{url: '{database_url}'}}\n"
        f"archive: {{s3: {{bucket: {bucket}, prefix: desk, endpoint_url: '{endpoint}', region: us-east-1}}}}\n"
        f"rules: {ROOT / 'rules'}\ntemplates: {ROOT / 'templates'}\n"
        "buyers:\n  - {name: Northwind Trading, domains: [northwind.example], language: en}\n"
        "operator: Wang Fang\nusers:\n  - {name: Wang Fang, role: manager}\n"
        "lease_seconds: 4\npoll_interval: 600\nintake: {workers: 1}\n", encoding="utf-8")
    return config


def load(dovecot: Dovecot, folder: str) -> None:
    """MAILS mails over one IMAP connection: a PO with its PDF (so there is an order to
    export), and inquiries."""
    with dovecot.client("desk") as client:
        client.create_folder(folder)
        client.append(folder, mail("New order - spring season", f"Please find attached our PO {PO}.",
                                   message_id="po@northwind.example",
                                   attachments=[(f"PO_{PO}.pdf", b"%PDF-1.4 po", "application/pdf")]))
        for i in range(1, MAILS):
            client.append(folder, mail(f"Inquiry {i}: spunlace 45 gsm", f"Please quote 20 tons of spunlace, lot {i}.",
                                       sender=f"Buyer {i % 7} <buyer{i % 7}@northwind.example>",
                                       message_id=f"machines-{i}@northwind.example"))


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from _postgres_database()


def mailflow(config: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mailflow", "--config", str(config), *args], input=stdin,
                          capture_output=True, text=True, cwd=config.parent, timeout=300, check=False)


def start(config: Path, *args: str) -> subprocess.Popen[bytes]:
    log = (config.parent / "process.log").open("ab")
    return subprocess.Popen([sys.executable, "-m", "mailflow", "--config", str(config), *args],
                            stdout=log, stderr=subprocess.STDOUT, cwd=config.parent)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def test_two_daemons_and_a_web_desk_on_three_machines_share_only_postgresql_and_the_bucket(
        tmp_path: Path, dovecot: Dovecot, seaweed: Seaweed, s3_bucket: str, postgres_url: str) -> None:
    import httpx

    folder = f"M{uuid.uuid4().hex[:8]}"
    load(dovecot, folder)
    a, b, c = (machine_config(tmp_path / name, dovecot.port, folder, postgres_url, seaweed.endpoint, s3_bucket)
               for name in ("a", "b", "c"))
    engine = create_engine(postgres_url)

    def scalar(sql: str) -> Any:
        try:
            with engine.connect() as connection:
                return connection.execute(text(sql)).scalar()
        except Exception:  # noqa: BLE001 - the first daemon is still creating the schema
            return None

    daemons = {a: start(a, "run"), b: start(b, "run")}
    try:
        # the folder's owner, once it has filed some of the folder and not all of it
        assert wait_for(lambda: (scalar("SELECT count(*) FROM messages WHERE direction = 'in'") or 0) >= 30,
                        timeout=120), (a.parent / "process.log").read_text()[-2000:]
        owner = scalar("SELECT owner FROM folder_leases WHERE source NOT LIKE 'daemon:%'")
        victim = next(config for config, process in daemons.items() if owner.split(":")[1] == str(process.pid))
        filed_when_killed = scalar("SELECT count(*) FROM messages WHERE direction = 'in'")
        daemons[victim].send_signal(signal.SIGKILL)
        daemons[victim].wait(30)
        assert filed_when_killed < MAILS, "the daemon finished before it could be killed mid-way"
        daemons[victim] = start(victim, "run")  # started again: it competes with the survivor
        assert wait_for(lambda: scalar("SELECT count(*) FROM messages WHERE direction = 'in'") == MAILS,
                        timeout=300), scalar("SELECT count(*) FROM messages")
    finally:
        for process in daemons.values():
            stop(process)

    with engine.connect() as connection:
        rows = {r.id: (r.sha256, r.path) for r in connection.execute(
            text("SELECT id, sha256, path FROM messages WHERE direction = 'in'"))}
        distinct = connection.execute(text("SELECT count(DISTINCT message_id) FROM messages")).scalar()
        quarantined = connection.execute(text("SELECT count(*) FROM quarantine")).scalar()
    engine.dispose()
    assert len(rows) == MAILS and distinct == MAILS and quarantined == 0

    # every raw object in the bucket, its bytes the row's sha256
    client = seaweed.client()
    keys = {o["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket=s3_bucket)
            for o in page.get("Contents", [])}
    assert {f"desk/{path}" for _, path in rows.values()} <= keys
    read_back = {hashlib.sha256(client.get_object(Bucket=s3_bucket, Key=f"desk/{path}")["Body"].read()).hexdigest()
                 for _, path in rows.values()}
    assert read_back == {sha for sha, _ in rows.values()}
    for machine in (a, b, c):
        assert list(machine.parent.rglob("*.eml")) == [], machine.parent

    # the third machine: its own web desk serves every mail byte for byte
    added = mailflow(c, "user", "add", "Wang Fang", "--role", "manager", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    port = free_port()
    web = start(c, "web", "--port", str(port))
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as http:
            def up() -> bool:
                try:
                    return http.get("/healthz").status_code == 200
                except httpx.HTTPError:
                    return False
            assert wait_for(up, timeout=60), (c.parent / "process.log").read_text()[-2000:]
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', http.get("/login").text)
            assert csrf is not None
            login = http.post("/login", data={"username": "Wang Fang", "password": PASSWORD,
                                              "csrf_token": csrf.group(1), "next": ""},
                              headers={"Origin": base})
            assert login.status_code == 303, login.text
            for row_id, (sha, _) in sorted(rows.items()):
                answer = http.get(f"/messages/{row_id}/raw")
                assert answer.status_code == 200 and hashlib.sha256(answer.content).hexdigest() == sha, row_id
    finally:
        stop(web)

    # and there the order is exported and verified against the bucket
    bundle = tmp_path / "c" / f"{PO}.zip"
    exported = mailflow(c, "order", "export", PO, "-o", str(bundle))
    assert exported.returncode == 0, exported.stdout + exported.stderr
    verified = mailflow(c, "verify", str(bundle), "--against-store")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    whole = mailflow(c, "verify", "--against-store")
    checked = re.search(r"ok, (\d+) files", whole.stdout)
    assert whole.returncode == 0 and checked and int(checked.group(1)) > MAILS, whole.stdout + whole.stderr
    assert list((tmp_path / "c").rglob("*.eml")) == []
