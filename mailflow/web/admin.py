"""The desk's upkeep: quarantined mail (`views.quarantine_list`, as `quarantine list --json`)
and retrying it, the rule files and their preview over the archive."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from mailflow import views
from mailflow.errors import MailflowError
from mailflow.web.i18n import translate
from mailflow.web.messages import archived, streamed
from mailflow.web.render import back, page
from mailflow.web.security import Caller, acting, logged_in, posted
from mailflow.web.state import desk_of

RAW_SHOWN = 2_000_000  # bytes of a quarantined mail shown on its page
LISTED = 500  # quarantined mails on the page: the oldest, which have waited longest


@logged_in
def quarantine_page(request: Request, caller: Caller) -> Response:
    return page(request, "quarantine.html", person=caller.person, csrf=caller.csrf,
                rows=views.quarantine_list(desk_of(request).store, limit=LISTED))


@logged_in
def quarantined_page(request: Request, caller: Caller) -> Response:
    """One quarantined mail: why, its headers and the mail as it came, all as text (escaped by
    the template, never read as HTML); the raw bytes read as UTF-8 with what cannot be read
    replaced, the first 2 MB."""
    store = desk_of(request).store
    row = store.quarantined_row(request.path_params["id"])
    text = archived(store, row.path, caller)[:RAW_SHOWN].decode("utf-8", errors="replace")
    head = text.replace("\r\n", "\n").split("\n\n", 1)[0]
    headers = [line for line in head.split("\n")[:200]]
    return page(request, "quarantined.html", person=caller.person, csrf=caller.csrf, row=row, headers=headers,
                raw=text, cut=row.size > RAW_SHOWN)


@logged_in
def quarantined_raw(request: Request, caller: Caller) -> Response:
    """The quarantined mail's bytes as a plain-text download, never rendered."""
    store = desk_of(request).store
    row = store.quarantined_row(request.path_params["id"])
    return StreamingResponse(streamed(store, row.path, caller), media_type="text/plain; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{row.sha256[:16]}.eml"'})


@posted
def quarantine_retry(request: Request, caller: Caller, form: dict[str, str]) -> Response:
    from mailflow import policy
    from mailflow.desk import load_desk
    from mailflow.pipeline import retry_quarantined

    web = desk_of(request)
    person = acting(caller)
    policy.require(person, policy.Action.RETRY_QUARANTINE, policy.Thing("the quarantine"))  # before the workers start
    desk = load_desk(web.config)
    try:
        results = retry_quarantined(desk, web.store, person)
    finally:
        desk.close()
    filed = sum(1 for r in results if r.resolved)
    return back("/quarantine", said=translate(caller.person.language, "retried", filed=filed, total=len(results)))


@logged_in
def rules_page(request: Request, caller: Caller) -> Response:
    """The rules as a list (name, category, what each matches, held or not, how many mails it
    decided), the files as they are folded beneath; with ?preview=1, what they would decide for
    the archive's mail."""
    from mailflow.web.lookups import rule_counts
    from mailflow.web.rulelist import rule_files, rule_lines

    web = desk_of(request)
    files = rule_files(web.config.rules_dir)
    rules, unreadable = rule_lines(files, rule_counts(web.store), caller.person.language)
    preview, problem, status = None, None, 200
    if request.query_params.get("preview"):
        from mailflow.web import rulepreview

        try:
            preview = rulepreview.preview(web.config)
        except rulepreview.Busy:  # one at a time: ask again when it is done
            problem, status = ("preview_busy", ""), 503
        except MailflowError as exc:  # a rule file that cannot be loaded, a preview stopped: said why
            problem = ("preview_failed", str(exc))
    return page(request, "rules.html", status, person=caller.person, csrf=caller.csrf, files=files, preview=preview,
                preview_problem=problem, rules=rules, unreadable=unreadable)
