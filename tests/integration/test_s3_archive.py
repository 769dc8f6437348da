"""The archive in an S3-compatible bucket (a real SeaweedFS, tests/seaweed.py): mail filed as
content-addressed objects before its rows, nothing on the local disk, re-filing free, reads
streamed, Object Lock on raw mail, verify against the store, migration from a local archive,
and the config's rules for the bucket and its credentials."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from mailflow.cli import main
from mailflow.config import load_config
from mailflow.errors import ConfigError, StoreError
from mailflow.model import Origin, RawMail
from mailflow.pipeline import handle
from mailflow.store import Store
from mailflow.store.db import AttachmentRow, MessageRow
from mailflow.store.objects import S3Archive, open_archive
from tests.conftest import EXAMPLES, write_desk
from tests.mails import mail
from tests.seaweed import Seaweed

pytestmark = pytest.mark.integration

PO = mail("New order - spring season", "Please find attached our PO 4500871.", message_id="po@northwind.example",
          attachments=[("PO_4500871.pdf", b"%PDF-1.4 po", "application/pdf")])
ASIDE = mail("Samples", "Could you send two swatches?", message_id="aside@northwind.example")
HELLO = mail("Hello", "Nothing about an order.", message_id="hello@elsewhere.example", sender="x@elsewhere.example")


INBOX = ("08-po-northwind-new-order.eml", "09-re-new-order-no-number.eml", "21-broken.eml")


def small_inbox(tmp_path: Path) -> Path:
    """A PO with its PDF, a reply in its thread, and a file that is no mail (quarantined)."""
    inbox = tmp_path / "examples"
    inbox.mkdir()
    for name in INBOX:
        (inbox / name).write_bytes((EXAMPLES / "inbox" / name).read_bytes())
    return inbox


def s3_yaml(seaweed: Seaweed, bucket: str, extra: str = "") -> str:
    return (f"{{s3: {{bucket: {bucket}, prefix: desk, endpoint_url: '{seaweed.endpoint}', region: us-east-1"
            f"{extra}}}}}")


def cli(config: Path, *args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, ["--config", str(config), *args], input=stdin)


def objects(seaweed: Seaweed, bucket: str) -> dict[str, bytes]:
    client = seaweed.client()
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {key: client.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys}


@pytest.fixture(params=[("sqlite", "local"), ("sqlite", "s3"), ("postgresql", "s3")],
                ids=["sqlite-local", "sqlite-s3", "postgresql-s3"])
def filed_desk(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A desk with a PO, a reply and a file that is no mail filed: (its config, the bucket's
    (server, name) or None for the local folder). The archive's checks run on both kinds."""
    database, kind = request.param
    bucket = None
    if kind == "s3":
        bucket = (request.getfixturevalue("seaweed"), request.getfixturevalue("s3_bucket"))
    url = f"sqlite:///{tmp_path / 'm.db'}" if database == "sqlite" else request.getfixturevalue("postgres_url")
    config = write_desk(tmp_path / "desk", url, small_inbox(tmp_path),
                        s3_yaml(*bucket) if bucket else "{path: var/archive}")
    result = cli(config, "run", "--once")
    assert result.exit_code == 0, result.output
    return config, bucket


@pytest.fixture
def postgres_url() -> Any:
    from tests.conftest import _postgres_database

    yield from _postgres_database()


def test_filed_mail_is_exported_and_verified_against_the_archive_read_back(filed_desk: Any) -> None:
    config, bucket = filed_desk
    loaded = load_config(config)
    store = Store(loaded.database_url, open_archive(loaded))
    try:
        with store.sessions() as session:
            rows = {m.sha256: m.path for m in session.scalars(select(MessageRow))}
            files = {a.sha256: a.path for a in session.scalars(select(AttachmentRow))}
        assert len(rows) == 2 and files  # the third is no mail
        for sha, path in [*rows.items(), *files.items()]:
            assert hashlib.sha256(store.archive.read(path)).hexdigest() == sha  # the file is the row's bytes
            assert path in (f"raw/{sha}", f"files/{sha}") if bucket else path.startswith("orders/4500871/")
        summary = json.loads(store.archive.read("orders/4500871/order.json"))
        assert summary["order"] == "4500871" and [m["path"] for m in summary["messages"]] == list(rows.values())
    finally:
        store.close()
    if bucket:
        local = [p for p in config.parent.rglob("*") if p.suffix in (".eml", ".pdf", ".json")
                 and "inbox" not in p.parts]
        assert local == []  # no mail, attachment or order.json on the local disk
        assert set(objects(*bucket)) >= {f"desk/{path}" for path in [*rows.values(), *files.values()]}

    status = cli(config, "status", "--json")
    assert status.exit_code == 0, status.output
    archive = json.loads(status.stdout)["archive"]
    assert archive["reachable"] and archive["where"] == (f"s3://{bucket[1]}/desk at {bucket[0].endpoint}" if bucket
                                                         else str(config.parent / "var" / "archive"))
    assert (archive["latency_ms"] >= 0) if bucket else archive["latency_ms"] is None

    # the export, and verify against the store, read the archive
    bundle = config.parent.parent / "bundle.zip"
    exported = cli(config, "order", "export", "4500871", "-o", str(bundle))
    assert exported.exit_code == 0, exported.output
    ok = cli(config, "verify", str(bundle), "--against-store")
    assert ok.exit_code == 0 and "its files in the archive" in ok.output, ok.output
    whole = cli(config, "verify", "--against-store")
    assert whole.exit_code == 0 and f"{len(rows) + len(files)} files read back match" in whole.output, whole.output

    # a file changed behind the desk's back is found, named by its row; one gone, too
    with zipfile.ZipFile(bundle) as opened:
        manifest = json.loads(opened.read("manifest.json"))
    victim = rows[next(f["sha256"] for f in manifest["files"] if f["path"].startswith("mail/"))]
    if bucket:
        bucket[0].client().put_object(Bucket=bucket[1], Key=f"desk/{victim}", Body=b"not the mail")
    else:
        (config.parent / "var" / "archive" / victim).write_bytes(b"not the mail")
    caught = cli(config, "verify", "--against-store")
    assert caught.exit_code == 1 and f"{victim} has sha256" in caught.output, caught.output
    if bucket:
        bucket[0].client().delete_object(Bucket=bucket[1], Key=f"desk/{victim}")
    else:
        (config.parent / "var" / "archive" / victim).unlink()
    gone = cli(config, "verify", str(bundle), "--against-store")
    assert gone.exit_code == 1 and f"{victim} is missing from the archive" in gone.output, gone.output


@pytest.fixture
def s3_store(tmp_path: Path, seaweed: Seaweed, s3_bucket: str) -> Any:
    from mailflow.desk import load_desk

    config = load_config(write_desk(tmp_path / "desk", f"sqlite:///{tmp_path / 'm.db'}",
                                    archive=s3_yaml(seaweed, s3_bucket)))
    desk, store = load_desk(config), Store(config.database_url, open_archive(config))
    yield desk, store
    desk.close()
    store.close()


def test_a_crash_before_the_commit_leaves_an_object_and_no_row_and_refiling_moves_nothing(
        s3_store: Any, seaweed: Seaweed, s3_bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    desk, store = s3_store
    with pytest.raises(KeyboardInterrupt), store.batch():  # the power fails before the batch commits
        handle(RawMail(ASIDE, Origin("file", path="aside.eml")), desk, store)
        raise KeyboardInterrupt("power cut")
    sha = hashlib.sha256(ASIDE).hexdigest()
    assert f"desk/raw/{sha}" in objects(seaweed, s3_bucket) and store.messages() == []  # an object, no row
    aside = handle(RawMail(ASIDE, Origin("file", path="aside.eml")), desk, store)
    assert aside.status == "filed" and aside.applied is not None and aside.applied.path == f"raw/{sha}"

    removed: list[str] = []
    monkeypatch.setattr(store.archive, "remove", removed.append)
    handle(RawMail(PO, Origin("file", path="po.eml")), desk, store)
    from mailflow.policy import Person

    moved = store.assign(sha, "4500871", Person("Wang Fang", "manager"))
    assert moved.order_folder == "4500871" and moved.path == f"raw/{sha}"  # named by content: it stays
    assert removed == []
    assert store.archive.read(moved.path) == ASIDE


def test_quarantined_mail_and_web_downloads_come_from_the_bucket(s3_store: Any, seaweed: Seaweed,
                                                                 s3_bucket: str) -> None:
    from starlette.testclient import TestClient

    from mailflow.model import Quarantined
    from mailflow.web.app import create_app
    from tests.integration.test_web_http import log_in
    from tests.webdesk import PASSWORDS

    desk, store = s3_store
    broken = b"not a mail at all"
    store.quarantine(Quarantined(RawMail(broken, Origin("file", path="x.eml")), hashlib.sha256(broken).hexdigest(),
                                 "not an email"))
    [row] = store.quarantined()
    assert objects(seaweed, s3_bucket)[f"desk/{row.path}"] == broken
    filed = handle(RawMail(PO, Origin("file", path="po.eml")), desk, store)
    assert filed.applied is not None
    [attachment] = store.attachments_of(filed.applied.message_row_id)
    assert isinstance(store.archive, S3Archive)
    added = cli(desk.config.file, "user", "add", "Wang Fang", "--role", "manager", "--password-stdin",
                stdin=PASSWORDS["Wang Fang"] + "\n")
    assert added.exit_code == 0, added.output
    client = TestClient(create_app(desk.config, store))
    log_in(client, "Wang Fang")
    assert client.get(f"/messages/{filed.applied.message_row_id}/raw").content == PO
    assert client.get(f"/attachments/{attachment.id}").content == b"%PDF-1.4 po"
    assert client.get(f"/quarantine/{row.id}/raw").content == broken
    seaweed.client().delete_object(Bucket=s3_bucket, Key=f"desk/{filed.applied.path}")
    gone = client.get(f"/messages/{filed.applied.message_row_id}/raw")
    assert gone.status_code == 404 and filed.applied.path in gone.text


def test_raw_mail_is_kept_under_object_lock_when_the_bucket_has_it(tmp_path: Path, seaweed: Seaweed,
                                                                    s3_bucket: str) -> None:
    locked = seaweed.bucket(ObjectLockEnabledForBucket=True)
    archive = S3Archive(locked, "desk", seaweed.endpoint, "us-east-1", retain_days=30)

    sha = hashlib.sha256(HELLO).hexdigest()
    key, written = archive.put(PurePosixPath(f"raw/{sha}"), HELLO)
    assert written and archive.put(PurePosixPath(f"raw/{sha}"), HELLO) == (key, False)  # never a second version
    head = seaweed.client().head_object(Bucket=locked, Key=key)
    assert head["ObjectLockMode"] == "COMPLIANCE"
    days = (head["ObjectLockRetainUntilDate"] - head["LastModified"]).total_seconds() / 86400
    assert 29.9 < days < 30.1
    with pytest.raises(Exception, match="AccessDenied"):  # evidence: not deleted before its time
        seaweed.client().delete_object(Bucket=locked, Key=key, VersionId=head["VersionId"])
    archive.put(PurePosixPath("orders/X/order.json"), b"{}")  # only raw mail is retained
    assert "ObjectLockMode" not in seaweed.client().head_object(Bucket=locked, Key="desk/orders/X/order.json")

    unlocked = S3Archive(s3_bucket, "desk", seaweed.endpoint, "us-east-1", retain_days=30)
    with pytest.raises(StoreError, match=f"bucket {s3_bucket} has no Object Lock"):
        unlocked.put(PurePosixPath(f"raw/{sha}"), HELLO)
    assert objects(seaweed, s3_bucket) == {}  # refused, not written unprotected


def test_a_local_archive_migrates_to_the_bucket_resumably_and_the_config_switches(
        tmp_path: Path, seaweed: Seaweed, s3_bucket: str) -> None:
    config = write_desk(tmp_path / "desk", f"sqlite:///{tmp_path / 'desk' / 'm.db'}", small_inbox(tmp_path))
    config.write_text(config.read_text().replace("archive: {path: var/archive}\n",
                                                 "archive: {path: var/archive}  # the folder\n")
                      + "# kept at the end\n")
    assert cli(config, "run", "--once").exit_code == 0
    before = config.read_text()

    # a daemon that files mail while the archive is copied: the rows are not switched
    from mailflow.desk import load_desk
    from mailflow.store.relocate import migrate

    loaded = load_config(config)
    desk, store = load_desk(loaded), Store(loaded.database_url, open_archive(loaded))
    meanwhile: list[Any] = []

    def file_one_more(_: str) -> None:
        if not meanwhile:
            meanwhile.append(handle(RawMail(HELLO, Origin("file", path="hello.eml")), desk, store))
    try:
        with pytest.raises(StoreError, match="mail was filed while the archive was copied"):
            migrate(store, S3Archive(s3_bucket, "moved", seaweed.endpoint, "us-east-1"), file_one_more)
        assert meanwhile[0].status == "filed"
        assert all(not m.path.startswith("raw/") for m in store.messages())  # still on the local archive
    finally:
        desk.close()
        store.close()

    target = ["archive", "migrate", "--to", f"s3://{s3_bucket}/moved", "--endpoint-url", seaweed.endpoint,
              "--region", "us-east-1"]
    victim = config.parent / "var" / "archive" / meanwhile[0].applied.path  # the one not copied yet
    good = victim.read_bytes()
    victim.write_bytes(good + b"damaged")
    refused = cli(config, *target)
    assert refused.exit_code == 4 and "does not match its sha256" in refused.output, refused.output
    assert config.read_text() == before  # nothing switched
    sent_first = len(objects(seaweed, s3_bucket))
    victim.write_bytes(good)
    ours = config.parent / "var" / "archive" / "orders" / "4500871" / "ours" / "pi_ANW-PI-2612-01_en.pdf"
    ours.parent.mkdir(parents=True)
    ours.write_bytes(b"%PDF-1.7 our P/I\n")  # a document the desk wrote: no row names it

    done = cli(config, *target)
    assert done.exit_code == 0, done.output
    said = done.output.replace("\n", " ")
    assert f"2 object(s) sent, {sent_first} there already" in said and "1 document(s) of ours" in said, said
    text = config.read_text()
    assert f"bucket: {s3_bucket}" in text and "prefix: moved" in text and text.endswith("# kept at the end\n")
    assert text.replace("\n", "").count("archive:") == 1 and "buyers:" in text
    loaded = load_config(config)
    assert loaded.archive.s3 is not None and loaded.database_url == f"sqlite:///{tmp_path / 'desk' / 'm.db'}"
    checked = cli(config, "verify", "--against-store")
    assert checked.exit_code == 0 and f"s3://{s3_bucket}/moved" in checked.output, checked.output
    stored = objects(seaweed, s3_bucket)
    assert "moved/orders/4500871/order.json" in stored
    assert seaweed.client().get_object(Bucket=s3_bucket, Key="moved/orders/4500871/ours/pi_ANW-PI-2612-01_en.pdf"
                                       )["Body"].read() == ours.read_bytes()
    again = cli(config, *target)
    assert again.exit_code == 4 and "nothing to migrate" in again.output


def test_the_config_takes_a_bucket_and_never_its_credentials(tmp_path: Path) -> None:
    def loaded(archive: str) -> Any:
        path = write_desk(tmp_path / "desk", "sqlite:///x.db", archive=archive)
        return load_config(path)

    s3 = loaded("\n  s3:\n    bucket: desk-mail\n    prefix: /acme/\n    region: cn-north-1\n").archive.s3
    assert s3 is not None and (s3.bucket, s3.prefix, s3.region, s3.endpoint_url) == \
        ("desk-mail", "acme", "cn-north-1", None)
    with pytest.raises(ConfigError) as secret:
        loaded("\n  s3:\n    bucket: desk-mail\n    aws_secret_access_key: abc\n")
    assert secret.value.line == 8 and secret.value.field == "archive.s3.aws_secret_access_key"
    assert "credentials do not belong in mailflow.yaml" in str(secret.value) and "AWS_ACCESS_KEY_ID" in str(secret.value)
    with pytest.raises(ConfigError) as bad:
        loaded("\n  s3:\n    bucket: Desk_Mail\n")
    assert bad.value.line == 7 and bad.value.field == "archive.s3.bucket"
    with pytest.raises(ConfigError) as days:
        loaded("\n  s3: {bucket: desk-mail, retain_days: 0}\n")
    assert days.value.field == "archive.s3.retain_days"


def test_status_says_when_the_bucket_cannot_be_reached(tmp_path: Path) -> None:
    from tests.seaweed import _ports

    [closed] = _ports(1)
    config = write_desk(tmp_path / "desk", f"sqlite:///{tmp_path / 'm.db'}",
                        archive=f"{{s3: {{bucket: nowhere, endpoint_url: 'http://127.0.0.1:{closed}'}}}}")
    status = cli(config, "status")
    assert status.exit_code == 0 and f"archive: s3://nowhere at http://127.0.0.1:{closed}: NOT reachable" in \
        status.output.replace("\n", " "), status.output


def test_switching_the_config_keeps_every_other_line(tmp_path: Path) -> None:
    from mailflow.store.relocate import switch_config

    config = write_desk(tmp_path / "desk", "sqlite:///x.db")
    text = config.read_text().replace("archive: {path: var/archive}\n",
                                      "archive:   # where the files are\n  path: stash   # ours\n\n# between\n")
    config.write_text(text)
    switch_config(config, "desk-mail", "a/b", "http://127.0.0.1:9", None, 7)
    switched = config.read_text()
    assert switched == text.replace("archive:   # where the files are\n  path: stash   # ours\n",
                                    "archive:\n  path: stash\n  s3:\n    bucket: desk-mail\n    prefix: a/b\n"
                                    "    endpoint_url: http://127.0.0.1:9\n    retain_days: 7\n")
    loaded = load_config(config).archive
    assert loaded.path == Path("stash") and loaded.s3 is not None and loaded.s3.retain_days == 7

    bare = tmp_path / "bare.yaml"  # no archive: key at all: the block is added at the end
    bare.write_text(text.replace("archive:   # where the files are\n  path: stash   # ours\n", ""))
    switch_config(bare, "desk-mail", "", None, "cn-north-1")
    assert bare.read_text().endswith("archive:\n  path: var/archive\n  s3:\n    bucket: desk-mail\n"
                                     "    region: cn-north-1\n")
