"""Our P/I against the buyer's PO: how many differences are reported that are none, and how many
real ones are found, comparing by meaning (`record.differences`) against comparing as strings
(the comparison before it, `_as_strings` here).

    .venv/bin/python bench/confirmation.py [--orders 40] [--workdir /tmp/confirmation]

For each seed, `tests.pdfs` prints the buyer's PO in English (its code and ours: "Buyer Item",
"Our Code") and our P/I in Chinese with the same goods (货号, 卷, 公斤) and the same terms in
Chinese words (FOB 上海, 30%定金，70%见提单副本付款); every fourth P/I ships 5 % less of its first
line. Both PDFs are read by the generic reader as the daemon reads them; the printed report
counts, per comparison, the pairs with a false difference and the real changes found.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mailflow.extract import order_data
from mailflow.extract.pdf import read_order
from mailflow.extract.record import differences, order_record
from tests import pdfs

# the same terms: English as the PO writes them, Chinese as our P/I does
INCOTERMS = (("FOB Shanghai", "FOB 上海港"), ("FOB Ningbo", "FOB 宁波"), ("CIF Hamburg", "CIF 汉堡"),
             ("CFR PORT KLANG", "CFR 巴生港"), ("CFR Los Angeles", "CFR 洛杉矶"), ("DAP Rotterdam", "DAP 鹿特丹"))
PAYMENT = (("T/T 30% deposit, 70% before shipment", "30%定金，70%发货前付清"),
           ("30% T/T deposit, 70% balance against copy of B/L", "30%定金，70%见提单副本付款"),
           ("L/C at sight", "即期信用证"), ("T/T 100% in advance", "100%预付"),
           ("O/A 60 days after B/L date", "提单日后60天电汇"))


def _as_strings(po: dict[str, Any], pi: dict[str, Any]) -> list[str]:
    """The comparison as it was: terms and units as lower-cased words, lines by item code."""
    def words(value: Any) -> str:
        return " ".join(str(value).split()).lower()

    out = [f for f in ("currency", "incoterm", "payment_terms", "delivery_date")
           if po.get(f) and pi.get(f) and words(po[f]) != words(pi[f])]
    theirs = {str(li.get("item_code") or f"#{i}").upper(): li for i, li in enumerate(pi.get("lines") or [])}
    for i, line in enumerate(po.get("lines") or []):
        other = theirs.get(str(line.get("item_code") or f"#{i}").upper())
        if other is None:
            out.append("only PO")
            continue
        out += [f for f in ("quantity", "unit_price", "amount") if line.get(f) and other.get(f)
                and Decimal(str(line[f])) != Decimal(str(other[f]))]
        out += ["unit"] if line.get("unit") and other.get("unit") and words(line["unit"]) != words(other["unit"]) else []
    return out


def read(path: Path) -> dict[str, Any]:
    return order_record(order_data([read_order(path.read_bytes(), path.name, (), 50)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/confirmation"))
    args = parser.parse_args()
    counts = {name: {"false": 0, "found": 0, "missed": 0} for name in ("strings", "meaning")}
    changed_pairs = 0
    for seed in range(args.orders):
        en, zh = pdfs.sample_order(6, seed=seed), pdfs.sample_order(6, kind="pi", lang="zh", seed=seed)
        incoterm, payment = INCOTERMS[seed % len(INCOTERMS)], PAYMENT[seed % len(PAYMENT)]
        po_lines = tuple(dataclasses.replace(li, buyer_code=f"KS-{seed:02d}{i:03d}") for i, li in enumerate(en.lines))
        po = dataclasses.replace(en, incoterm=incoterm[0], payment_terms=payment[0], lines=po_lines,
                                 code_columns=(("Buyer Item", "buyer_code"), ("Our Code", "item_code")))
        changed = seed % 4 == 3
        pi_lines = zh.lines if not changed else (
            dataclasses.replace(zh.lines[0], quantity=(zh.lines[0].quantity * Decimal("0.95")).to_integral_value()),
            *zh.lines[1:])
        pi = dataclasses.replace(zh, number=f"PI-{seed}", buyer=po.buyer, order_date=po.order_date,
                                 delivery_date=po.delivery_date, incoterm=incoterm[1], payment_terms=payment[1],
                                 lines=pi_lines)
        po_record = read(pdfs.write_order_pdf(po, args.workdir / f"po-{seed}.pdf"))
        pi_record = read(pdfs.write_order_pdf(pi, args.workdir / f"pi-{seed}.pdf"))
        po_record.pop("total", None), pi_record.pop("total", None)  # a changed line changes the total too
        changed_pairs += changed
        for name, found in (("strings", _as_strings(po_record, pi_record)), ("meaning", differences(po_record, pi_record))):
            # the changed line's quantity and amount are real; anything else is a false difference
            counts[name]["false"] += any(not (changed and ("quantity" in d or "amount" in d)) for d in found)
            counts[name]["found" if any("quantity" in d for d in found) else "missed"] += changed
    print(f"{args.orders} PO/P/I pairs, {changed_pairs} with a real quantity change")
    for name, count in counts.items():
        print(f"  as {name:8}: pairs with a false difference {count['false']:3}, "
              f"real changes found {count['found']}/{changed_pairs}")


if __name__ == "__main__":
    main()
