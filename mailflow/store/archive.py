"""Files in the archive: raw mail and attachments, written atomically, never outside the root.

Every name here is derived (dates, hashes, safe forms); the sender's words never become a path.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from mailflow.errors import StoreError
from mailflow.model import Attachment, Direction


class Archive:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"the archive path {self.root} is a file, not a folder")

    def _full(self, rel: PurePosixPath) -> Path:
        full = (self.root / rel).resolve()
        if not full.is_relative_to(self.root) or full == self.root:
            raise ValueError(f"refusing to write outside the archive: {rel}")
        return full

    def write(self, rel: PurePosixPath, data: bytes) -> None:
        """Temp file in the same folder, fsync, rename, fsync the folder: all or nothing."""
        full = self._full(rel)
        full.parent.mkdir(parents=True, exist_ok=True)
        if full.exists() and full.stat().st_size == len(data) and full.read_bytes() == data:
            return
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=full.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, full)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        dir_fd = os.open(full.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def write_json(self, rel: PurePosixPath, value: Any) -> None:
        self.write(rel, json.dumps(value, ensure_ascii=False, indent=2, default=str).encode() + b"\n")

    def read(self, rel: str | PurePosixPath) -> bytes:
        return self._full(PurePosixPath(rel)).read_bytes()

    def copy(self, src: str | PurePosixPath, dst: PurePosixPath) -> None:
        """The file at a second place, written like any other (temp file, fsync, rename)."""
        self.write(dst, self.read(src))

    def remove(self, rel: str | PurePosixPath) -> None:
        self._full(PurePosixPath(rel)).unlink(missing_ok=True)

    def exists(self, rel: str | PurePosixPath) -> bool:
        return self._full(PurePosixPath(rel)).exists()


def folder_name(number: str) -> str:
    """A safe folder name for an order number: characters outside A-Za-z0-9._- replaced."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", number).strip("._") or "order"
    return name[:100]


def stamp(when: dt.datetime | None) -> str:
    when = (when or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return when.strftime("%Y-%m-%dT%H%M%SZ")


def mail_path(folder: PurePosixPath, date: dt.datetime | None, direction: Direction,
              sha256: str) -> PurePosixPath:
    return folder / "mail" / f"{stamp(date)}_{direction}_{sha256[:8]}.eml"


def attachment_path(folder: PurePosixPath, attachment: Attachment) -> PurePosixPath:
    return folder / "files" / f"{attachment.sha256[:8]}_{attachment.safe_name}"


def order_folder(folder: str) -> PurePosixPath:
    return PurePosixPath("orders") / folder


def unfiled_folder(date: dt.datetime | None) -> PurePosixPath:
    when = (date or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return PurePosixPath("unfiled") / when.strftime("%Y-%m")


def quarantine_paths(sha256: str, now: dt.datetime | None = None) -> tuple[PurePosixPath, PurePosixPath]:
    when = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m")
    base = PurePosixPath("quarantine") / when
    return base / f"{sha256[:8]}.eml", base / f"{sha256[:8]}.reason.json"
