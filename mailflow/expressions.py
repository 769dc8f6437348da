"""The order-expression language: `order.total > 50000 or order.checks_failed`, a Jinja2
expression run in a bounded sandbox on an order's facts (`extract.record.facts`).

Rules' `order:` conditions and `hold_if`, the follow-up plans' `when` and `reply.hold_if` in
mailflow.yaml all speak it. `compile_order_expression` checks an expression where it is written
(an error names the file, line and field); `evaluate_order_expression` says what it gives on an
order, or why it gives nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import TemplateSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from mailflow.yamlfile import Where

OrderFacts = Mapping[str, Any]  # an order's extracted data as plain values (extract.record.facts)


class _Expressions(SandboxedEnvironment):
    """Jinja2's sandbox, with `*` and `**` bounded so that an expression cannot build a huge
    string or number (`'x' * 10**9`)."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        sizes = [len(v) for v in (left, right) if isinstance(v, (str, list, tuple))]
        numbers = [abs(v) for v in (left, right) if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if operator == "**" and numbers and max(numbers) > 1000:
            raise SecurityError("a power with an operand over 1000 is not allowed here")
        if operator == "*" and sizes and numbers and max(sizes) * max(numbers) > 100_000:
            raise SecurityError("a repeated text or list over 100,000 long is not allowed here")
        return super().call_binop(context, operator, left, right)


_EXPRESSIONS = _Expressions()


def compile_order_expression(text: Any, where: Where, path: str) -> Callable[..., Any]:
    """`order.total > 50000 or order.checks_failed`: a Jinja2 expression, run sandboxed."""
    if not isinstance(text, str) or not text.strip():
        raise where.error("expected an expression such as 'order.total > 50000'", path)
    try:
        return _EXPRESSIONS.compile_expression(text, undefined_to_none=True)
    except TemplateSyntaxError as exc:
        raise where.error(f"invalid expression: {exc.message}", path) from None


def evaluate_order_expression(expression: Callable[..., Any],
                              order: OrderFacts | None) -> tuple[bool | None, str]:
    """(value, why it has none): None when the expression cannot be evaluated on this order
    (no order data, a missing total, a type error). Callers that decide whether something may
    happen treat None as "no" with the reason; see `order_expression_true` for conditions."""
    if not order:
        return None, "no order data was read"
    try:
        return bool(expression(order=order, **order)), ""
    except Exception as exc:  # noqa: BLE001 - e.g. None > 50000 when the total is unknown
        return None, f"cannot be evaluated on this order ({type(exc).__name__}: {exc})"


def order_expression_true(expression: Callable[..., Any], order: OrderFacts | None) -> tuple[bool, str]:
    """(value, why not) for a rule's condition: one that cannot be evaluated is not true."""
    value, why = evaluate_order_expression(expression, order)
    return bool(value), why
