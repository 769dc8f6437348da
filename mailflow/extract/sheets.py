"""Orders sent as spreadsheets (.xlsx with openpyxl, .csv): rows become a table for the
generic reader, and the cells joined give it the text to find labelled fields in.

Runs in a worker like a PDF: an .xlsx is a zip file, and a hostile one can inflate to far
more than it weighs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from mailflow.extract.pdf import Document, generic_document
from mailflow.parse import decode_bytes

SHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv")
SHEET_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv")
MAX_ROWS = 5000


def is_sheet(filename: str, content_type: str) -> bool:
    return filename.lower().endswith(SHEET_SUFFIXES) or content_type in SHEET_TYPES


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def rows_of(data: bytes, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".csv") or not data.startswith(b"PK"):
        text, _warning = decode_bytes(data, None)
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)][:MAX_ROWS]
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows: list[list[str]] = []
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                rows.append([_cell(v) for v in row])
                if len(rows) >= MAX_ROWS:
                    return rows
        return rows
    finally:
        book.close()


def read_sheet(data: bytes, filename: str) -> Document:
    try:
        rows = rows_of(data, filename)
    except Exception as exc:  # noqa: BLE001 - openpyxl/zipfile/csv raise many kinds
        return Document(filename, error=f"cannot read the spreadsheet ({type(exc).__name__}: {exc})"[:300])
    rows = [r for r in rows if any(r)]
    text = "\n".join("   ".join(c for c in row if c) for row in rows)
    return generic_document(filename, text, [rows])
