"""The statements asked of every mail, run on SQLite's own driver.

A Core statement reused from SQLAlchemy's compiled cache still costs some 20-40 µs a run in
SQLAlchemy itself (the execution context, the result, the events), and one with an expanding
`IN` is rendered anew each run; the work SQLite does for the same one-row SELECT is 2 µs
(`bench/imap_ingest.py`: a plain mail asks about ten). `Direct` keeps the statement as it is
written in Core and compiles it once per dialect and per set of parameter names; on SQLite it
then hands the compiled SQL and the values straight to the driver's cursor, on the connection's
transaction, as SQLAlchemy would have handed them:

- each value goes through its column type's own bind processor (JSON, timestamps);
- a column left out of an INSERT or UPDATE gets its Python-side default, as Core gives it;
- a value bound in the statement (a LIMIT's) is taken from the statement;
- an expanding `IN` is written out with one placeholder per value.

Rows come back as the driver's tuples, so a statement whose result columns need processing
(JSON, timestamps) is refused when it is first run. On any other database `Direct` runs the
statement through SQLAlchemy as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, Insert, Select, Update
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter

_PARAM, _EXPAND, _DEFAULT, _BOUND = range(4)


class _Step(NamedTuple):
    name: str
    how: int  # _PARAM, _EXPAND, _DEFAULT or _BOUND
    process: Callable[[Any], Any] | None
    value: Any  # _DEFAULT: the column's default; _BOUND: the value in the statement


class _Plan(NamedTuple):
    sql: str
    steps: tuple[_Step, ...]


class Direct:
    """One Core statement, run on SQLite's driver (see the module's text), else by SQLAlchemy."""

    def __init__(self, statement: Select[*tuple[Any, ...]] | Insert | Update) -> None:
        self.statement = statement
        self._writes = isinstance(statement, (Insert, Update))
        self._plans: dict[tuple[Any, ...], _Plan] = {}
        self._expanding = tuple(e.key for e in visitors.iterate(statement)
                                if isinstance(e, BindParameter) and e.expanding)

    # --- what callers ask --------------------------------------------------------------------

    def all(self, conn: Connection, params: Mapping[str, Any] | None = None) -> list[Sequence[Any]]:
        if conn.dialect.name != "sqlite":
            return list(conn.execute(self.statement, dict(params or {})).all())
        return self._run(conn, params or {}).fetchall()  # type: ignore[no-any-return]

    def first(self, conn: Connection, params: Mapping[str, Any] | None = None) -> Sequence[Any] | None:
        if conn.dialect.name != "sqlite":
            return conn.execute(self.statement, dict(params or {})).first()
        return self._run(conn, params or {}).fetchone()  # type: ignore[no-any-return]

    def scalar(self, conn: Connection, params: Mapping[str, Any] | None = None) -> Any:
        row = self.first(conn, params)
        return row[0] if row is not None else None

    def scalars(self, conn: Connection, params: Mapping[str, Any] | None = None) -> list[Any]:
        return [row[0] for row in self.all(conn, params)]

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> None:
        """A statement that returns no rows (an UPDATE)."""
        if conn.dialect.name != "sqlite":
            conn.execute(self.statement, dict(params))
        else:
            self._run(conn, params)

    def insert(self, conn: Connection, params: Mapping[str, Any]) -> int:
        """An INSERT of one row: its new primary key."""
        if conn.dialect.name != "sqlite":
            return conn.execute(self.statement, dict(params)).inserted_primary_key[0]  # type: ignore[index,no-any-return]
        return self._run(conn, params).lastrowid  # type: ignore[no-any-return]

    def insert_many(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """An INSERT of several rows (each with the same names), no keys returned."""
        if not rows:
            return
        if conn.dialect.name != "sqlite":
            conn.execute(self.statement, [dict(r) for r in rows])
            return
        plan = self._plan(conn.dialect, rows[0])
        on_driver(conn, "executemany", plan.sql, [_values(plan, r) for r in rows])

    # --- on SQLite ---------------------------------------------------------------------------

    def _run(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        plan = self._plan(conn.dialect, params)
        return on_driver(conn, "execute", plan.sql, _values(plan, params))

    def _plan(self, dialect: Dialect, params: Mapping[str, Any]) -> _Plan:
        """The statement's plan for these names (as the caller writes them, in its order) and,
        for an expanding `IN`, the number of its values."""
        key = (tuple(params), tuple(len(params[name]) for name in self._expanding))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._compile(dialect, params)
        return plan

    def _compile(self, dialect: Dialect, params: Mapping[str, Any]) -> _Plan:
        compiled = self.statement.compile(dialect=dialect, column_keys=list(params) if self._writes else None)
        for column in getattr(self.statement, "selected_columns", ()):
            if column.type.dialect_impl(dialect).result_processor(dialect, None) is not None:
                raise TypeError(f"Direct returns the driver's rows: the column {column} needs SQLAlchemy's "
                                "processing; run this statement through SQLAlchemy")
        defaults = {c.key: c.default if c in compiled.insert_prefetch else c.onupdate
                    for c in (*compiled.insert_prefetch, *compiled.update_prefetch)}
        sql, steps = compiled.string, []
        for name in compiled.positiontup or ():
            bind = compiled.binds[name]
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)  # as SQLAlchemy's
            if bind.expanding:
                values = params[name]
                if not values:
                    raise ValueError(f"Direct: the list {name!r} is empty")
                sql = sql.replace(f"__[POSTCOMPILE_{name}]", ", ".join("?" * len(values)), 1)
                steps.append(_Step(name, _EXPAND, process, None))
            elif name in params:
                steps.append(_Step(name, _PARAM, process, None))
            elif name in defaults:
                steps.append(_Step(name, _DEFAULT, process, defaults[name]))
            elif bind.required:  # as Core: a value the caller forgot is not taken for NULL
                raise StatementError(f"A value is required for bind parameter {name!r}", compiled.string,
                                     dict(params), None)
            else:
                steps.append(_Step(name, _BOUND, process, bind.effective_value))
        if "__[POSTCOMPILE_" in sql:
            raise ValueError(f"Direct cannot run {sql!r}: a part is rendered only when it runs")
        return _Plan(sql, tuple(steps))


def on_driver(conn: Connection, method: str, sql: str, *values: Any) -> Any:
    """The driver's `execute`, `executemany` or `executescript` on the connection's own driver
    connection; its errors come out as SQLAlchemy's (IntegrityError, OperationalError...), as
    from Core: a mail filed at once by another daemon is told apart by them."""
    driver = conn.connection.driver_connection
    dbapi = conn.dialect.loaded_dbapi
    try:
        return getattr(driver, method)(sql, *values)
    except dbapi.Error as exc:
        raise DBAPIError.instance(sql, values[0] if values else None, exc, dbapi.Error,
                                  dialect=conn.dialect) from exc


def _values(plan: _Plan, params: Mapping[str, Any]) -> tuple[Any, ...]:
    """The values in the plan's order, each through its processor; a value its column cannot
    take (JSON of a set, a timestamp that is not one) fails as in Core, with a StatementError
    (a mail whose values do not fit is quarantined by it)."""
    try:
        return _processed(plan, params)
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise StatementError(f"({type(exc).__name__}) {exc}", plan.sql, dict(params), exc) from exc


def _processed(plan: _Plan, params: Mapping[str, Any]) -> tuple[Any, ...]:
    values: list[Any] = []
    for name, how, process, value in plan.steps:
        if how == _EXPAND:
            values.extend(process(v) if process else v for v in params[name])
            continue
        if how == _PARAM:
            value = params[name]
        elif how == _DEFAULT:
            value = value.arg(None) if value.is_callable else value.arg
        values.append(process(value) if process else value)
    return tuple(values)
