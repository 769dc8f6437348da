"""`mailflow extract FILE`: the order in a document, as the pipeline reads it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from mailflow import clock
from mailflow.cli.base import State, main, out
from mailflow.cli.orders import print_order_data


@main.command("extract")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--template-dir", "template_dirs", multiple=True,
              type=click.Path(path_type=Path, exists=True, file_okay=False),
              help="A folder of invoice2data templates (instead of the configured ones).")
@click.option("--json", "as_json", is_flag=True)
@click.option("--explain", is_flag=True, help="Which template matched, and where each field came from.")
@click.pass_obj
def extract_command(state: State, file: Path, template_dirs: tuple[Path, ...], as_json: bool,
                    explain: bool) -> None:
    """Print the order in FILE (PDF, .xlsx, .csv or text), as the pipeline would read it."""
    import dataclasses as dc

    from mailflow.extract import Extractor, extract_file, order_data, settings_from
    from mailflow.extract.checks import check_order
    from mailflow.extract.templates import field_sources, load_templates

    settings = settings_from(state.config) if state.config_file_exists else None
    if settings is None or template_dirs:
        from mailflow.extract import Settings

        base = settings or Settings()
        dirs = tuple(str(d.resolve()) for d in template_dirs) or base.template_dirs
        settings = dc.replace(base, template_dirs=dirs)
    load_templates(settings.template_dirs)  # a broken template is reported before any reading
    extractor = Extractor(settings)
    try:
        document = extract_file(file, extractor)
    finally:
        extractor.close()
    data = order_data([document])
    data = dc.replace(data, checks=check_order(data, today=clock.today(), floors=settings.floors))
    if as_json:
        ocr = None if document.ocr_confidence is None else {"confidence": document.ocr_confidence}
        click.echo(json.dumps({"template": document.template, "ocr": ocr,
                               "fields": document.fields or _generic_fields(document),
                               "order": _order_json(data)}, ensure_ascii=False, indent=2))
        return
    reader = data.source or ("template " + document.template if document.template else "generic reader")
    out.print(f"[bold]{escape(file.name)}[/bold]: {document.pages or '-'} page(s), {escape(reader)}")
    if explain:
        if document.template:
            out.print(f"matched by keywords: {', '.join(document.keywords)}", markup=False)
            template = next(t for t in load_templates(settings.template_dirs)
                            if t["template_name"] == document.template)
            sources = field_sources(template, document.text)
            for name, value in document.fields.items():
                where = f" <- {sources[name]!r}" if name in sources else ""
                out.print(f"  {name}: {value!r}{where}", markup=False)
        else:
            for found in document.found:
                used = "used" if found.confidence >= 0.5 else "NOT used"
                note = f" ({found.note})" if found.note else ""
                out.print(f"  {found.name}: {found.value!s} confidence {found.confidence} {used}"
                          f"{note} <- {found.source!r}", markup=False)
    print_order_data({**_order_json(data), "document": {}})


def _order_json(data: Any) -> dict[str, Any]:
    from mailflow.extract.record import order_record

    return {**order_record(data), "source": data.source,
            "confidence": dict(data.confidence),
            "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in data.checks]}


def _generic_fields(document: Any) -> dict[str, Any]:
    """The generic reader's fields in invoice2data's JSON shape (dates as YYYY-MM-DD strings,
    numbers as numbers), so one consumer reads both."""
    from mailflow.extract.templates import json_fields

    fields: dict[str, Any] = {}
    for found in document.found:
        if found.confidence < 0.5 or found.name == "lines":
            continue
        key = {"number": "invoice_number", "order_date": "date", "total": "amount"}.get(found.name,
                                                                                     found.name)
        fields.setdefault(key, found.value)
    lines = document.order.get("lines") or ()
    if lines:
        fields["lines"] = [{"code": li.item_code, "name": li.description, "qty": li.quantity,
                            "uom": li.unit, "price_unit": li.unit_price,
                            "price_subtotal": li.amount} for li in lines]
    return json_fields(fields)
