"""What comes with mailflow beside its code: the rules/ and templates/ a desk starts from, and
the labelled evaluation set (tests/eval) the starting classifier is trained and measured on.

In a wheel they are under mailflow/_shipped/ (pyproject's force-include); in a source
checkout, at the top of the repository."""

from __future__ import annotations

from pathlib import Path

from mailflow.errors import MailflowError

_IN_CHECKOUT = {"rules": "rules", "templates": "templates", "eval": "tests/eval"}


def shipped(name: str) -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_shipped" / name, here.parent / _IN_CHECKOUT[name]):
        if candidate.is_dir():
            return candidate
    raise MailflowError(f"the shipped {name}/ folder is missing from this installation")
