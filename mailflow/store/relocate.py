"""The archive checked against the rows, and a local archive moved into an S3 bucket.

`check_objects` reads every file a message or attachment row points at back from the archive
(streamed) and compares its sha256 with the row's: `verify --against-store`.

`migrate` copies a local archive into a bucket (`mailflow archive migrate`): every message's
raw mail to `raw/<sha256>`, every attachment to `files/<sha256>`, quarantined mail under its
own name, the documents the desk wrote (`orders/*/ours/`) under theirs. Each local file is hashed before it is sent (a damaged one stops the migration: a
copy would carry the damage into the evidence), an object already in the bucket with that
sha256 is not sent again (so a migration that stopped is run again from the start, cheaply),
and each object is read back and hashed. Only when every object is there and right are the
rows pointed at the new keys, in one transaction (rolled back when a row was
filed meanwhile: its file was never copied); then `order.json` is written in the bucket
and the config switched (`switch_config`). A crash before the rows' commit leaves the rows on
the local archive, which is untouched; after it, run the migration again: it finds every
object there and switches the config. The local files are left for the operator to remove.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import func, literal, select, update

from mailflow.errors import ConfigError, StoreError
from mailflow.store.archive import Archive, LocalArchive
from mailflow.store.db import AttachmentRow, MessageRow, OrderRow
from mailflow.store.objects import S3Archive, content_addressed

PAGE = 500  # rows read at a time


def digest(archive: Archive, rel: str) -> str | None:
    """The sha256 of a file read back from the archive (streamed); None when it is missing."""
    hashed = hashlib.sha256()
    try:
        for piece in archive.chunks(rel):
            hashed.update(piece)
    except FileNotFoundError:
        return None
    return hashed.hexdigest()


def _pages(store: Any, query: Any) -> Iterable[list[tuple[int, str, str]]]:
    """(id, sha256, path) rows, PAGE at a time, by id."""
    last = 0
    while True:
        with store.sessions() as session:
            rows = [tuple(r) for r in session.execute(query.where(query.selected_columns[0] > last)
                                                         .order_by(query.selected_columns[0]).limit(PAGE))]
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _rows(store: Any, sha256s: Iterable[str] | None,
          upto: dict[str, int] | None = None) -> Iterable[tuple[str, int, str, str]]:
    """("message"|"attachment", id, sha256, path) of every row (or of the messages with these
    sha256s, and their attachments; or those up to these ids)."""
    wanted = sorted(set(sha256s)) if sha256s is not None else None
    messages = select(MessageRow.id, MessageRow.sha256, MessageRow.path)
    attachments = select(AttachmentRow.id, AttachmentRow.sha256, AttachmentRow.path)
    if upto is not None:
        messages = messages.where(MessageRow.id <= upto["message"])
        attachments = attachments.where(AttachmentRow.id <= upto["attachment"])
    if wanted is not None:
        messages = messages.where(MessageRow.sha256.in_(wanted))
        attachments = attachments.join(MessageRow, AttachmentRow.message_row_id == MessageRow.id) \
            .where(MessageRow.sha256.in_(wanted))
    for kind, query in (("message", messages), ("attachment", attachments)):
        for page in _pages(store, query):
            for row_id, sha, path in page:
                yield kind, row_id, sha, path


@dataclass
class Checked:
    checked: int = 0
    problems: list[str] = field(default_factory=list)


def check_objects(store: Any, sha256s: Iterable[str] | None = None,
                  progress: Callable[[str], None] = lambda _: None) -> Checked:
    """Every file the rows point at (or those of the messages with these sha256s), read back
    and hashed against its row."""
    result = Checked()
    for kind, row_id, sha, path in _rows(store, sha256s):
        found = digest(store.archive, path)
        result.checked += 1
        if found is None:
            result.problems.append(f"{kind} #{row_id}: {path} is missing from the archive {store.archive.describe()}")
        elif found != sha:
            result.problems.append(f"{kind} #{row_id}: {path} has sha256 {found}, the row says {sha}")
        progress(path)
    return result


# --- migration -------------------------------------------------------------------------------

@dataclass
class Migrated:
    sent: int = 0  # objects written
    present: int = 0  # objects found in the bucket already (a migration run again)
    quarantined: int = 0
    documents: int = 0  # of ours (P/I, invoice, packing list…), kept under each order's ours/
    orders: int = 0


def migrate(store: Any, target: S3Archive, progress: Callable[[str], None] = lambda _: None) -> Migrated:
    """Copy the store's local archive into `target` and point the rows there (see above)."""
    source = store.archive
    if not isinstance(source, LocalArchive):
        raise StoreError(f"the archive is not a local folder but {source.describe()}: nothing to migrate")
    target.ping()
    done = Migrated()
    upto = _last_ids(store)
    for kind, row_id, sha, path in _rows(store, None, upto):
        key = f"raw/{sha}" if kind == "message" else f"files/{sha}"
        if content_addressed(path):  # a migration that stopped after the rows' commit
            if digest(target, path) != sha:
                raise StoreError(f"{kind} #{row_id} points at {path}, which is not in {target.describe()} "
                                 "with its sha256: restore it there, then migrate again")
            done.present += 1
            continue
        _copy(source, target, path, key, sha, f"{kind} #{row_id}", done)
        progress(path)
    for row in store.quarantined(include_resolved=True):
        for rel in (row.path, re.sub(r"\.eml$", ".reason.json", row.path)):
            if source.exists(rel):
                data = source.read(rel)
                _copy(source, target, rel, rel, hashlib.sha256(data).hexdigest(), "quarantined mail", done, data)
        done.quarantined += 1
    # the documents the desk wrote (writer/desk.py): no row names their file, the folder does
    for written in sorted(source.root.glob("orders/*/ours/*")):
        if written.is_file() and not written.name.startswith(".tmp-"):
            rel = written.relative_to(source.root).as_posix()
            data = written.read_bytes()
            _copy(source, target, rel, rel, hashlib.sha256(data).hexdigest(), "our document", done, data)
            done.documents += 1
    with store.sessions() as session, session.begin():  # every object is there and checked: the rows follow
        for kind, model, folder in (("message", MessageRow, "raw/"), ("attachment", AttachmentRow, "files/")):
            session.execute(update(model).where(model.id <= upto[kind], ~model.path.startswith(folder))
                            .values(path=literal(folder) + model.sha256))
        if _last_ids(store, session) != upto:  # a daemon filed mail meanwhile: its files are not in the bucket
            raise StoreError("mail was filed while the archive was copied: stop every daemon and web desk on "
                             "this database, then migrate again (what is in the bucket is not sent again)")
        orders = list(session.scalars(select(OrderRow.id)))
    store.archive = target  # order.json, written from the rows, in the bucket
    for start in range(0, len(orders), PAGE):
        store.write_order_json(*orders[start:start + PAGE])
    done.orders = len(orders)
    return done


def _last_ids(store: Any, session: Any = None) -> dict[str, int]:
    """The newest message and attachment row ids: the migration copies the rows up to them."""
    def last(opened: Any) -> dict[str, int]:
        return {"message": opened.scalar(select(func.max(MessageRow.id))) or 0,
                "attachment": opened.scalar(select(func.max(AttachmentRow.id))) or 0}
    if session is not None:
        return last(session)
    with store.sessions() as opened:
        return last(opened)


def _copy(source: Archive, target: S3Archive, rel: str, key: str, sha: str, what: str, done: Migrated,
          data: bytes | None = None) -> None:
    """One file sent unless the bucket has it with this sha256, then read back and checked."""
    if digest(target, key) == sha:
        done.present += 1
        return
    try:
        data = source.read(rel) if data is None else data
    except FileNotFoundError:
        raise StoreError(f"{what}: {rel} is missing from the local archive {source.describe()}: nothing was "
                         "switched; restore the file (or quarantine the mail) and migrate again") from None
    if hashlib.sha256(data).hexdigest() != sha:
        raise StoreError(f"{what}: {rel} in the local archive does not match its sha256 {sha}: nothing was "
                         "switched; a damaged file is not copied into the evidence")
    target.put(PurePosixPath(key), data)
    if digest(target, key) != sha:
        raise StoreError(f"{what}: {key} read back from {target.describe()} does not match its sha256 {sha}")
    done.sent += 1


def switch_config(file: Path, bucket: str, prefix: str, endpoint_url: str | None, region: str | None,
                  retain_days: int | None = None) -> None:
    """Rewrite the `archive:` key of the config file to the bucket, keeping every other line
    as it is (a careful edit of the text, not a YAML round trip that would lose comments and
    order). The old `path:` stays: the default SQLite file lives beside it. Comments inside
    the old `archive:` block are not kept. The new file is loaded and validated before it
    replaces the old one (atomically)."""
    from mailflow.config import load_config

    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    config = load_config(file)
    start = next((i for i, line in enumerate(lines) if re.match(r"archive\s*:", line)), None)
    block = ["archive:\n", f"  path: {_quoted(str(config.archive.path))}\n", "  s3:\n",
             f"    bucket: {_quoted(bucket)}\n"]
    block += [f"    {name}: {_quoted(str(value))}\n" for name, value in
              (("prefix", prefix), ("endpoint_url", endpoint_url), ("region", region),
               ("retain_days", retain_days)) if value]
    if start is None:
        lines = [*lines, *([] if not lines or lines[-1].endswith("\n") else ["\n"]), *block]
    else:
        end = start + 1
        last = start
        while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#"):
            if lines[end].strip() and lines[end][0] in " \t":
                last = end
            end += 1
        lines[start:last + 1] = block
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".yaml", dir=file.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.writelines(lines)
        checked = load_config(tmp)
        if checked.archive.s3 is None or checked.archive.s3.bucket != bucket:
            raise ConfigError("the rewritten config does not name the bucket", file)
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _quoted(value: str) -> str:
    """A YAML scalar that reads back as this string (or number)."""
    return value if re.fullmatch(r"[A-Za-z0-9_./:@-]+", value) and not value[0] in "-:@" else \
        '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
