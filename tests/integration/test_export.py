"""The evidence bundle: original mail byte for byte, a timeline readable offline, a manifest
that `mailflow verify` checks, catching a changed, a missing and an added file."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mailflow.cli import main
from tests.conftest import EXAMPLES, write_desk

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory, module_database_url: str) -> tuple[Path, Path]:
    """The example inbox filed and its order exported once a database: the tests read the
    desk and the bundle, and write their copies and other exports in their own folders."""
    folder = tmp_path_factory.mktemp("export")
    config = write_desk(folder / "desk", module_database_url, EXAMPLES / "inbox")
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(config), "run", "--once"]).exit_code == 0
    target = folder / "bundle.zip"
    result = runner.invoke(main, ["--config", str(config), "order", "export", "4500871", "-o", str(target)])
    assert result.exit_code == 0, result.output
    return config, target


def verify(path: Path) -> Any:
    return CliRunner().invoke(main, ["verify", str(path)])


def rewrite(source: Path, target: Path, change: dict[str, bytes | None], add: dict[str, bytes]) -> None:
    """A copy of the bundle with files changed (bytes) or removed (None), and files added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            if name in change:
                if change[name] is not None:
                    new.writestr(name, change[name])  # type: ignore[arg-type]
            else:
                new.writestr(name, old.read(name))
        for name, data in add.items():
            new.writestr(name, data)


def test_the_bundle_holds_the_original_mail_and_verifies(bundle: tuple[Path, Path]) -> None:
    _, path = bundle
    result = verify(path)
    assert result.exit_code == 0 and "ok" in result.output
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
        mail = sorted(n for n in names if n.startswith("mail/"))
        originals = {p.read_bytes() for p in (EXAMPLES / "inbox").glob("*.eml")}
        assert mail and all(archive.read(n) in originals for n in mail)  # byte for byte
        assert any(n.startswith("files/") and n.endswith("PO_4500871.pdf") for n in names)
        timeline = archive.read("timeline.html").decode()
        order = json.loads(archive.read("order.json"))
    assert {f["path"] for f in manifest["files"]} == names - {"manifest.json"}
    assert manifest["order"] == "4500871" and manifest["mailflow_version"]
    assert "<script" not in timeline.lower() and "http://" not in timeline and "https://" not in timeline
    assert "default-src 'none'" in timeline
    for message in order["messages"]:
        assert message["subject"].replace("&", "&amp;").replace("<", "&lt;")[:20] in timeline


def test_verify_catches_a_changed_a_missing_and_an_added_file(tmp_path: Path,
                                                               bundle: tuple[Path, Path]) -> None:
    _, path = bundle
    with zipfile.ZipFile(path) as archive:
        first_mail = next(n for n in archive.namelist() if n.startswith("mail/"))
        original = archive.read(first_mail)
    cases = {
        "changed": ({first_mail: original.replace(b"4500871", b"4500817", 1)}, {}),
        "missing": ({first_mail: None}, {}),
        "added": ({}, {"mail/extra.eml": b"From: someone\r\n\r\nnot in the manifest\r\n"}),
    }
    for label, (change, add) in cases.items():
        copy = tmp_path / f"{label}.zip"
        rewrite(path, copy, change, add)
        result = verify(copy)
        assert result.exit_code != 0, label
        expected = "mail/extra.eml" if label == "added" else first_mail
        assert f"{label}: {expected}" in result.output
    broken = tmp_path / "broken.zip"
    shutil.copy(path, broken)
    broken.write_bytes(broken.read_bytes()[:100])
    assert verify(broken).exit_code != 0


def test_order_list_filters_and_json(bundle: tuple[Path, Path]) -> None:
    config, _ = bundle
    runner = CliRunner()
    everything = json.loads(runner.invoke(main, ["--config", str(config), "order", "list", "--json"]).stdout)
    assert {"order", "buyer"} <= set(everything[0])
    northwind = json.loads(runner.invoke(main, ["--config", str(config), "order", "list", "--open",
                                                "--buyer", "northwind", "--json"]).output)
    assert northwind and {o["buyer"] for o in northwind} == {"Northwind Trading"}
    assert len(northwind) < len(everything)
    shown = json.loads(runner.invoke(main, ["--config", str(config), "order", "show", "4500871",
                                            "--json"]).output)
    assert shown["data"]["lines"] and shown["data"]["total"]
    dates = [m["date"] for m in shown["messages"]]
    assert dates == sorted(dates)  # the timeline, oldest first
    assert {r["state"] for r in shown["replies"]} == {"held", "superseded"}  # a later confirmation replaced one

    # the list's columns (from a few queries) say what each order's own summary says
    from mailflow.config import load_config
    from mailflow.store import Store

    loaded = load_config(config)
    store = Store(loaded.database_url, loaded.archive_root)
    try:
        for item in everything:
            summary = store.order_summary(store.find_order(item["folder"]).id)  # type: ignore[union-attr]
            data, follow = summary["data"], summary["follow_up"]
            assert item == {**item, "order": summary["order"], "buyer": summary["buyer"], "status": summary["status"],
                            "aliases": summary["aliases"], "messages": len(summary["messages"]),
                            "replies": len(summary["replies"]), "next_milestone": follow["next_milestone"],
                            "due": follow["next_due"], "outstanding": follow["money"]["outstanding"],
                            "total": data.get("total"), "currency": data.get("currency"),
                            "checks_failed": data.get("checks_failed", [])}
    finally:
        store.close()


def test_a_signed_bundle_fails_when_its_manifest_is_rewritten(tmp_path: Path,
                                                              bundle: tuple[Path, Path]) -> None:
    """Changing a mail and rewriting the manifest to match passes the sha256 check; only the
    signature made with the desk's key catches it."""
    config, _ = bundle
    runner = CliRunner()
    assert runner.invoke(main, ["keys", "generate", "-o", str(tmp_path / "keys")]).exit_code == 0
    private, public = tmp_path / "keys" / "desk-signing.key", tmp_path / "keys" / "desk-signing.pub"
    assert private.stat().st_mode & 0o077 == 0
    signed = tmp_path / "signed.zip"
    result = runner.invoke(main, ["--config", str(config), "order", "export", "4500871", "-o", str(signed),
                                  "--sign", str(private)])
    assert result.exit_code == 0, result.output
    ok = runner.invoke(main, ["verify", str(signed), "--key", str(public)])
    assert ok.exit_code == 0 and "signature valid" in ok.output

    with zipfile.ZipFile(signed) as archive:
        names = archive.namelist()
        first_mail = next(n for n in names if n.startswith("mail/"))
        contents = {n: archive.read(n) for n in names}
    forged = contents[first_mail].replace(b"4500871", b"4500817", 1)
    manifest = json.loads(contents["manifest.json"])
    for entry in manifest["files"]:
        if entry["path"] == first_mail:
            entry["sha256"], entry["size"] = hashlib.sha256(forged).hexdigest(), len(forged)
    tampered = tmp_path / "tampered.zip"
    rewrite(signed, tampered, {first_mail: forged,
                               "manifest.json": json.dumps(manifest, indent=2).encode()}, {})
    assert verify(tampered).exit_code == 0  # the manifest alone cannot tell
    caught = runner.invoke(main, ["verify", str(tampered), "--key", str(public)])
    assert caught.exit_code == 1 and "signature does not match" in caught.output
    unsigned = runner.invoke(main, ["verify", str(bundle[1]), "--key", str(public)])
    assert unsigned.exit_code == 1 and "not signed" in unsigned.output


def test_against_the_store_every_mail_must_be_one_the_desk_filed(tmp_path: Path,
                                                                 bundle: tuple[Path, Path]) -> None:
    config, path = bundle
    runner = CliRunner()
    ok = runner.invoke(main, ["--config", str(config), "verify", str(path), "--against-store"])
    assert ok.exit_code == 0, ok.output
    foreign = b"From: x@y.example\r\nSubject: never filed\r\n\r\nhello\r\n"
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    manifest["files"].append({"path": "mail/2026-01-01T000000Z_in_00000000.eml",
                              "sha256": hashlib.sha256(foreign).hexdigest(), "size": len(foreign)})
    extended = tmp_path / "extended.zip"
    rewrite(path, extended, {"manifest.json": json.dumps(manifest).encode()},
            {"mail/2026-01-01T000000Z_in_00000000.eml": foreign})
    assert verify(extended).exit_code == 0
    caught = runner.invoke(main, ["--config", str(config), "verify", str(extended), "--against-store"])
    assert caught.exit_code == 1
    assert "mail/2026-01-01T000000Z_in_00000000.eml: no message with this sha256" in caught.output


def test_an_export_tells_its_progress_mail_by_mail(bundle: tuple[Path, Path], tmp_path: Path) -> None:
    from mailflow.config import load_config
    from mailflow.store import Store
    from mailflow.store.export import export_order

    config, _ = bundle
    loaded = load_config(config)
    store = Store(loaded.database_url, loaded.archive_root)
    told: list[tuple[int, int]] = []
    try:
        order = store.find_order("4500871")
        assert order is not None
        manifest = export_order(store, order.id, tmp_path / "again.zip", progress=lambda d, t: told.append((d, t)))
    finally:
        store.close()
    mails = [f for f in manifest["files"] if f["path"].startswith("mail/")]
    assert told == [(i, len(mails)) for i in range(1, len(mails) + 1)] and len(mails) > 1


def test_in_a_terminal_the_export_shows_a_progress_bar(bundle: tuple[Path, Path], tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    config, _ = bundle
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "mailflow", "--config", str(config), "order", "export",
                                "4500871", "-o", str(tmp_path / "tty.zip")],
                               stdin=follower, stdout=follower, stderr=follower, env={**os.environ, "COLUMNS": "100"})
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the command is done
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=120) == 0, seen
    os.close(leader)
    text = seen.decode(errors="replace")
    assert "exporting 4500871" in text and "manifest.json" in text
