"""The home page: the day's plan, built by `follow.desk.daily_plan` as `mailflow plan --json`
gives it (a manager sees everyone's, anyone else their own), milestones named in the reader's
language."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from mailflow import policy, views
from mailflow.web.render import page
from mailflow.web.security import Caller, acting, as_user, logged_in
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
    may_close = policy.check(acting(caller), policy.Action.CLOSE_CASE, policy.Thing("a complaint case")).allowed
    return page(request, "plan.html", person=person, csrf=caller.csrf, plan=plan, sections=SECTIONS,
                may_close=may_close)
