"""The desk's one clock for business time: what is due, what is overdue, today's plan, when a
chaser or the digest goes. Everything that follows an order asks `now()` or `today()` here,
never the system directly, so a test can run an order over simulated weeks (`frozen`).

Liveness among processes (folder leases, outbox claims) keeps the database's own clock: that is
about which daemon is alive, not about the order's calendar.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Clock:
    """The system's clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FrozenClock(Clock):
    """A clock that stands still until told to move: `advance(days=3)`."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> dt.datetime:
        self.at += dt.timedelta(**delta)
        return self.at


_clock: Clock = Clock()


def now() -> dt.datetime:
    """Now, zone-aware in UTC."""
    return _clock.now()


def local_zone() -> dt.tzinfo:
    """The desk's time zone: $TZ when it names a zone, else the machine's."""
    name = os.environ.get("TZ", "")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return dt.datetime.now().astimezone().tzinfo or dt.UTC


def zone(name: str = "") -> dt.tzinfo:
    """The desk's time zone as configured (`followup.timezone`, checked when the config is
    read), else `local_zone()`."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return local_zone()


def today(zone: dt.tzinfo | None = None) -> dt.date:
    """The desk's calendar day (its own time zone): a milestone due today is due on this date."""
    return now().astimezone(zone or local_zone()).date()


def use(clock: Clock) -> Clock:
    """Make `clock` the one everyone asks; returns the one it replaced."""
    global _clock
    previous, _clock = _clock, clock
    return previous


@contextmanager
def frozen(at: dt.datetime) -> Iterator[FrozenClock]:
    """`with clock.frozen(datetime(2026, 3, 1, 9)) as c: … c.advance(days=1)`"""
    clock = FrozenClock(at)
    previous = use(clock)
    try:
        yield clock
    finally:
        use(previous)
