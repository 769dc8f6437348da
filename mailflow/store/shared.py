"""What every machine of the desk shares beside the archive, kept in the database: named
values (`desk_shared`) and the classifier the desk trained (`classifier_models`).

A daemon or web desk keeps things under its own working directory (var/); what another
machine needs is here instead, so several machines share only the database and the store.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from mailflow.store.db import ClassifierModel, DeskShared

log = logging.getLogger(__name__)

Sessions = sessionmaker[Session]


def value(sessions: Sessions, name: str) -> str | None:
    with sessions() as session:
        row = session.get(DeskShared, name)
        return row.value if row is not None else None


def first_value(sessions: Sessions, name: str, proposed: str) -> str:
    """The value `name` has, or `proposed` made its value when it has none: of several
    machines proposing at once, the first to commit wins and all get its value."""
    found = value(sessions, name)
    if found is not None:
        return found
    try:
        with sessions() as session, session.begin():
            session.add(DeskShared(name=name, value=proposed))
    except IntegrityError:  # another machine made it first
        pass
    found = value(sessions, name)
    if found is None:
        raise LookupError(f"{name}: not kept in the database")
    return found


def set_value(sessions: Sessions, name: str, new: str) -> None:
    with sessions() as session, session.begin():
        session.merge(DeskShared(name=name, value=new))


def publish_model(sessions: Sessions, version: int, file: Path, pointer: Path) -> None:
    """A classifier just put in use here, for every other machine (a version published
    already, by another machine, stays as it was)."""
    try:
        with sessions() as session, session.begin():
            session.add(ClassifierModel(version=version, file=file.name, data=file.read_bytes(),
                                        pointer=pointer.read_text(encoding="utf-8")))
    except IntegrityError:
        log.warning("classifier v%d was published by another machine already: its file stays", version)


def fetch_model(sessions: Sessions, folder: Path, pointer_name: str) -> bool:
    """Write the newest published classifier into this machine's models `folder` (its file,
    then its pointer, each atomically) when the folder's pointer names an older one; whether
    it wrote it."""
    with sessions() as session:
        newest = session.scalars(select(ClassifierModel).order_by(ClassifierModel.version.desc()).limit(1)).first()
        if newest is None:
            return False
        version, name, pointer, data = newest.version, newest.file, newest.pointer, newest.data
    here = folder / pointer_name
    try:
        current = int(json.loads(here.read_text(encoding="utf-8")).get("version", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        current = 0
    if current >= version and (folder / Path(name).name).exists():
        return False
    folder.mkdir(parents=True, exist_ok=True)
    for target, content in ((folder / Path(name).name, data), (here, pointer.encode())):
        temporary = target.with_name(f".{target.name}.{os.getpid()}.fetched")
        temporary.write_bytes(content)
        os.replace(temporary, target)
    log.info("classifier v%d fetched from the database (trained on another machine)", version)
    return True
