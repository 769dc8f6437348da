"""Per-buyer extraction templates in invoice2data's format, run by invoice2data itself.

invoice2data is the engine (keywords, exclude_keywords, regex/static/lines/tables parsers,
options); mailflow only feeds it text from pdfplumber instead of letting it read the file, loads
the templates strictly (a broken template stops start-up with file, line and field instead of
being skipped with a log line), and maps its output onto an Order.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from mailflow import linear
from mailflow.errors import ConfigError
from mailflow.model import LineItem
from mailflow.yamlfile import LineDict, load_yaml

log = logging.getLogger("mailflow.extract")

TEMPLATE_SUFFIXES = (".yml", ".yaml", ".json")


def template_files(dirs: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in dirs:
        if not folder.is_dir():
            raise ConfigError("extraction template folder not found", folder)
        files += sorted(p for p in folder.rglob("*") if p.suffix in TEMPLATE_SUFFIXES and p.is_file())
    return files


def _line(node: Any, key: str) -> int | None:
    if isinstance(node, LineDict):
        return node.key_lines.get(key) or getattr(node, "line", None)
    return None


def _load_one(path: Path) -> dict[str, Any] | None:
    if path.suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"not a valid JSON template: {exc}", path) from None
    else:
        data = load_yaml(path, ConfigError, duplicates=True)  # as invoice2data reads them
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ConfigError("a template is a mapping with issuer, keywords and fields", path, 1)
    if "keywords" not in data:
        raise ConfigError("a template needs keywords (texts that all appear in the document)",
                          path, 1, "keywords")
    fields = data.get("fields", {})
    if not isinstance(fields, dict):
        raise ConfigError("fields is a mapping of field names to parsers", path,
                          _line(data, "fields"), "fields")
    for name, spec in fields.items():
        patterns: Any = []
        if isinstance(spec, dict):
            patterns = spec.get("regex", [])
        elif isinstance(spec, (str, list)) and not str(name).startswith("static_"):
            patterns = spec
        for pattern in [patterns] if isinstance(patterns, str) else patterns or []:
            try:
                re.compile(str(pattern))
            except re.error as exc:
                if not _regex_module_accepts(str(pattern)):
                    raise ConfigError(f"invalid regex: {exc}", path, _line(fields, name),
                                      f"fields.{name}") from None
    return dict(data)


def _regex_module_accepts(pattern: str) -> bool:
    """invoice2data runs its templates with the `regex` module, which knows more syntax."""
    import regex  # installed with invoice2data

    try:
        regex.compile(pattern)
    except regex.error:
        return False
    return True


def load_templates(dirs: Sequence[str]) -> list[Any]:
    """invoice2data InvoiceTemplates from these folders, highest priority first; loaded again
    only when a file in them is added, removed or changed."""
    stats = ((p, p.stat()) for p in template_files([Path(d) for d in dirs]))
    return _load_templates(tuple((str(p), st.st_mtime_ns, st.st_size) for p, st in stats))


@functools.lru_cache(maxsize=8)
def _load_templates(files: tuple[tuple[str, int, int], ...]) -> list[Any]:
    """`files`: (path, mtime, size) of each template file, in `template_files`' order."""
    from invoice2data.extract.invoice_template import InvoiceTemplate
    from invoice2data.extract.loader import prepare_template

    templates = []
    for path in (Path(name) for name, _, _ in files):
        data = _load_one(path)
        if data is None:
            continue
        data["template_name"] = path.name
        prepared = prepare_template(_plain(data))
        if prepared is None:
            continue
        try:
            template = InvoiceTemplate(prepared)
        except Exception as exc:  # noqa: BLE001 - invoice2data's own checks (e.g. languages)
            raise ConfigError(f"invoice2data refuses this template: {exc}", path) from None
        template["_path"] = str(path)
        templates.append(template)
    return sorted(templates, key=lambda t: t.get("priority", 5), reverse=True)


def _plain(value: Any) -> Any:
    """LineDict/LineList -> dict/list, which is all invoice2data expects."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def match(text: str, templates: Sequence[Any]) -> Any | None:
    return next((t for t in templates if t.matches_input(text) or _matches_by_regex(t, text)), None)


def _keyword_found(keyword: Any, text: str) -> bool:
    """A keyword is found as written; failing that, one written as a regex (templates made for
    invoice2data before 1.0 have some: NL8152[.]54[.]295[.]B01) is searched for with RE2."""
    keyword = str(keyword)
    if keyword in text:
        return True
    if not any(c in keyword for c in "[]\\()|?*+{}^$"):
        return False
    try:
        return linear.compile(keyword).search(text) is not None
    except linear.PatternError:
        return False


def _matches_by_regex(template: Any, text: str) -> bool:
    if not all(_keyword_found(k, text) for k in template["keywords"]):
        return False
    return not any(str(k) in text for k in template.get("exclude_keywords") or ())


def partly_matched(text: str, templates: Sequence[Any]) -> bool:
    """Whether some template finds some of its keywords in the text but not all: the rest may
    be in the document's images."""
    for template in templates:
        found = [_keyword_found(k, text) for k in template["keywords"]]
        if any(found) and not all(found):
            return True
    return False


def run(template: Any, text: str, pdf_path: str, input_module: Any) -> dict[str, Any]:
    """The template's fields as invoice2data produces them; raises ValueError when a required
    field is missing."""
    return dict(template.extract(template.prepare_input(text), pdf_path, input_module))


def json_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """invoice2data's output in its JSON form: dates as YYYY-MM-DD, numbers as numbers."""
    def plain(value: Any) -> Any:
        if isinstance(value, (dt.datetime, dt.date)):
            return value.strftime("%Y-%m-%d")
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value
    return {k: plain(v) for k, v in fields.items() if not k.startswith("_")}


# --- invoice2data fields -> Order ------------------------------------------------------------

_NUMBER_FIELDS = ("po_number", "order_number", "invoice_number", "pi_number", "contract_number",
                  "booking_id")


def _decimal(value: Any) -> Decimal | None:
    """invoice2data gives floats: 4000.0 -> 4000, 2.38 -> 2.38 (its shortest repr)."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def field_sources(template: Any, text: str) -> dict[str, str]:
    """For --explain: the line of text each regex field was read from."""
    sources: dict[str, str] = {}
    prepared = template.prepare_input(text)
    for name, spec in template.get("fields", {}).items():
        patterns = spec.get("regex") if isinstance(spec, dict) else None
        for pattern in [patterns] if isinstance(patterns, str) else patterns or []:
            try:
                found = re.search(pattern, prepared)
            except re.error:
                continue
            if found:
                start = prepared.rfind("\n", 0, found.start()) + 1
                end = prepared.find("\n", found.end())
                sources[name] = prepared[start:end if end >= 0 else len(prepared)].strip()
                break
    return sources


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def order_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The Order's fields from a template's output (canonical invoice2data names, and the
    purchase-order names a buyer's template may use)."""
    numbers = [str(fields[k]).strip() for k in _NUMBER_FIELDS if fields.get(k)]
    lines = []
    for row in fields.get("lines") or []:
        if not isinstance(row, dict):
            continue
        lines.append(LineItem(
            item_code=str(row.get("code") or row.get("item_code") or row.get("product") or ""),
            description=str(row.get("name") or row.get("description") or ""),
            quantity=_decimal(row.get("qty", row.get("quantity"))),
            unit=str(row.get("uom") or row.get("unit") or ""),
            unit_price=_decimal(row.get("price_unit", row.get("unit_price"))),
            amount=_decimal(row.get("price_subtotal", row.get("amount", row.get("line_total")))),
            buyer_code=str(row.get("buyer_code") or row.get("customer_code") or ""),
        ))
    return {
        "numbers": tuple(dict.fromkeys(numbers)),
        # a PO's issuer is the buyer; a template may name the buyer itself
        "buyer": str(fields.get("buyer") or fields.get("partner_name") or fields.get("issuer") or ""),
        "order_date": _date(fields.get("date") or fields.get("order_date")),
        "delivery_date": _date(fields.get("delivery_date") or fields.get("date_due")),
        "currency": str(fields.get("currency") or ""),
        "incoterm": str(fields.get("incoterm") or ""),
        "payment_terms": str(fields.get("payment_terms") or ""),
        "lines": tuple(lines),
        "total": _decimal(fields.get("amount", fields.get("total"))),
    }
