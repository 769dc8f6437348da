"""The cost of writing each document kind, against a baseline measured in the same run.

    .venv/bin/python bench/documents.py [--lines 50] [--repeat 5]

For an order of --lines lines (the sample nonwoven order of tests/pdfs.py), prints ms per
document for:
  baseline:   the P/I's Jinja2 template rendered to HTML alone (what the template costs)
  each kind:  the page built from the order's facts, the HTML, and WeasyPrint's PDF/A-3b
              (pi, invoice, packing-list, production-order, purchase-order)
  reportlab:  the packing list PDF the packing_list reply attaches (reply/packing.py)
and each kind's ratio to the baseline. The issue's target: a P/I of 50 lines under 300 ms.
The store is left out (the order's facts are given): what is measured is the writing.
Best of --repeat runs each, after one warm-up run (fonts, the template cache).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mailflow.config import BankDetails, Company, Config, Documents, Identity
from mailflow.reply.packing import Product, font_path, plan, render_pdf
from mailflow.writer import paper, render
from mailflow.writer.desk import Sources, page_of
from tests.pdfs import sample_order


def best(func: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(best wall-clock seconds, best CPU seconds of this process): on a busy machine the CPU
    time says what the writing costs, the wall clock what a person waits."""
    func()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        func()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def row(label: str, measured: tuple[float, float], baseline: tuple[float, float], note: str = "") -> str:
    wall, cpu = measured
    return (f"  {label:<44} {wall * 1000:8.1f} ms wall {cpu * 1000:8.1f} ms CPU  x{cpu / baseline[1]:7.1f}"
            f"{note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    doc = sample_order(args.lines, seed=50, number="PO-BENCH-50")
    lines = [{"item_code": li.item_code, "description": li.description, "quantity": str(li.quantity),
              "unit": li.unit, "unit_price": str(li.unit_price), "amount": str(li.amount)} for li in doc.lines]
    data = {"lines": lines, "total": str(doc.total), "currency": doc.currency, "incoterm": doc.incoterm,
            "payment_terms": doc.payment_terms, "delivery_date": doc.delivery_date.isoformat()}
    folder = ROOT / "templates" / "documents"
    config = Config(identity=Identity(company="Acme Nonwovens Co., Ltd.", address="orders@acme.example"),
                    documents=Documents(company=Company(address="88 Xinhua Road, Wuxi"), folder=folder,
                                        bank=BankDetails(bank="Bank of China", account="4632 0101 8888")))
    products = {li.item_code.upper(): Product(li.item_code, Decimal(20), Decimal(10), Decimal("11.5"), Decimal(60),
                                              Decimal(40), Decimal(30)) for li in doc.lines}
    bom = [paper.Material(li.item_code.upper(), "CORE-76", "Paper core", Decimal("0.01"), "pc", "Cores Ltd",
                          Decimal("1.8")) for li in doc.lines]
    sources = Sources(products, {}, bom)
    facts = paper.Facts(order=doc.number, buyer="Northwind Trading", lang="en", data=data, number="ANW-PI-2612-01",
                        date=dt.date(2026, 12, 20), po_text="Shipping marks:\nNORTHWIND\nPO-BENCH-50\n",
                        invoice_number="ANW-CI-2612-01")
    page, _ = page_of("pi", facts, config, desk=sources)
    baseline = best(lambda: render.html(folder, "pi", page), args.repeat)
    print(f"{args.lines}-line order, best of {args.repeat}; ratio: CPU time to the baseline's")
    print(row("baseline: the P/I template to HTML alone", baseline, baseline))
    for kind in paper.KINDS:
        extra = {"supplier": "Cores Ltd"} if kind == "purchase-order" else {}

        def write(kind: str = kind, extra: dict[str, str] = extra) -> bytes:
            built, _ = page_of(kind, facts, config, desk=sources, **extra)
            return render.pdf(render.html(folder, kind, built))

        print(row(f"{kind}: page + HTML + PDF/A-3b", best(write, args.repeat), baseline,
                  "  (target < 300 ms)" if kind == "pi" else ""))
    packing = plan(doc.number, "Northwind Trading", lines, products)
    font = font_path()
    legacy = best(lambda: render_pdf(packing, "Acme Nonwovens Co., Ltd.", font), args.repeat)
    print(row("reportlab: the packing_list reply's PDF", legacy, baseline))
    print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
