"""`mailflow verify` on hostile bundles: each problem is a finding on one line, never a
traceback, and nothing is read past the size the manifest promises."""

from __future__ import annotations

import hashlib
import json
import tracemalloc
import warnings
import zipfile
from pathlib import Path

from click.testing import CliRunner

from mailflow.cli import main
from mailflow.store.export import verify

FILES = {"mail/a.eml": b"From: a@b.example\r\n\r\nhello\r\n", "order.json": b"{}\n"}


def manifest(files: dict[str, bytes]) -> bytes:
    return json.dumps({"files": [{"path": p, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
                                 for p, d in files.items()]}).encode()


def write(path: Path, entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names we write on purpose
        with zipfile.ZipFile(path, "w", compression=method) as bundle:
            for name, data in entries:
                bundle.writestr(name, data)
    return path


def good(path: Path) -> Path:
    return write(path, [*FILES.items(), ("manifest.json", manifest(FILES))])


def run(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["verify", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_a_good_bundle_verifies(tmp_path: Path) -> None:
    assert run(good(tmp_path / "b.zip"))[0] == 0


def test_a_zip_bomb_is_read_no_further_than_the_manifest_says(tmp_path: Path) -> None:
    files = dict(FILES)
    bomb = b"\0" * (64 << 20)  # deflates to about 64 KB
    path = write(tmp_path / "bomb.zip", [("mail/a.eml", bomb), ("order.json", files["order.json"]),
                                         ("manifest.json", manifest(files))])
    assert path.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        verdict = verify(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert verdict.changed == ["mail/a.eml"] and not verdict.ok
    assert peak < 8 << 20, f"verify held {peak >> 20} MB of a 64 MB entry"


def test_two_entries_with_one_name_do_not_verify(tmp_path: Path) -> None:
    path = write(tmp_path / "dup.zip", [*FILES.items(), ("mail/a.eml", b"another mail"),
                                        ("manifest.json", manifest(FILES))])
    code, output = run(path)
    assert code == 1 and "mail/a.eml: the bundle holds 2 entries of this name" in output


def _patch(path: Path, signature: bytes, offset: int, value: bytes) -> None:
    """Rewrite bytes at `offset` after every header with this signature (local and central)."""
    data = bytearray(path.read_bytes())
    start = 0
    while (at := data.find(signature, start)) >= 0:
        data[at + offset:at + offset + len(value)] = value
        start = at + 4
    path.write_bytes(bytes(data))


def test_damaged_encrypted_and_unknown_entries_are_findings(tmp_path: Path) -> None:
    crc = write(tmp_path / "crc.zip", [*FILES.items(), ("manifest.json", manifest(FILES))],
                method=zipfile.ZIP_STORED)
    data = crc.read_bytes()
    crc.write_bytes(data.replace(b"hello", b"jello", 1))  # same size, wrong CRC
    code, output = run(crc)
    assert code == 1 and "mail/a.eml: damaged" in output

    locked = good(tmp_path / "enc.zip")
    _patch(locked, b"PK\x01\x02", 8, b"\x01\x00")  # central directory: general purpose flag 1
    code, output = run(locked)
    assert code == 1 and "encrypted" in output

    method = write(tmp_path / "m.zip", [*FILES.items(), ("manifest.json", manifest(FILES))],
                   method=zipfile.ZIP_STORED)
    _patch(method, b"PK\x01\x02", 10, b"\x63\x00")  # compression method 99
    _patch(method, b"PK\x03\x04", 8, b"\x63\x00")
    code, output = run(method)
    assert code == 1 and "compression method 99" in output


def test_a_manifest_with_wrong_types_is_one_line(tmp_path: Path) -> None:
    bad = json.loads(manifest(FILES))
    bad["files"][0]["size"] = "31"
    path = write(tmp_path / "t.zip", [*FILES.items(), ("manifest.json", json.dumps(bad).encode())])
    code, output = run(path)
    assert code == 1 and "has no valid size" in output and len(output.strip().splitlines()) == 1
    for broken in (b"[]", b'{"files": [1]}', b'{"files": [{"path": "x", "sha256": "zz", "size": 1}]}',
                   b"\xff\xfe not json"):
        path = write(tmp_path / "t.zip", [*FILES.items(), ("manifest.json", broken)])
        code, output = run(path)
        assert code == 1 and output.startswith("mailflow:"), output
