"""The manager's sign-off before production (company rule), and the margin rule: an order whose
margin is under `approval.margin_floor`, or whose margin cannot be computed from the cost file,
is signed by the general manager. Who may sign is the policy's (`policy.py`); a person is found
in `users:` or among the web desk's users, and nobody unknown acts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mailflow.config import Config, User
from mailflow.errors import MailflowError, NotFound
from mailflow.follow import money
from mailflow.policy import Person, Refused, refuse

if TYPE_CHECKING:
    from mailflow.follow.order import Followed
    from mailflow.store import Store

SIGNERS = ("manager", "general_manager")


NotAllowed = Refused  # the name this error had before the policy module


def find_user(config: Config, store: Store, name: str) -> User | None:
    """A person by name: one of `users:` in the config, else a web desk user who is not
    disabled (`mailflow user add`)."""
    user = config.user(name)
    if user is not None:
        return user
    from sqlalchemy import func, select

    from mailflow.store.db import UserRow

    with store.sessions() as session:
        row = session.scalar(select(UserRow).where(func.lower(UserRow.name) == name.strip().lower(),
                                                   UserRow.disabled.is_(False)))
    return User(name=row.name, role=row.role) if row is not None else None  # type: ignore[arg-type]


def order_margin(config: Config, data: dict[str, Any]) -> money.Margin | None:
    """The order's margin by its lines; None when no cost file is configured."""
    if config.approval.costs is None:
        return None
    costs = money.load_costs(config.resolve(config.approval.costs))
    rates = {k.upper(): Decimal(v) for k, v in config.approval.rates.items()}
    currency = str(data.get("currency") or "").upper()
    if currency and currency not in rates and all(c.currency in ("", currency) for c in costs.values()):
        rates[currency] = Decimal(1)  # one currency throughout: no rate needed
    return money.margin(data.get("lines") or [], currency, costs, rates)


def who_must_sign(config: Config, data: dict[str, Any]) -> tuple[str, str, money.Margin | None]:
    """(role, why, margin): the general manager when the margin is under the floor or unknown."""
    margin = order_margin(config, data)
    floor = config.approval.margin_floor
    if margin is None:
        return "manager", "no cost file (approval.costs): the margin is not checked", None
    if margin.percent is None:
        return "general_manager", margin.describe() + " — the general manager signs what cannot be checked", margin
    if margin.percent < floor:
        return "general_manager", f"margin {margin.percent:.2f} % is under the floor of {floor} %", margin
    return "manager", f"margin {margin.percent:.2f} % (floor {floor} %)", margin


def approve(store: Store, config: Config, number: str, person: Person, note: str = "") -> tuple[Followed, str]:
    """Record the sign-off by `person`, or refuse with the reason (`policy.Refused`: a role that
    does not sign, a margin that needs the general manager). The store asks the policy, inside
    the transaction that writes, with the signer the margin rule names here."""
    row = store.find_order(number)
    if row is None:
        raise NotFound(f"no order {number!r}")
    role, why, margin = who_must_sign(config, dict(row.data or {}))
    follower = store.follower
    plan = follower.plan(row.plan) if follower and row.plan else None
    if plan is None:  # not followed yet: its plan chosen now (the store asks the policy as it signs)
        followed = store.follow_order(row.id)
        plan = follower.plan(followed.plan) if followed and follower else None
    key = next((m.key for m in plan.milestones if m.signoff), None) if plan else None
    if key is None:
        raise MailflowError(f"order {row.number} follows " + (f"plan {plan.name}, which has no sign-off"
                                                              if plan else "no plan"))
    detail = {"role": person.role, "margin": str(margin.percent) if margin and margin.percent is not None else None,
              "floor": str(config.approval.margin_floor), "why": why}
    return store.complete(row.folder, key, person, note, how="signoff", detail=detail, signer=(role, why)), why


def resolve(config: Config, store: Store, name: str) -> Person:
    """The person acting as `name` (`--as`): one of `users:`, else a web desk user; refused
    (`policy.Refused`) when nobody of that name is known, so nobody acts as a stranger."""
    user = config.user(name) if name.strip() else None
    if user is not None:
        return Person(user.name, user.role)
    row = _web_user(store, name) if name.strip() else None
    if row is not None:  # the role as stored: one this version does not know is refused by the policy
        return Person(row.name, row.role)
    if not config.users and not _web_users(store):
        raise Refused(refuse("no_users", f"this desk knows nobody to act as {name!r}: add users: to {config.file} "
                             "(each person's name and role: merchandiser, manager, general_manager, "
                             "accounts), or web desk users (`mailflow user add`)", name=name))
    raise Refused(refuse("unknown_person", f"{name!r} is not one of users: in {config.file} nor a user of the "
                         "web desk: nobody unknown acts on this desk", name=name))


def _web_user(store: Store, name: str) -> Any:
    from sqlalchemy import func, select

    from mailflow.store.db import UserRow

    with store.sessions() as session:
        return session.scalar(select(UserRow).where(func.lower(UserRow.name) == name.strip().lower(),
                                                    UserRow.disabled.is_(False)))


def _web_users(store: Store) -> bool:
    from sqlalchemy import select

    from mailflow.store.db import UserRow

    with store.sessions() as session:
        return session.scalar(select(UserRow.id).where(UserRow.disabled.is_(False)).limit(1)) is not None
