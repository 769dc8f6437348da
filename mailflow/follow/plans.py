"""Follow-up plans: `rules/followup/*.yaml`, one plan per file, as a merchandiser's
time-and-action calendar. Which plan an order follows is chosen by a condition on the order (the
first file, by name, whose `when` holds); a plan without `when` takes any order.

    name: tt-order
    names: {en: T/T order, zh: 电汇订单}
    when: "'T/T' in (order.payment_terms or '')"
    milestones:
      - key: pi_countersigned
        names: {en: P/I countersigned, zh: 形式发票回签}
        done_by: {documents: [pi_countersigned], from: buyer}
        due: {after: pi_sent, days: 5}
        requires: [pi_sent]
        owner: merchandiser
        chaser: {template: chase_pi, to: buyer, every_days: 3}

A plan is for one kind of order (`kind: sale`, the default, or `kind: purchase`: our P/O to a
supplier); a sales plan never applies to a purchase order, nor the other way round.

A milestone is done by evidence (`documents` of a kind from a party, a `payment` covering the
deposit or the balance; `from` names one party, a list of them, or a party per kind:
`from: {bl_original: forwarder}`, the kinds it does not name from anyone), by the manager's sign-off (`signoff: true`), or by hand (`hand: true`,
`mailflow order done`). Its due date is an anchor ± days: an order date (po_date, pi_date,
delivery_date, etd, eta, bl_date, lc_expiry, lc_latest_shipment, or opened: the day of its first mail) or another milestone's completion;
`otherwise:` gives the rule counted while that is not known (`{after: etd, days: 2, otherwise: {after: booking,
days: 5}}`: from the ETD once a booking confirmation or a shipping advice gives one, from the booking until then).
Errors name the file, the line and the field, as rule errors do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailflow.documents import NAMES as DOCUMENT_NAMES
from mailflow.errors import RuleError
from mailflow.expressions import compile_order_expression
from mailflow.yamlfile import LineList, Where, load_yaml, where_in

ANCHORS = ("opened", "po_date", "pi_date", "delivery_date", "etd", "eta", "bl_date", "lc_expiry", "lc_latest_shipment")
ANCHOR_NAMES = {"opened": "day the order opened", "po_date": "PO date", "pi_date": "P/I date", "delivery_date": "delivery date",
                "etd": "ETD", "eta": "ETA", "bl_date": "B/L date", "lc_expiry": "L/C expiry",
                "lc_latest_shipment": "L/C latest shipment date"}
ROLES = ("merchandiser", "manager", "general_manager", "accounts")
PARTIES = ("buyer", "us", "forwarder", "bank", "supplier", "agency", "any")
PAYMENTS = ("deposit", "balance", "full")
CHASE_PARTIES = ("buyer", "forwarder", "bank", "supplier", "agency")  # a chaser goes to the party that owes
ORDER_KINDS = ("sale", "purchase")
DOCUMENT_KINDS = tuple(DOCUMENT_NAMES)
MAX_MILESTONES = 60
_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(frozen=True)
class Due:
    """`days` after (or before, negative) an anchor date or a milestone's completion."""

    anchor: str
    days: int
    otherwise: Due | None = None  # counted instead while the anchor is not known (no ETD yet: the booking)

    def chain(self) -> tuple[Due, ...]:
        """This rule and those it falls back on, in turn."""
        return (self, *(self.otherwise.chain() if self.otherwise else ()))

    def describe(self) -> str:
        name = ANCHOR_NAMES.get(self.anchor, self.anchor)
        if self.days == 0:
            return f"on the {name}" if self.anchor in ANCHORS else f"when {name} is done"
        side = "after" if self.days > 0 else "before"
        return f"{abs(self.days)} days {side} {name}"


@dataclass(frozen=True)
class Chaser:
    template: str
    to: str = "buyer"
    every_days: int = 3
    attach: str = ""  # "packing_list": the packing list goes with it
    hold: bool = True  # a person approves each chaser unless the plan says otherwise


@dataclass(frozen=True)
class OnFile:
    """A mail of the order as a chaser sees it: who sent it, and whether it is in a complaint's
    thread."""

    ref: Any  # what the caller answers with (the store's row)
    party: str
    in_case: bool = False
    to: tuple[str, ...] = ()  # our own mail's: the addresses of the party it went to


def chase_route(chaser: Chaser, mails: Sequence[OnFile], ours: Sequence[OnFile] = ()) -> tuple[list[OnFile], str]:
    """The mail a chaser may answer, best first, or why there is none. A chaser goes to the
    party that owes the milestone (`chaser.to`) by answering that party's own mail: never to
    another party instead (a supplier's confirmation is not chased from the buyer). While that
    party has not written, it answers our own last mail to it (our P/O to a silent supplier),
    addressed to those of its recipients who are of that party (`ours`: our mail, newest first,
    `to` holding them). A complaint's thread is answered only when there is no other: a chaser
    for money does not go there. `mails`: the order's incoming mail, newest first."""
    theirs = [m for m in mails if m.party == chaser.to]
    if not theirs:
        theirs = [m for m in ours if m.to]
    if not theirs:
        return [], (f"no mail from the {chaser.to} on this order to answer, nor ours to it: the chaser waits "
                    f"until the {chaser.to} writes (it is never sent to another party)")
    return [m for m in theirs if not m.in_case] + [m for m in theirs if m.in_case], ""


@dataclass(frozen=True)
class Milestone:
    key: str
    names: dict[str, str]
    owner: str = "merchandiser"
    documents: tuple[str, ...] = ()  # done by a filed document of one of these kinds...
    parties: tuple[str, ...] = ("any",)  # ...sent by one of these parties...
    by_kind: tuple[tuple[str, tuple[str, ...]], ...] = ()  # ...or, for these kinds, by these parties
    all_documents: bool = False  # every kind listed, not any one
    payment: str = ""  # deposit | balance | full: done when payments cover it
    signoff: bool = False  # done by `mailflow order approve` only
    hand: bool = False  # done by `mailflow order done` (also allowed for evidence milestones)
    due: tuple[Due, ...] = ()  # the earliest of these
    requires: tuple[str, ...] = ()
    chaser: Chaser | None = None
    line: int | None = None

    def name(self, language: str = "en") -> str:
        return self.names.get(language) or self.names.get("en") or self.key.replace("_", " ")

    def accepts(self, kind: str, party: str) -> bool:
        """Whether a document of this kind from this party is the milestone's evidence."""
        if kind not in self.documents:
            return False
        allowed = dict(self.by_kind).get(kind, self.parties)
        return "any" in allowed or party in allowed

    def done_by_words(self) -> str:
        if self.signoff:
            return "the manager's sign-off (mailflow order approve)"
        if self.payment:
            return f"payments covering the {self.payment}"
        if self.documents:
            by_kind = dict(self.by_kind)
            kinds = (" and " if self.all_documents else " or ").join(
                DOCUMENT_NAMES.get(k, k) + (f" from {' or '.join(by_kind[k])}" if k in by_kind else "")
                for k in self.documents)
            return kinds + ("" if "any" in self.parties else f" from {' or '.join(self.parties)}")
        return "by hand (mailflow order done)"


@dataclass(frozen=True)
class Plan:
    name: str
    names: dict[str, str]
    milestones: tuple[Milestone, ...]
    file: Path
    kind: str = "sale"  # the kind of order it is for
    when_text: str = ""
    when: Callable[..., Any] | None = None
    chase_templates: tuple[str, ...] = field(default=())

    def milestone(self, key: str) -> Milestone | None:
        return next((m for m in self.milestones if m.key == key), None)

    def title(self, language: str = "en") -> str:
        return self.names.get(language) or self.names.get("en") or self.name


def _names(node: Any, where: Where, fallback: str) -> dict[str, str]:
    if node is None:
        return {"en": fallback}
    if isinstance(node, str):
        return {"en": node}
    if not isinstance(node, dict) or not all(isinstance(v, str) for v in node.values()):
        raise where.error("names is a mapping of language to name, e.g. {en: Deposit received, zh: 定金到账}",
                          "names")
    unknown = [k for k in node if k not in ("en", "zh")]
    if unknown:
        raise where.error(f"unknown language {unknown[0]!r} (en, zh)", "names")
    return {str(k): str(v) for k, v in node.items()}


def _strings(node: Any, where: Where, field_name: str) -> tuple[str, ...]:
    if isinstance(node, str):
        return (node,)
    if isinstance(node, list) and all(isinstance(v, str) for v in node):
        return tuple(node)
    raise where.error("expected a name or a list of names", field_name)


def _int(node: Any, where: Where, field_name: str, low: int, high: int) -> int:
    if isinstance(node, bool) or not isinstance(node, int) or not low <= node <= high:
        raise where.error(f"expected a whole number from {low} to {high}", field_name)
    return node


_MILESTONE_KEYS = {"key", "names", "done_by", "due", "owner", "requires", "chaser", "description"}
_DONE_KEYS = {"documents", "from", "all", "payment", "signoff", "hand"}
_DUE_KEYS = {"after", "before", "days", "otherwise"}
_CHASER_KEYS = {"template", "to", "every_days", "attach", "hold"}


def _due(node: Any, where: Where, path: str) -> Due:
    if not isinstance(node, dict):
        raise where.error("due is {after: ANCHOR, days: N} or {before: ANCHOR, days: N}", path)
    for key in node:
        if key not in _DUE_KEYS:
            raise where_in(node, where.file, where.line, key).error(
                f"unknown key {key!r} (after, before, days, otherwise)", f"{path}.{key}")
    sides = [k for k in ("after", "before") if k in node]
    if len(sides) != 1 or not isinstance(node[sides[0]], str):
        raise where.error("give one of after: or before: with an anchor", path)
    days = _int(node.get("days", 0), where_in(node, where.file, where.line, "days"), f"{path}.days", 0, 3650)
    otherwise = None
    if "otherwise" in node:
        otherwise = _due(node["otherwise"], where_in(node, where.file, where.line, "otherwise"), f"{path}.otherwise")
    return Due(str(node[sides[0]]), days if sides[0] == "after" else -days, otherwise)


def _milestone(node: Any, where: Where, keys_before: set[str]) -> Milestone:
    if not isinstance(node, dict):
        raise where.error("a milestone is a mapping with key, names, done_by, due, owner")
    for key in node:
        if key not in _MILESTONE_KEYS:
            raise where_in(node, where.file, where.line, key).error(
                f"unknown milestone key {key!r} (use {', '.join(sorted(_MILESTONE_KEYS))})", str(key))
    key = node.get("key")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise where.error("every milestone needs a key: a lower-case word such as deposit or bl_draft", "key")
    if key in keys_before:
        raise where_in(node, where.file, where.line, "key").error(f"milestone {key!r} is listed twice", "key")
    def at(name: str) -> Where:
        return where_in(node, where.file, where.line, name)

    names = _names(node.get("names"), at("names"), key.replace("_", " "))
    owner = node.get("owner", "merchandiser")
    if owner not in ROLES:
        raise at("owner").error(f"owner is one of {', '.join(ROLES)}", "owner")
    done = node.get("done_by", {"hand": True})
    if not isinstance(done, dict):
        raise at("done_by").error("done_by is a mapping: documents/from, payment, signoff or hand", "done_by")
    for dkey in done:
        if dkey not in _DONE_KEYS:
            raise where_in(done, where.file, at("done_by").line, dkey).error(
                f"unknown key {dkey!r} (use {', '.join(sorted(_DONE_KEYS))})", f"done_by.{dkey}")
    dwhere = Where(where.file, at("done_by").line)
    kinds = _strings(done["documents"], dwhere, "done_by.documents") if "documents" in done else ()
    for kind in kinds:
        if kind not in DOCUMENT_KINDS:
            raise dwhere.error(f"unknown document type {kind!r} (one of {', '.join(DOCUMENT_KINDS)})",
                               "done_by.documents")
    parties, by_kind = _from(done.get("from", "any"), kinds, dwhere)
    payment = done.get("payment", "")
    if payment and payment not in PAYMENTS:
        raise dwhere.error(f"payment is one of {', '.join(PAYMENTS)}", "done_by.payment")
    signoff = done.get("signoff", False) is True
    hand = done.get("hand", False) is True or not (kinds or payment or signoff)
    if sum(bool(x) for x in (kinds, payment, signoff)) > 1:
        raise dwhere.error("a milestone is done by documents, a payment or the sign-off: give one", "done_by")
    dues: list[Due] = []
    if "due" in node:
        raw = node["due"]
        items = raw if isinstance(raw, list) else [raw]
        for i, item in enumerate(items[:5]):
            line = raw.item_lines[i] if isinstance(raw, LineList) else at("due").line
            dues.append(_due(item, Where(where.file, line), "due"))
    requires = _strings(node.get("requires", []), at("requires"), "requires") if "requires" in node else ()
    chaser = None
    if "chaser" in node:
        cnode = node["chaser"]
        cwhere = at("chaser")
        if not isinstance(cnode, dict) or not isinstance(cnode.get("template"), str):
            raise cwhere.error("chaser is a mapping with a template (and to, every_days, attach, hold)", "chaser")
        for ckey in cnode:
            if ckey not in _CHASER_KEYS:
                raise where_in(cnode, where.file, cwhere.line, ckey).error(
                    f"unknown key {ckey!r} (use {', '.join(sorted(_CHASER_KEYS))})", f"chaser.{ckey}")
        to = cnode.get("to", "buyer")
        if to not in CHASE_PARTIES:
            raise cwhere.error(f"chaser.to is one of {', '.join(CHASE_PARTIES)}", "chaser.to")
        attach = cnode.get("attach", "")
        if attach not in ("", "packing_list"):
            raise cwhere.error("chaser.attach is packing_list (or nothing)", "chaser.attach")
        hold = cnode.get("hold", True)
        if not isinstance(hold, bool):
            raise cwhere.error("chaser.hold takes true or false", "chaser.hold")
        chaser = Chaser(cnode["template"], to, _int(cnode.get("every_days", 3), cwhere, "chaser.every_days", 1, 365),
                        attach, hold)
    return Milestone(key=key, names=names, owner=owner, documents=kinds, parties=parties, by_kind=by_kind,
                     all_documents=done.get("all", False) is True, payment=payment, signoff=signoff,
                     hand=hand, due=tuple(dues), requires=requires, chaser=chaser, line=where.line)


def _from(node: Any, kinds: tuple[str, ...],
          where: Where) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """`from:` as (the parties for every kind, the parties of the kinds named one by one): a
    party, a list of parties, or a mapping of kind to parties (the kinds it leaves out are
    from anyone)."""
    def parties(value: Any) -> tuple[str, ...]:
        names = _strings(value, where, "done_by.from")
        for name in names:
            if name not in PARTIES:
                raise where.error(f"from is one of {', '.join(PARTIES)}", "done_by.from")
        return names

    if isinstance(node, dict):
        for kind in node:
            if kind not in kinds:
                raise where.error(f"from names {kind!r}, which is not one of this milestone's documents",
                                  "done_by.from")
        return ("any",), tuple((str(kind), parties(value)) for kind, value in node.items())
    return parties(node), ()


def load_plan(file: Path) -> Plan:
    data = load_yaml(file, RuleError)
    where = Where(file, getattr(data, "line", 1))
    if not isinstance(data, dict):
        raise where.error("a follow-up plan is a mapping with name, when and milestones")
    for key in data:
        if key not in ("name", "names", "kind", "when", "milestones", "description"):
            raise where_in(data, file, 1, key).error(
                f"unknown plan key {key!r} (name, names, kind, when, milestones, description)", str(key))
    kind = data.get("kind", "sale")
    if kind not in ORDER_KINDS:
        raise where_in(data, file, 1, "kind").error(f"kind is one of {', '.join(ORDER_KINDS)}", "kind")
    name = data.get("name")
    if not isinstance(name, str) or not _KEY.fullmatch(name.replace("-", "_")):
        raise where_in(data, file, 1, "name").error("every plan needs a name such as tt-order", "name")
    when_text = data.get("when")
    when = None
    if when_text is not None:
        when = compile_order_expression(when_text, where_in(data, file, 1, "when"), "when")
    items = data.get("milestones")
    if not isinstance(items, list) or not items:
        raise where_in(data, file, 1, "milestones").error("a plan needs a list of milestones", "milestones")
    if len(items) > MAX_MILESTONES:
        raise where_in(data, file, 1, "milestones").error(f"at most {MAX_MILESTONES} milestones", "milestones")
    milestones: list[Milestone] = []
    for i, node in enumerate(items):
        line = items.item_lines[i] if isinstance(items, LineList) else None
        milestones.append(_milestone(node, Where(file, line), {m.key for m in milestones}))
    keys = {m.key for m in milestones}
    for m in milestones:
        mwhere = Where(file, m.line)
        for required in m.requires:
            if required not in keys:
                raise mwhere.error(f"requires {required!r}, which is not a milestone of this plan", "requires")
        for due in (link for rule in m.due for link in rule.chain()):
            if due.anchor not in ANCHORS and due.anchor not in keys:
                raise mwhere.error(f"due anchor {due.anchor!r} is neither a date ({', '.join(ANCHORS)}) "
                                   "nor a milestone of this plan", "due")
            if due.anchor == m.key:
                raise mwhere.error("a milestone cannot be due after itself", "due")
    _no_cycles(milestones, file)
    return Plan(name=name, names=_names(data.get("names"), where_in(data, file, 1, "names"), name),
                milestones=tuple(milestones), file=file, kind=kind, when_text=str(when_text or ""), when=when,
                chase_templates=tuple(sorted({m.chaser.template for m in milestones if m.chaser})))


def _no_cycles(milestones: Sequence[Milestone], file: Path) -> None:
    """`requires` and milestone anchors must not go round: a due date that waits on itself."""
    edges = {m.key: {*m.requires, *(link.anchor for d in m.due for link in d.chain() if link.anchor not in ANCHORS)}
             for m in milestones}
    state: dict[str, int] = {}

    def visit(key: str, path: list[str]) -> None:
        if state.get(key) == 2:
            return
        if state.get(key) == 1:
            cycle = path[path.index(key):] + [key]
            line = next((m.line for m in milestones if m.key == key), None)
            raise RuleError(f"milestones wait on each other in a circle: {' -> '.join(cycle)}", file, line, "requires")
        state[key] = 1
        for nxt in sorted(edges.get(key, ())):
            visit(nxt, [*path, key])
        state[key] = 2

    for m in milestones:
        visit(m.key, [])


def load_plans(directory: Path) -> tuple[Plan, ...]:
    """Every plan in the folder, in file-name order (the first whose `when` holds is chosen).
    A desk without the folder follows no plan."""
    if not directory.is_dir():
        return ()
    plans: list[Plan] = []
    for file in sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()):
        plan = load_plan(file)
        if any(p.name == plan.name for p in plans):
            raise RuleError(f"plan name {plan.name!r} is used twice", file, 1, "name")
        plans.append(plan)
    return tuple(plans)
