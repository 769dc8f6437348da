"""Files in the archive: raw mail and attachments, written atomically, never outside the root.

Every name here is derived (dates, hashes, safe forms); the sender's words never become a path.
`Archive` is what the store needs of an archive, whatever holds it: `LocalArchive` is a folder
on this machine (the embedded default), `store/objects.py` an S3-compatible bucket that
several machines share. The rows keep each file's name relative to the archive (its `rel`);
the archive decides the names of raw mail and attachments (`mail_path`, `attachment_path`):
the folder names them by order, the bucket by content.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import itertools
import json
import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from mailflow import clock
from mailflow.errors import StoreError
from mailflow.model import Attachment, Direction

CHUNK = 256 * 1024  # a download streams in pieces of this size


class Archive(ABC):
    """What the store asks of an archive. `put` writes without making durable; `sync` makes
    what `put` wrote durable (the store calls it before it commits rows that point there);
    `discard` removes what a failed commit's `put` created, so that filing again writes it
    anew. A missing file is `FileNotFoundError` (an `OSError`) from `read` and `chunks`."""

    @abstractmethod
    def put(self, rel: PurePosixPath, data: bytes, *, together: bool = False) -> tuple[Any, bool]:
        """Written, maybe not yet durable: (a handle for `sync`, whether this call wrote it).
        `together`: it will be made durable with others, by `sync(..., together=True)`."""

    @abstractmethod
    def sync(self, written: Iterable[tuple[Any, bool]], *, together: bool = False) -> None: ...

    @abstractmethod
    def discard(self, written: Iterable[tuple[Any, bool]]) -> None: ...

    @abstractmethod
    def read(self, rel: str | PurePosixPath) -> bytes: ...

    @abstractmethod
    def chunks(self, rel: str | PurePosixPath) -> Iterator[bytes]:
        """The file's bytes in pieces, for a download that need not hold it whole. The file is
        opened before this returns (a missing one raises here, not half-way)."""

    @abstractmethod
    def remove(self, rel: str | PurePosixPath) -> None: ...

    @abstractmethod
    def exists(self, rel: str | PurePosixPath) -> bool: ...

    @abstractmethod
    def describe(self) -> str:
        """Where the archive is, for a person (a folder, or s3://bucket/prefix)."""

    def write(self, rel: PurePosixPath, data: bytes) -> Any:
        """Written and durable when this returns."""
        written = self.put(rel, data)
        self.sync([written])
        return written[0]

    def write_json(self, rel: PurePosixPath, value: Any) -> Any:
        return self.write(rel, json_bytes(value))

    def mail_path(self, folder: PurePosixPath, date: dt.datetime | None, direction: Direction,
                  sha256: str) -> PurePosixPath:
        """Where a mail of an order's (or the unfiled) folder is kept."""
        return mail_path(folder, date, direction, sha256)

    def attachment_path(self, folder: PurePosixPath, attachment: Attachment) -> PurePosixPath:
        return attachment_path(folder, attachment)

    def moved_attachment(self, folder: PurePosixPath, rel: str, sha256: str) -> PurePosixPath:
        """Where an attachment kept at `rel` goes when its mail moves to `folder`."""
        return folder / "files" / PurePosixPath(rel).name


class LocalArchive(Archive):
    """A folder on this machine: files written atomically (temp file, rename, fsync)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"the archive path {self.root} is a file, not a folder")
        self._root = str(self.root)

    def _full(self, rel: PurePosixPath) -> Path:
        """`rel` under the root, refused when its words could leave it (absolute, `..`, empty).
        The check is on the words alone, the root resolved once: names are ours (dates, hashes,
        safe forms), and resolving each path (an lstat per part) cost more than writing the
        file. A symbolic link inside the archive is followed: only whoever runs the archive can
        put one there (to keep a folder on another disk, say), never a mail."""
        if not rel.parts or rel.is_absolute() or ".." in rel.parts:
            raise ValueError(f"refusing to write outside the archive: {rel}")
        return Path(os.path.join(self._root, rel))

    def describe(self) -> str:
        return str(self.root)

    def write(self, rel: PurePosixPath, data: bytes) -> Path:
        """Temp file in the same folder, rename, fsync the file and the folder: all or nothing,
        and on the disk when this returns. A file already there with these bytes is fsynced all
        the same (an earlier `put` may have left it unsynced)."""
        full, _ = self.put(rel, data)
        sync_files([full])
        return full

    def sync(self, written: Iterable[tuple[Any, bool]], *, together: bool = False) -> None:
        paths = [Path(path) for path, _ in written]
        if together:
            sync_together(paths)
        else:
            sync_files(paths)

    def discard(self, written: Iterable[tuple[Any, bool]]) -> None:
        for path, created in written:
            if created:
                Path(path).unlink(missing_ok=True)

    def put(self, rel: PurePosixPath, data: bytes, *, together: bool = False) -> tuple[Path, bool]:
        """The file written and renamed into place, NOT synced: (its path, whether this call
        wrote it). The caller passes the path to `sync_files` (or, with `together`, to
        `sync_together`) before it commits anything that points at the file (a batch syncs
        the files of all its mails at once). Until then nothing refers to the file, and filing
        the mail again writes it again; if the sync fails, the caller removes what it wrote, so
        that the retry writes it anew rather than trusting bytes that may not be on the disk.
        A new folder's entry is fsynced in its parent at once, unless `together` and there is
        syncfs: that one sync makes it durable with the files."""
        full = self._full(rel)
        name = str(full)
        try:
            size = os.stat(name).st_size
        except (FileNotFoundError, NotADirectoryError):
            size = -1
        if size == len(data) and full.read_bytes() == data:
            return full, False
        folder = os.path.dirname(name)
        try:
            fd, tmp = _temp_file(folder)
        except FileNotFoundError:  # the folder's first file
            if together and _SYNCFS is not None:
                full.parent.mkdir(parents=True, exist_ok=True)
            else:
                _make_folder(full.parent)
            fd, tmp = _temp_file(folder)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            os.replace(tmp, name)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return full, True

    def write_json(self, rel: PurePosixPath, value: Any) -> Path:
        return self.write(rel, json_bytes(value))

    def read(self, rel: str | PurePosixPath) -> bytes:
        return self._full(PurePosixPath(rel)).read_bytes()

    def chunks(self, rel: str | PurePosixPath) -> Iterator[bytes]:
        handle = self._full(PurePosixPath(rel)).open("rb")

        def pieces() -> Iterator[bytes]:
            with handle:
                while piece := handle.read(CHUNK):
                    yield piece
        return pieces()

    def remove(self, rel: str | PurePosixPath) -> None:
        self._full(PurePosixPath(rel)).unlink(missing_ok=True)

    def exists(self, rel: str | PurePosixPath) -> bool:
        return self._full(PurePosixPath(rel)).exists()


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str).encode() + b"\n"


def sync_files(files: Iterable[Path]) -> None:
    """Each file's bytes to the disk, then each of their folders once (the renames that put
    them there): what `Archive.put` left to be done."""
    folders: dict[Path, None] = {}
    for path in files:
        _fsync_file(path)
        folders[path.parent] = None
    for folder in folders:
        _fsync_folder(folder)


def _load_syncfs() -> Any:
    """Linux's syncfs(2) from the C library, or None where there is none (then each file and
    folder is fsynced). Only on Linux 5.8 and later: before, syncfs returned 0 even when the
    writeback failed, and a batch would commit rows pointing at files not on the disk."""
    if not _reports_write_errors(os.uname().sysname, os.uname().release):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    return function


def _reports_write_errors(system: str, release: str) -> bool:
    """Whether this kernel's syncfs reports a writeback error (Linux 5.8 and later)."""
    if system != "Linux":
        return False
    try:
        major, minor = (int(part) for part in release.split("-")[0].split(".")[:2])
    except ValueError:
        return False  # a release we cannot read: fsync each file, which always reports
    return (major, minor) >= (5, 8)


_SYNCFS = _load_syncfs()


def syncfs(folder: Path) -> None:
    """Everything written to the file system `folder` is on, on the disk: file data, new
    directory entries, in one journal commit and one flush of the disk's cache."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        if _SYNCFS(fd) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error))
    finally:
        os.close(fd)


def sync_together(files: Iterable[Path]) -> None:
    """What `sync_files` does, for many files at once (a batch's): one syncfs per file system
    they are on instead of an fsync per file and per folder, each of which waits for its own
    journal commit and disk flush (200 fsyncs took 0.4-0.7 s here, one syncfs 13-60 ms). Where
    there is no syncfs, `sync_files`."""
    files = list(files)
    if _SYNCFS is None:
        sync_files(files)
        return
    devices: dict[int, Path] = {}
    for folder in dict.fromkeys(path.parent for path in files):  # each folder looked at once
        devices.setdefault(os.stat(folder).st_dev, folder)
    for folder in devices.values():
        syncfs(folder)


_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
_TEMP_NUMBERS = itertools.count()


def _temp_file(folder: str) -> tuple[int, str]:
    """A new file in `folder` for bytes on their way to their name, open for writing, readable
    by us alone (as `tempfile.mkstemp` makes it): named `.tmp-<process>-<n>`, not drawn at
    random, since nothing else in this process takes the same number; a name some other process
    took (a crashed one whose number this one now has, or on another machine sharing the
    folder) is skipped."""
    for _ in range(10_000):
        tmp = f"{folder}/.tmp-{os.getpid()}-{next(_TEMP_NUMBERS)}"
        try:
            return os.open(tmp, _TEMP_FLAGS, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free name for a temporary file", folder)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    _fsync_file(folder)  # a folder is opened read-only and fsynced like a file


def _make_folder(folder: Path) -> None:
    """The folder and any missing parents, each new one's entry fsynced in its parent: a
    crash must not lose the folder a committed file is in."""
    missing = []
    parent = folder
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    folder.mkdir(parents=True, exist_ok=True)
    for created in reversed(missing):
        _fsync_folder(created.parent)


def stamp(when: dt.datetime | None) -> str:
    when = (when or clock.now()).astimezone(dt.UTC)
    return when.strftime("%Y-%m-%dT%H%M%SZ")


def mail_path(folder: PurePosixPath, date: dt.datetime | None, direction: Direction,
              sha256: str) -> PurePosixPath:
    return folder / "mail" / f"{stamp(date)}_{direction}_{sha256[:8]}.eml"


def attachment_path(folder: PurePosixPath, attachment: Attachment) -> PurePosixPath:
    return folder / "files" / f"{attachment.sha256[:8]}_{attachment.safe_name}"


def order_folder(folder: str) -> PurePosixPath:
    return PurePosixPath("orders") / folder


def unfiled_folder(date: dt.datetime | None) -> PurePosixPath:
    when = (date or clock.now()).astimezone(dt.UTC)
    return PurePosixPath("unfiled") / when.strftime("%Y-%m")


def quarantine_paths(sha256: str, now: dt.datetime | None = None) -> tuple[PurePosixPath, PurePosixPath]:
    when = (now or clock.now()).strftime("%Y-%m")
    base = PurePosixPath("quarantine") / when
    return base / f"{sha256[:8]}.eml", base / f"{sha256[:8]}.reason.json"
