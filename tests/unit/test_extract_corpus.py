"""invoice2data's golden documents, read the way mailflow reads them: pdfplumber's layout text
fed to invoice2data's own template engine (its bundled templates for compare/, the case's own
for custom/), compared field by field with invoice2data's expected JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mailflow.extract import Extractor, Settings, extract_file
from mailflow.extract.pdf import PlumberInput
from mailflow.extract.templates import json_fields, load_templates, match, run

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "invoice2data"  # MIT, see its LICENSE.md
invoice2data = pytest.importorskip("invoice2data")
BUNDLED = Path(invoice2data.__file__).parent / "extract" / "templates"
COMPARE = sorted(p.stem for p in (CORPUS / "compare").glob("*.pdf"))
CUSTOM = sorted(p.stem for p in (CORPUS / "custom").glob("*.txt"))
# saeco's keywords are partly in an embedded image (read through OCR) and one is a regex, which
# invoice2data 1.0.1 compares as plain text and mailflow searches for with RE2 when that fails.
UNREACHABLE: dict[str, str] = {}



def differences(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    out = []
    for key, want in expected.items():
        have = got.get(key)
        if isinstance(want, float) and isinstance(have, (int, float)):
            same = abs(want - have) < 1e-6
        elif key == "lines" and isinstance(want, list) and isinstance(have, list):
            # invoice2data 1.0.1 adds a UN/ECE unit code to lines; older goldens lack it
            def plain(lines: list[Any]) -> list[Any]:
                return [{k: v for k, v in line.items() if k != "unece_code"} for line in lines]
            same = plain(have) == plain(want)
        else:
            same = want == have
        if not same:
            out.append(f"{key}: expected {want!r}, got {have!r}")
    return out


@pytest.fixture(scope="module")
def extractor() -> Any:
    extractor = Extractor(Settings(template_dirs=(str(BUNDLED),), workers=2))
    yield extractor
    extractor.close()


@pytest.mark.parametrize("name", COMPARE)
def test_compare_documents_give_invoice2data_s_expected_fields(name: str, extractor: Extractor) -> None:
    if name in UNREACHABLE:
        pytest.xfail(UNREACHABLE[name])
    pytest.importorskip("dateparser")  # QualityHosting's German dates need it, as with invoice2data
    document = extract_file(CORPUS / "compare" / f"{name}.pdf", extractor)
    expected = json.loads((CORPUS / "compare" / f"{name}.json").read_text())[0]
    assert document.template is not None, "no template matched"
    assert differences(expected, document.fields) == []


@pytest.mark.parametrize("name", CUSTOM)
def test_custom_cases_run_through_invoice2data_s_engine(name: str) -> None:
    templates = load_templates((str(CORPUS / "custom" / "templates"),))
    text = (CORPUS / "custom" / f"{name}.txt").read_text(encoding="utf-8")
    template = match(text, templates)
    assert template is not None
    fields = json_fields(run(template, text, str(CORPUS / "custom" / f"{name}.txt"), PlumberInput))
    expected = json.loads((CORPUS / "custom" / f"{name}.json").read_text())[0]
    assert differences(expected, fields) == []


def test_a_template_naming_an_installed_reader_is_read_with_it(tmp_path: Path) -> None:
    """`input_module: text` (invoice2data's plain-text reader) is honoured: the template sees
    that reader's text, not pdfplumber's."""
    pdfs = pytest.importorskip("tests.pdfs")
    doc = pdfs.sample_order(1, seed=31, number="PO-2026-0900")
    path = pdfs.write_order_pdf(doc, tmp_path / "po.pdf")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "pinned.yml").write_text(
        "issuer: Pinned\nkeywords: [PURCHASE ORDER]\ninput_module: pdftotext\n"
        "required_fields: [po_number]\nfields:\n  po_number: {parser: regex, regex: 'PO No\\.:\\s+(\\S+)'}\n",
        encoding="utf-8")
    from invoice2data.input import INPUT_MODULES, is_available

    if not is_available(INPUT_MODULES["pdftotext"]):
        pytest.skip("poppler's pdftotext is not installed")
    extractor = Extractor(Settings(template_dirs=(str(folder),), workers=1))
    try:
        document = extract_file(path, extractor)
    finally:
        extractor.close()
    assert document.template == "pinned.yml" and document.fields["po_number"] == doc.number
    import subprocess

    poppler = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                             capture_output=True, text=True, check=True).stdout
    assert document.text.strip() == poppler.strip()  # the template saw pdftotext's text


def test_a_broken_template_stops_start_up_with_file_and_line(tmp_path: Path) -> None:
    from mailflow.errors import ConfigError

    (tmp_path / "bad.yml").write_text("issuer: X\nkeywords: [X]\nfields:\n  a: {parser: regex, "
                                      "regex: '(unclosed'}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_templates((str(tmp_path),))
    assert f"{tmp_path / 'bad.yml'}:4" in str(error.value) and "fields.a" in str(error.value)
