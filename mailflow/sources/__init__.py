"""Mail sources yield RawMail(bytes, origin); they know nothing about rules or orders."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from mailflow.model import RawMail


class Source(Protocol):
    def describe(self) -> str: ...

    def fetch(self) -> Iterator[RawMail]: ...
