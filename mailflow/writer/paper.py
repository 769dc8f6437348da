"""What each document shows, as the plain values its template prints: built from the order's
facts (`Facts`, gathered by `desk.py`), the config, the product file and the BOM. Pure: the same
facts give the same page.

Every figure a template prints is formatted here, once, so that the page and what `mailflow
extract` reads back from it agree: quantities and prices keep their own places, amounts two.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from mailflow.config import Config
from mailflow.errors import ConfigError, MailflowError
from mailflow.extract.record import REVISION, compare_lines, to_decimal
from mailflow.reply.packing import Product, read_csv
from mailflow.reply.packing import plan as plan_packing
from mailflow.writer.words import amount_in_words

KINDS = ("pi", "invoice", "packing-list", "production-order", "purchase-order")
# the sequence a kind is numbered from: the packing list carries the invoice's number
SEQUENCE_OF = {"pi": "pi", "invoice": "invoice", "packing-list": "invoice",
               "production-order": "production_order", "purchase-order": "purchase_order"}
BOM_COLUMNS = ("item_code", "material", "quantity", "unit", "supplier")
MAX_LINES = 500  # lines on one document; an order with more is refused, not cut
MAX_LABEL_LINES = 8  # lines of shipping marks, consignee or notify party read after the label
MAX_TEXT_LINES = 2000  # lines of a PO's text searched for them
MAX_CONDITIONS = 20_000  # characters of an L/C's 47A searched for the wording it asks for
PACKAGE_WORDS = {"en": {"carton": ("carton", "cartons"), "roll": ("roll", "rolls"), "bale": ("bale", "bales"),
                        "pallet": ("pallet", "pallets"), "bag": ("bag", "bags"), "drum": ("drum", "drums"),
                        "case": ("case", "cases"), "crate": ("crate", "crates")},
                 "zh": {"carton": ("箱", "箱"), "roll": ("卷", "卷"), "bale": ("包", "包"), "pallet": ("托", "托"),
                        "bag": ("袋", "袋"), "drum": ("桶", "桶"), "case": ("箱", "箱"), "crate": ("木箱", "木箱")}}

_LABELS = {
    "marks": r"shipping[ \t]*marks?|marks[ \t]*(?:&|and)[ \t]*nos?\.?|唛头|嘛头|麦头",
    "consignee": r"consignee|收货人",
    "notify": r"notify(?:[ \t]*party)?|通知人|通知方",
}
_ANY_LABEL = re.compile(r"^[ \t]*[A-Za-z\u4e00-\u9fff][A-Za-z\u4e00-\u9fff /&.()'-]{1,30}[:：]")


@dataclass(frozen=True)
class Material:
    item_code: str  # the item it goes into
    material: str
    description: str
    quantity: Decimal  # per unit of the item
    unit: str
    supplier: str
    price: Decimal | None = None


@dataclass(frozen=True)
class Facts:
    """What the store knows of an order, as the documents need it."""

    order: str
    buyer: str
    lang: str
    data: Mapping[str, Any]  # the order record: lines, total, currency, terms, history
    number: str  # our document's number
    date: dt.date
    revision: int = 0
    po_text: str = ""  # the buyer's PO (mail and document) where marks, consignee, notify are read
    lc: Mapping[str, Any] = field(default_factory=dict)  # swift.Credit.as_record of the L/C, amendments applied
    sailing: Mapping[str, Any] = field(default_factory=dict)  # vessel, voyage, containers, ports, etd
    signoff: Mapping[str, Any] | None = None  # who signed the production off, when, as what
    invoice_number: str = ""  # the packing list's


def labelled(text: str, name: str) -> list[str]:
    """The lines after a label such as "Shipping marks:" in a PO's text, up to a blank line or
    the next label: the buyer's marks, consignee or notify party as written."""
    label = re.compile(rf"^[ \t]*(?:{_LABELS[name]})[ \t]*[:：][ \t]*(?P<rest>.*)$", re.IGNORECASE)
    lines = text.splitlines()[:MAX_TEXT_LINES]
    for index, line in enumerate(lines):
        found = label.match(line)
        if not found:
            continue
        taken = [found.group("rest").strip()] if found.group("rest").strip() else []
        for following in lines[index + 1:index + 1 + MAX_LABEL_LINES]:
            if not following.strip() or _ANY_LABEL.match(following) or len(taken) >= MAX_LABEL_LINES:
                break
            taken.append(following.strip())
        return taken
    return []


def load_bom(path: Path) -> list[Material]:
    """The BOM: a CSV with BOM_COLUMNS (and optionally description, price); errors name the
    file, line and column."""
    reader = read_csv(path, BOM_COLUMNS, "the BOM file")
    found: list[Material] = []
    for row in reader:
        line = reader.line_num
        code = (row.get("item_code") or "").strip()
        if not code or code.startswith("#"):
            continue
        numbers: dict[str, Decimal | None] = {}
        for column in ("quantity", "price"):
            raw = (row.get(column) or "").strip()
            try:
                numbers[column] = Decimal(raw) if raw else None
            except InvalidOperation:
                raise ConfigError(f"{raw!r} is not a number", path, line, column) from None
        quantity = numbers["quantity"]
        if quantity is None or quantity <= 0:
            raise ConfigError("must be more than 0", path, line, "quantity")
        material = (row.get("material") or "").strip()
        if not material:
            raise ConfigError("names no material", path, line, "material")
        found.append(Material(code.upper(), material, (row.get("description") or "").strip(), quantity,
                              (row.get("unit") or "").strip(), (row.get("supplier") or "").strip(), numbers["price"]))
    return found


def plain(value: Decimal) -> str:
    """A quantity or price as written: thousands separated, its own places kept (0.1250 stays)."""
    return f"{int(value):,}" if value == value.to_integral_value() else f"{value:,}"


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _lines(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    lines = list(data.get("lines") or [])
    if not lines:
        raise MailflowError("the order has no line items: there is nothing to write")
    if len(lines) > MAX_LINES:
        raise MailflowError(f"the order has {len(lines)} lines; a document holds at most {MAX_LINES}")
    return lines


def priced_lines(data: Mapping[str, Any], changed: set[str] = frozenset()) -> tuple[list[dict[str, Any]], Decimal]:  # type: ignore[assignment]
    """The lines with quantity, unit price and amount (the PO's prices; an amount missing is
    quantity x price) and their total. A line without quantity or price cannot be invoiced."""
    rows: list[dict[str, Any]] = []
    total = Decimal(0)
    for index, line in enumerate(_lines(data), start=1):
        code = str(line.get("item_code") or "")
        quantity, price = to_decimal(line.get("quantity")), to_decimal(line.get("unit_price"))
        if quantity is None or price is None:
            raise MailflowError(f"line {index} ({code or line.get('description') or 'no code'}) has no "
                                f"{'quantity' if quantity is None else 'unit price'}")
        amount = to_decimal(line.get("amount")) or (quantity * price).quantize(Decimal("0.01"))
        total += amount
        rows.append({"no": index, "item_code": code, "buyer_code": str(line.get("buyer_code") or ""),
                     "description": str(line.get("description") or ""), "quantity": plain(quantity),
                     "unit": str(line.get("unit") or ""), "unit_price": plain(price), "amount": money(amount),
                     "changed": code.upper() in changed, "_quantity": quantity, "_price": price})
    return rows, total


def under_floor(rows: Sequence[Mapping[str, Any]], floors: Mapping[str, Decimal]) -> list[str]:
    """The lines priced under the price list's floor, in words."""
    return [f"{row['item_code']}: {row['unit_price']} is under the floor of {plain(floors[row['item_code'].upper()])}"
            for row in rows if row["item_code"].upper() in floors and row["_price"] < floors[row["item_code"].upper()]]


def revision_changes(data: Mapping[str, Any], revision: int, lang: str) -> tuple[set[str], list[str]]:
    """(the item codes a PO revision changed, what it changed in words) for `--revision N`:
    the history entry of revision N of the buyer's PO."""
    entries = [e for e in data.get("history") or [] if (e.get("terms") or {}).get("revision") == revision
               and "lines" in (e.get("changes") or {})]
    if not entries:
        known = sorted({(e.get("terms") or {}).get("revision", 0) for e in data.get("history") or []
                        if "lines" in (e.get("changes") or {})})
        raise MailflowError(f"the order has no PO revision {revision} that changed its lines"
                            + (f" (revisions that did: {', '.join(map(str, known))})" if known else ""))
    old, new = entries[-1]["changes"]["lines"]
    differences = compare_lines(list(old or []), list(new or []), REVISION)
    before = {str(li.get("item_code") or "").upper(): li for li in old or []}
    changed = {str(li.get("item_code") or "").upper() for li in new or []
               if any(str(before.get(str(li.get("item_code") or "").upper(), {}).get(k)) != str(li.get(k))
                      for k in ("quantity", "unit_price"))}
    return changed, [d.words(lang) for d in differences]


def company(config: Config, lang: str) -> dict[str, str]:
    block = config.documents.company
    name = block.name or config.identity.company
    return {"name": block.name_zh or name if lang == "zh" else name, "name_en": name,
            "address": block.address_zh or block.address if lang == "zh" else block.address,
            "phone": block.phone, "email": block.email or config.identity.address}


def marks(facts: Facts, config: Config, packages: int | None) -> list[str]:
    """The buyer's marks from the PO, else the configured ones, else the usual four lines;
    before the goods are packed (the P/I), the package count is "UP"."""
    from_po = labelled(facts.po_text, "marks")
    if from_po:
        return from_po
    pattern = config.documents.marks or ["{buyer}", "ORDER NO.: {order}", "C/NO.: 1-{packages}", "MADE IN CHINA"]
    return [line.replace("{buyer}", facts.buyer.upper()).replace("{order}", facts.order)
            .replace("{packages}", "UP" if packages is None else str(packages)) for line in pattern]


def _common(kind: str, facts: Facts, config: Config) -> dict[str, Any]:
    data = facts.data
    currency = str(data.get("currency") or "")
    return {"kind": kind, "lang": facts.lang, "number": facts.number, "date": facts.date.isoformat(),
            "order": facts.order, "buyer": facts.buyer, "company": company(config, facts.lang),
            "currency": currency, "incoterm": str(data.get("incoterm") or ""),
            "payment_terms": str(data.get("payment_terms") or ""),
            "delivery_date": str(data.get("delivery_date") or ""), "revision": facts.revision,
            "lc_number": str(facts.lc.get("number") or "")}


def _sailing(facts: Facts) -> dict[str, Any]:
    """The sailing once booked (every key there, empty until known)."""
    known = {key: facts.sailing.get(key) or "" for key in ("vessel", "voyage", "etd", "eta")}
    containers = facts.sailing.get("containers") or []
    return known | {"containers": [str(c) for c in containers] if isinstance(containers, list) else [str(containers)]}


def _public(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]


def proforma(facts: Facts, config: Config, floors: Mapping[str, Decimal]) -> tuple[dict[str, Any], list[str]]:
    """The P/I's page, and the warnings (prices under the floor)."""
    changed, changes = revision_changes(facts.data, facts.revision, facts.lang) if facts.revision else (set(), [])
    rows, total = priced_lines(facts.data, changed)
    page = _common("pi", facts, config)
    page |= {"lines": _public(rows), "total": money(total), "buyer_codes": any(r["buyer_code"] for r in rows),
             "total_words": amount_in_words(total, page["currency"], facts.lang),
             "validity": (facts.date + dt.timedelta(days=config.documents.validity_days)).isoformat(),
             "bank": config.documents.bank.model_dump(), "marks": marks(facts, config, None) if labelled(
                 facts.po_text, "marks") or config.documents.marks else [], "changes": changes}
    return page, under_floor(rows, floors)


def invoice(facts: Facts, config: Config) -> dict[str, Any]:
    rows, total = priced_lines(facts.data)
    page = _common("invoice", facts, config)
    credit = facts.lc
    page |= {"lines": _public(rows), "total": money(total), "buyer_codes": any(r["buyer_code"] for r in rows),
             "total_words": amount_in_words(total, page["currency"], facts.lang),
             "consignee": labelled(facts.po_text, "consignee") or [facts.buyer],
             "notify": labelled(facts.po_text, "notify"), "sailing": _sailing(facts),
             "loading": str(facts.sailing.get("port_of_loading") or credit.get("loading") or ""),
             "discharge": str(facts.sailing.get("port_of_discharge") or credit.get("discharge") or ""),
             "lc_wording": lc_wording(credit), "bank": config.documents.bank.model_dump()}
    return page


def lc_wording(credit: Mapping[str, Any]) -> list[str]:
    """What the L/C asks every document (or the invoice) to say: its 46A lines about the
    invoice, and 47A's "documents must show/bear/indicate" sentences."""
    said: list[str] = []
    conditions = re.split(r"(?<=\.)\s+|\n", str(credit.get("conditions") or "")[:MAX_CONDITIONS])
    for line in [*list(credit.get("documents") or [])[:MAX_TEXT_LINES], *conditions]:
        text = str(line).strip()
        if text and re.search(r"(?i)invoice|all\s+documents|must\s+(?:show|bear|indicate|mention)", text):
            said.append(text[:300])
    return said[:MAX_LABEL_LINES]


def packing_page(facts: Facts, config: Config, products: Mapping[str, Product]) -> dict[str, Any]:
    """Per line: its package kind, count and numbers (1-40, 41-95: running over the lines), the
    weight and size of one package, and the line's weights and CBM (the packing list reply's
    arithmetic, `reply.packing.plan`); totals by package kind."""
    packed = plan_packing(facts.order, facts.buyer, _lines(facts.data), dict(products))
    if packed.missing:
        raise MailflowError("no packing specifications in the product file for: " + ", ".join(packed.missing))
    rows: list[dict[str, Any]] = []
    start = 1
    by_kind: dict[str, int] = {}
    words = PACKAGE_WORDS[facts.lang]
    for line in packed.lines:
        product, count = products[line.item_code.upper()], line.cartons
        by_kind[product.package] = by_kind.get(product.package, 0) + count
        rows.append({"item_code": line.item_code, "description": line.description,
                     "quantity": plain(line.quantity), "unit": line.unit,
                     "package": words[product.package][1 if count != 1 else 0], "packages": count,
                     "numbers": f"{start}-{start + count - 1}" if count > 1 else str(start),
                     "per_package": plain(product.pieces_per_carton),
                     "net_each": plain(product.net_kg), "gross_each": plain(product.gross_kg),
                     "size": f"{plain(product.length_cm)}×{plain(product.width_cm)}×{plain(product.height_cm)}",
                     "net": money(line.net_kg), "gross": money(line.gross_kg), "cbm": f"{line.cbm}"})
        start += count
    packages = start - 1
    page = _common("packing-list", facts, config)
    page |= {"lines": rows, "packages": packages, "net": money(packed.net_kg), "gross": money(packed.gross_kg),
             "cbm": f"{packed.cbm}", "marks": marks(facts, config, packages),
             "package_counts": [f"{n} {words[k][1 if n != 1 else 0]}" for k, n in by_kind.items()],
             "invoice_number": facts.invoice_number, "sailing": _sailing(facts),
             "consignee": labelled(facts.po_text, "consignee") or [facts.buyer]}
    return page


def _bom_of(bom: Sequence[Material]) -> dict[str, list[Material]]:
    found: dict[str, list[Material]] = {}
    for material in bom:
        found.setdefault(material.item_code, []).append(material)
    return found


def production(facts: Facts, config: Config, bom: Sequence[Material]) -> dict[str, Any]:
    """The assembling form (生产单): lines, and per line the materials it takes in all."""
    per_item = _bom_of(bom)
    rows: list[dict[str, Any]] = []
    for index, line in enumerate(_lines(facts.data), start=1):
        code = str(line.get("item_code") or "")
        quantity = to_decimal(line.get("quantity")) or Decimal(0)
        materials = [{"material": m.material, "description": m.description, "per_unit": plain(m.quantity),
                      "needed": plain((m.quantity * quantity).normalize()), "unit": m.unit}
                     for m in per_item.get(code.upper(), [])]
        rows.append({"no": index, "item_code": code, "description": str(line.get("description") or ""),
                     "quantity": plain(quantity), "unit": str(line.get("unit") or ""), "materials": materials})
    page = _common("production-order", facts, config)
    page |= {"lines": rows, "inspection": config.documents.inspection,
             "signoff": dict(facts.signoff) if facts.signoff else None,
             "no_bom": [r["item_code"] for r in rows if not r["materials"]]}
    return page


def supplier_lines(facts: Facts, bom: Sequence[Material], supplier: str) -> list[dict[str, Any]]:
    """What the sales order needs from `supplier`: the BOM's materials times the quantities,
    one line per material, rounded up to a whole unit (a supplier sells no part of a carton)."""
    wanted = supplier.strip().casefold()
    per_item = _bom_of(bom)
    needed: dict[str, dict[str, Any]] = {}
    for line in _lines(facts.data):
        quantity = to_decimal(line.get("quantity")) or Decimal(0)
        for material in per_item.get(str(line.get("item_code") or "").upper(), []):
            if material.supplier.casefold() != wanted:
                continue
            entry = needed.setdefault(material.material, {"item_code": material.material,
                                                          "description": material.description,
                                                          "unit": material.unit, "quantity": Decimal(0),
                                                          "unit_price": material.price})
            entry["quantity"] += material.quantity * quantity
    if not needed:
        raise MailflowError(f"the BOM names no material from supplier {supplier!r} for this order's items")
    return [entry | {"quantity": entry["quantity"].to_integral_value(ROUND_CEILING)} for entry in needed.values()]


def purchase(facts: Facts, config: Config, supplier: str, lines: Sequence[Mapping[str, Any]],
             currency: str = "CNY") -> dict[str, Any]:
    """Our P/O to a supplier: its lines priced where a price is known, the total of those."""
    rows: list[dict[str, Any]] = []
    total = Decimal(0)
    priced = True
    for index, line in enumerate(lines[:MAX_LINES], start=1):
        quantity = Decimal(line["quantity"]).normalize()
        price = line.get("unit_price")
        amount = (quantity * Decimal(price)).quantize(Decimal("0.01")) if price is not None else None
        priced = priced and amount is not None
        total += amount or 0
        rows.append({"no": index, "item_code": line["item_code"], "description": line.get("description") or "",
                     "quantity": plain(quantity), "unit": line.get("unit") or "",
                     "unit_price": plain(Decimal(price)) if price is not None else "",
                     "amount": money(amount) if amount is not None else ""})
    page = _common("purchase-order", facts, config)
    page |= {"supplier": supplier, "lines": rows, "total": money(total) if priced else "",
             "total_words": amount_in_words(total, currency, facts.lang) if priced else "",
             "currency": currency, "for_order": facts.order}
    return page


def cli_lines(specs: Sequence[str]) -> list[dict[str, Any]]:
    """Lines given as CODE:QUANTITY[:UNIT[:PRICE]] on the command line, or read from a CSV with
    item_code, quantity and optionally unit, price, description."""
    lines: list[dict[str, Any]] = []
    for spec in specs:
        parts = [p.strip() for p in spec.split(":")]
        if len(parts) < 2 or not parts[0]:
            raise MailflowError(f"--line {spec!r}: write CODE:QUANTITY[:UNIT[:PRICE]]")
        lines.append(_line(parts[0], parts[1], parts[2] if len(parts) > 2 else "",
                           parts[3] if len(parts) > 3 else "", "", f"--line {spec!r}"))
    return lines


def csv_lines(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise MailflowError(f"cannot read {path}: {exc.strerror}") from None
    reader = csv.DictReader(io.StringIO(text))
    lines = [_line((row.get("item_code") or "").strip(), (row.get("quantity") or "").strip(),
                   (row.get("unit") or "").strip(), (row.get("price") or "").strip(),
                   (row.get("description") or "").strip(), f"{path}, line {reader.line_num}")
             for row in reader]
    if not lines:
        raise MailflowError(f"{path}: no lines (the header needs item_code and quantity)")
    return lines


def _line(code: str, quantity: str, unit: str, price: str, description: str, where: str) -> dict[str, Any]:
    try:
        amount = Decimal(quantity.replace(",", ""))
        cost = Decimal(price.replace(",", "")) if price else None
    except InvalidOperation:
        raise MailflowError(f"{where}: {quantity!r} or {price!r} is not a number") from None
    if not code or amount <= 0:
        raise MailflowError(f"{where}: needs an item code and a quantity more than 0")
    return {"item_code": code, "quantity": amount, "unit": unit, "unit_price": cost, "description": description}
