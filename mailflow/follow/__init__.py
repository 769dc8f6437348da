"""Following an order (跟单): its plan of milestones, what is due and overdue, money owed, the
manager's sign-off, chasers and the daily plan.

- `plans`: the follow-up plans in `rules/followup/*.yaml`
- `order`: following one order, from what is on file and the day to the plan, payments,
  milestones, status and events (pure); the refusals of people's acts
- `calendar`: where an order stands on its plan (pure)
- `money`: payment terms, bank slips, L/C dates and the margin (pure)
- `store/follow.py`: loads what `order` reads, persists what it returns, people's acts;
  `store/plan.py` the daily plan's queries; `store/chase.py` chasers and digests in the outbox
- `desk`: the hourly job (overdue, chasers), the daily plan and its digest
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mailflow import clock
from mailflow.follow.money import DEFAULT_TOLERANCE, Tolerance
from mailflow.follow.plans import Plan

if TYPE_CHECKING:
    from mailflow.config import Config


DIGEST_TEMPLATE = "daily_digest"


@dataclass(frozen=True)
class Follower:
    """What following orders needs from the configuration."""

    plans: tuple[Plan, ...]
    tolerance: Tolerance = DEFAULT_TOLERANCE  # bank charges: how far short an instalment is settled
    zone: dt.tzinfo | None = None  # the desk's time zone; None: $TZ or the machine's
    tolerances: Mapping[str, Tolerance] = field(default_factory=dict)  # a buyer's own, by name or domain

    def tolerance_for(self, buyer: str) -> Tolerance:
        """The tolerance of the buyer's own rule (`buyers[].tolerance`, found by the name or a
        domain the order's buyer is known by), else the desk's."""
        own = self.tolerances.get(buyer.strip().casefold().lstrip("@"))
        return own if own is not None else self.tolerance

    def today(self) -> dt.date:
        return clock.today(self.zone)

    def plan(self, name: str) -> Plan | None:
        return next((p for p in self.plans if p.name == name), None)


def follower_from(config: Config) -> Follower | None:
    """The plans of `followup.plans` (default `rules/followup/`); None when following is off.
    A plan with an error stops here with its file and line, as a rule does."""
    from mailflow.follow.plans import load_plans

    if not config.followup.enabled:
        return None
    zone = None
    if config.followup.timezone:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(config.followup.timezone)
    def rule(setting: Any) -> Tolerance:
        if setting.most is None:
            return Tolerance(setting.percent, setting.amount)
        return Tolerance(setting.percent, setting.amount, setting.most)

    per_buyer = {key.casefold().lstrip("@"): rule(buyer.tolerance) for buyer in config.buyers
                 if buyer.tolerance is not None for key in (buyer.name, *buyer.domains)}
    return Follower(load_plans(config.plans_dir), rule(config.followup.tolerance), zone, per_buyer)
