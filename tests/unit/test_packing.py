"""Packing arithmetic and the product file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from mailflow.errors import ConfigError
from mailflow.reply.packing import load_products, plan

HEADER = "item_code,pieces_per_carton,net_kg,gross_kg,length_cm,width_cm,height_cm\n"


def test_cartons_weights_and_measurement_from_the_quantities(tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text(HEADER + "A-1,50,25,26.5,60,40,30\n", encoding="utf-8")
    products = load_products(tmp_path / "p.csv")
    packing = plan("PO-1", "Buyer", [{"item_code": "a-1", "quantity": "1010", "unit": "PCS"},
                                     {"item_code": "B-2", "quantity": "5"}], products)
    [line] = packing.lines
    assert line.cartons == 21  # 1010 / 50, rounded up: the last carton holds 10
    assert line.net_kg == Decimal("505.00")  # 1010 x 0.5 kg a piece
    assert line.gross_kg == Decimal("536.50")  # + 21 cartons x 1.5 kg tare
    assert line.cbm == Decimal("1.512")  # 21 x 0.072 m3
    assert packing.missing == ("B-2",)
    assert packing.marks[2] == "C/NO.: 1-21"


@pytest.mark.parametrize(("rows", "where"), [
    ("A-1,50,25,x,60,40,30\n", ":2: gross_kg"),
    ("A-1,0,25,26,60,40,30\n", ":2: pieces_per_carton"),
    ("A-1,50,25,20,60,40,30\n", ":2: gross_kg"),
])
def test_product_file_errors_name_line_and_column(tmp_path: Path, rows: str, where: str) -> None:
    (tmp_path / "p.csv").write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_products(tmp_path / "p.csv")
    assert where in str(error.value)


def test_a_product_file_without_the_columns_says_which(tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("code,pcs\nA,1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="missing item_code"):
        load_products(tmp_path / "p.csv")
