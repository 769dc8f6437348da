"""Local mail: a folder of .eml files, a Maildir, or an mbox file. Read only: nothing is moved,
flagged or renamed (a Maildir's new/ messages stay new)."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mailflow.errors import ConfigError
from mailflow.model import Origin, RawMail

EML_SUFFIXES = {".eml", ".msg822", ".mail"}


@dataclass(frozen=True)
class EmlFolder:
    path: Path

    def describe(self) -> str:
        return f"folder {self.path}"

    def fetch(self) -> Iterator[RawMail]:
        for file in sorted(self.path.rglob("*")):
            if file.is_file() and file.suffix.lower() in EML_SUFFIXES and not file.name.startswith("."):
                yield RawMail(file.read_bytes(), Origin("file", path=str(file)))


@dataclass(frozen=True)
class MaildirSource:
    path: Path

    def describe(self) -> str:
        return f"maildir {self.path}"

    def fetch(self) -> Iterator[RawMail]:
        box = mailbox.Maildir(self.path, factory=None, create=False)
        for key in sorted(box.keys()):
            yield RawMail(box.get_bytes(key), Origin("maildir", path=str(self.path), key=key))
        for name in box.list_folders():
            yield from MaildirSource(self.path / f".{name}").fetch()


@dataclass(frozen=True)
class MboxSource:
    path: Path

    def describe(self) -> str:
        return f"mbox {self.path}"

    def fetch(self) -> Iterator[RawMail]:
        box = mailbox.mbox(self.path, factory=None, create=False)
        try:
            for index, key in enumerate(box.keys()):
                yield RawMail(box.get_bytes(key), Origin("mbox", path=str(self.path), key=str(index)))
        finally:
            box.close()


def local_source(spec: str, base: Path) -> EmlFolder | MaildirSource | MboxSource:
    """`PATH` (folder of .eml, or a Maildir/mbox recognised by its shape), `maildir:PATH`, `mbox:PATH`."""
    kind = ""
    for prefix in ("maildir:", "mbox:"):
        if spec.startswith(prefix):
            kind, spec = prefix[:-1], spec[len(prefix):]
    path = Path(spec).expanduser()
    path = path if path.is_absolute() else (base / path)
    if not path.exists():
        raise ConfigError(f"mail source not found: {path}")
    if not kind:
        if path.is_dir() and all((path / sub).is_dir() for sub in ("cur", "new")):
            kind = "maildir"
        elif path.is_file():
            kind = "mbox"
    if kind == "maildir":
        if not (path / "cur").is_dir():
            raise ConfigError(f"not a Maildir (no cur/ and new/ folders): {path}")
        return MaildirSource(path)
    if kind == "mbox":
        if not path.is_file():
            raise ConfigError(f"not an mbox file: {path}")
        return MboxSource(path)
    if not path.is_dir():
        raise ConfigError(f"not a folder of .eml files: {path}")
    return EmlFolder(path)
