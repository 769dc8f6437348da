"""The pure parts of the documents the desk writes: amounts in words, the PO's labelled blocks,
the BOM file, the sequences in the config."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from mailflow.config import Documents
from mailflow.errors import ConfigError, MailflowError
from mailflow.writer import paper
from mailflow.writer.words import amount_en, amount_zh, integer_en, integer_zh


def test_amounts_in_words_as_banks_read_them() -> None:
    assert amount_zh(Decimal(10005), "CNY") == "人民币壹万零伍元整"
    assert amount_zh(Decimal("1010.05"), "USD") == "美元壹仟零壹拾元零伍分"
    assert amount_zh(Decimal("100000000.50"), "USD") == "美元壹亿元伍角整"
    assert amount_zh(Decimal("0.5"), "USD") == "美元伍角整"
    assert integer_zh(1000001) == "壹佰万零壹" and integer_zh(20300) == "贰万零叁佰"
    assert amount_en(Decimal(1000001), "EUR") == "SAY EUROS ONE MILLION ONE ONLY"
    assert amount_en(Decimal("1234.56"), "USD") == \
        "SAY US DOLLARS ONE THOUSAND TWO HUNDRED AND THIRTY-FOUR AND CENTS FIFTY-SIX ONLY"
    assert integer_en(110) == "ONE HUNDRED AND TEN" and integer_en(0) == "ZERO"
    for bad in (Decimal(-1), Decimal(10) ** 15):
        with pytest.raises(ValueError, match="cannot be written in words"):
            amount_en(bad, "USD")


def test_the_po_s_marks_consignee_and_notify_party_are_read_after_their_labels() -> None:
    text = ("Please ship as below.\n\nShipping Marks:\nKESTREL\nPO 4500871\nC/NO. 1-UP\n\n"
            "Consignee: Kestrel Home GmbH, Hamburg\nNotify party: Hanse Logistics\n唛头：\n不要用")
    assert paper.labelled(text, "marks") == ["KESTREL", "PO 4500871", "C/NO. 1-UP"]
    assert paper.labelled(text, "consignee") == ["Kestrel Home GmbH, Hamburg"]
    assert paper.labelled(text, "notify") == ["Hanse Logistics"]
    assert paper.labelled("no marks here", "marks") == []
    many = "Shipping marks:\n" + "\n".join(f"LINE {n}" for n in range(50))
    assert len(paper.labelled(many, "marks")) == paper.MAX_LABEL_LINES


def test_a_bom_file_error_names_the_file_line_and_column(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_text("item_code,material,quantity,unit,supplier\nA-1,CORE,0.01,pc,Cores\nA-2,CORE,lots,pc,Cores\n",
                   encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bom.csv:3: quantity: 'lots' is not a number"):
        paper.load_bom(bom)
    bom.write_text("item_code,material,unit\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="missing quantity, supplier"):
        paper.load_bom(bom)
    with pytest.raises(MailflowError, match="CODE:QUANTITY"):
        paper.cli_lines(["A-1"])
    assert paper.cli_lines(["A-1:1,200:pc:2.5"])[0]["quantity"] == Decimal(1200)


def test_a_sequence_needs_its_count() -> None:
    assert Documents(sequences={"pi": "ANW-PI-{yymm}-{n:02d}"}).sequence("pi") == "ANW-PI-{yymm}-{n:02d}"
    assert Documents().sequence("invoice") == "CI-{yymm}-{n:03d}"
    for bad, said in (({"pi": "ANW-PI-{yymm}"}, "needs the count"), ({"pi": "PI-{month}-{n}"}, "does not read"),
                      ({"quote": "Q-{n}"}, "is none of")):
        with pytest.raises(ValidationError, match=said):
            Documents(sequences=bad)


def test_rules_check_renders_every_document_template_and_names_a_broken_one(tmp_path: Path) -> None:
    import shutil

    from mailflow.config import Config, Identity
    from mailflow.errors import ReplyTemplateError
    from mailflow.shipped import shipped
    from mailflow.writer.desk import check_templates

    folder = tmp_path / "documents"
    shutil.copytree(shipped("templates") / "documents", folder)
    config = Config(identity=Identity(company="Acme", address="orders@acme.example"), documents=Documents(folder=folder))
    assert len(check_templates(config)) == len(paper.KINDS)
    broken = folder / "packing_list.html.j2"
    broken.write_text(broken.read_text(encoding="utf-8").replace("doc.packages }}", "doc.parcels }}"), encoding="utf-8")
    with pytest.raises(ReplyTemplateError, match=r"packing_list.html.j2: cannot render: .*parcels"):
        check_templates(config)


def test_writing_a_document_leaves_damaged_images_refused() -> None:
    """Importing WeasyPrint lets Pillow load truncated images process-wide; the writer puts the
    setting back, so a damaged photo a buyer sends is still refused as damaged, not read. In a
    fresh process: the import happens once, and another test may have made it already."""
    import subprocess
    import sys

    script = ("from PIL import ImageFile\n"
              "from mailflow.writer.render import pdf\n"
              "assert pdf('<p>P/I</p>').startswith(b'%PDF')\n"
              "print(ImageFile.LOAD_TRUNCATED_IMAGES)\n")
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
