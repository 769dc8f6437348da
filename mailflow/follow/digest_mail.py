"""The daily digest by mail: to each `digest.to`, once per day, through the outbox, in the
recipient's language, their plan for the day and the day's summary (`summary.py`).

The summary a digest carries is of the day that is over by its time: an evening digest
(`digest.time` at noon or later) sums up the day it is written on, so far; a morning digest
sums up the day before (what tomorrow is due is then the plan's "due today").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import TYPE_CHECKING

from mailflow import clock
from mailflow.config import Config
from mailflow.follow import DIGEST_TEMPLATE, Follower
from mailflow.follow.desk import daily_plan, outbox_fields
from mailflow.follow.digest import SECTION_NAMES, SECTIONS, summary_context
from mailflow.follow.summary import day_summary

if TYPE_CHECKING:
    from mailflow.desk import Desk
    from mailflow.store import Store

log = logging.getLogger("mailflow.follow")

EVENING = (12, 0)  # a digest at this local time or later sums up its own day


def digest_message_id(day: dt.date, address: str, domain: str) -> str:
    digest = hashlib.sha256(f"digest:{day.isoformat()}:{address.strip().lower()}".encode()).hexdigest()[:20]
    return f"mailflow.digest.{day:%Y%m%d}.{digest}@{domain}"


def _digest_time(config: Config) -> tuple[int, int]:
    assert config.digest is not None
    hour, minute = (int(x) for x in config.digest.time.split(":"))
    return hour, minute


def digest_due(config: Config, follower: Follower) -> bool:
    """Whether today's digest time has come, in the desk's time zone."""
    if config.digest is None or not config.digest.to:
        return False
    local = clock.now().astimezone(follower.zone or clock.local_zone())
    return (local.hour, local.minute) >= _digest_time(config)


def summed_up_day(config: Config, day: dt.date) -> dt.date:
    """The day whose summary the digest of `day` carries: its own in the evening, else the day before."""
    return day if _digest_time(config) >= EVENING else day - dt.timedelta(days=1)


def send_digests(desk: Desk, store: Store, day: dt.date | None = None) -> list[str]:
    """Today's plan and the day's summary to each `digest.to`, through the outbox; a recipient
    who has it already gets nothing more. Returns the addresses it was added for."""
    from mailflow.model import Action, Address
    from mailflow.reply.plan import Occasion, ReplyFacts, render_reply

    config = desk.config
    follower = store.follower
    if config.digest is None or follower is None:
        return []
    day = day or follower.today()
    zone = follower.zone or clock.zone(config.followup.timezone)
    action = Action("reply", {"template": DIGEST_TEMPLATE}, "digest")
    added: list[str] = []
    for recipient in config.digest.to:
        message_id = digest_message_id(day, recipient.address, config.identity.domain)
        if store.has_outbox_message(message_id):
            continue
        plan = daily_plan(store, config, day, recipient.owner)  # an owner not in users: is refused here
        person = config.user(recipient.owner) if recipient.owner else None
        summary = day_summary(store, config, summed_up_day(config, day), zone, person)
        names = SECTION_NAMES.get(recipient.language, SECTION_NAMES["en"])
        context = {"company": config.identity.company, "date": day.isoformat(), "owner": recipient.owner or "",
                   "plan": plan, "sections": [(key, names[key], plan[key]) for key in SECTIONS],
                   "counts": {key: len(plan[key]) for key in SECTIONS},
                   **summary_context(summary, recipient.language)}
        whose = f" ({recipient.owner})" if recipient.owner else ""
        subjects = {"zh": f"{config.identity.company}: 今日跟单计划 {day.isoformat()}{whose}",
                    "en": f"{config.identity.company}: the plan for {day.isoformat()}{whose}"}
        reply = render_reply(None, action, ReplyFacts(), desk.planner, Occasion(
            message_id=message_id, context=context, language=recipient.language,
            to=(Address("", recipient.address),), subjects=subjects, when=clock.now()))
        if store.add_own_mail({**outbox_fields(reply), "answers_id": None, "order_id": None,
                               "revision_key": f"digest:{day.isoformat()}", "order_version": 0}):
            added.append(recipient.address)
            log.info("digest queued for %s (%s)", recipient.address, day.isoformat())
    return added
