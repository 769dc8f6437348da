"""The home page: the day's plan, built by `follow.desk.daily_plan` as `mailflow plan --json`
gives it (a manager sees everyone's, anyone else their own), milestones named in the reader's
language, each item with its owner. Approvals the reader may not give are listed apart, as
waiting for the manager, with no action; a complaint is listed once, as its case (its mail is
not listed again as unfiled)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from mailflow import policy, views
from mailflow.config import Config
from mailflow.follow.desk import assigned_merchandiser
from mailflow.store import Store
from mailflow.web import lookups
from mailflow.web.auth import as_user
from mailflow.web.render import page
from mailflow.web.security import Caller, acting, logged_in
from mailflow.web.state import desk_of

# items of each section on the page (the CLI's plan reads 500): at 100,000 messages a page of
# 500 overdue milestones, 500 held replies, ... took 0.8 s to read and render (bench/web.py)
SHOWN = 100


@logged_in
def home(request: Request, caller: Caller) -> Response:
    from mailflow.follow.desk import daily_plan
    from mailflow.follow.digest import SECTIONS

    web = desk_of(request)
    person = caller.person
    plan = daily_plan(web.store, web.config, views.today(web.store),
                      person=None if person.manager else as_user(person), limit=SHOWN)
    for key in SECTIONS:
        views.milestone_names(web.store, plan[key], person.language, key="milestone")
        for item in plan[key]:  # the milestones it waits for, by their names
            waited = [{"milestone": k, "plan": item.get("plan")} for k in item.get("waiting_for") or []]
            views.milestone_names(web.store, waited, person.language, key="milestone")
            item["waiting_names"] = [w.get("name") or w["milestone"] for w in waited]
    plan["waiting_for_approval"], plan["waiting_for_manager"] = _approvals(web.store, acting(caller),
                                                                          plan["waiting_for_approval"])
    cased = lookups.in_open_cases(web.store, [i["message_id"] for i in plan["unfiled"] if i.get("message_id")])
    plan["unfiled"] = [i for i in plan["unfiled"] if i.get("message_id") not in cased]
    for key in (*SECTIONS, "waiting_for_manager"):
        for item in plan[key]:
            item["owner_is"] = _owner(web.config, key, item)
    apart = [] if person.manager else ["waiting_for_manager"]
    sections = [*SECTIONS[:SECTIONS.index("waiting_for_approval") + 1], *apart,
                *SECTIONS[SECTIONS.index("waiting_for_approval") + 1:]]
    may_close = policy.check(acting(caller), policy.Action.CLOSE_CASE, policy.Thing("a complaint case")).allowed
    return page(request, "plan.html", person=person, csrf=caller.csrf, plan=plan, sections=sections,
                may_close=may_close)


def _approvals(store: Store, person: policy.Person, items: list[dict[str, Any]]
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The approvals waiting, split in two: those `person` may give, and those they may not
    (a held reply whose hold names a manager, a manager's sign-off), each with its approver."""
    held = lookups.approvers(store, [i["reply"] for i in items if i.get("reply")])
    mine: list[dict[str, Any]] = []
    theirs: list[dict[str, Any]] = []
    for item in items:
        if item.get("reply"):
            approver = held.get(item["reply"])
            item["approver"] = approver or ""
            subject: policy.Subject = policy.Reply(item["reply"], item.get("template") or "", approver)
            allowed = policy.check(person, policy.Action.APPROVE_REPLY, subject).allowed
        else:  # a sign-off: the plan lists them to managers only
            item["approver"] = "manager"
            allowed = person.role in ("manager", "general_manager")
        (mine if allowed else theirs).append(item)
    return mine, theirs


def _owner(config: Config, section: str, item: dict[str, Any]) -> tuple[str, str]:
    """Who an item is for, as (role, name): a milestone's owner (the merchandiser assigned to
    its buyer by name), an approval's approver, money for accounts; ("", "") for what anyone
    at the desk may take."""
    role = item.get("owner") or ""
    if section in ("waiting_for_approval", "waiting_for_manager"):
        role = item.get("approver") or ""
    elif section == "money_outstanding":
        role = "accounts"
    elif section in ("waiting_on_buyer", "unanswered_inquiries"):
        role = "merchandiser"
    name = ""
    if role == "merchandiser" and item.get("buyer"):
        name = assigned_merchandiser(config, item["buyer"])
    return role, name
