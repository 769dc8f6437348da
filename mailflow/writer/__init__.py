"""The documents the desk writes: the P/I, the commercial invoice, the packing list, the
production order and our P/O to a supplier, each from one Jinja2 template per kind under
`templates/documents/`, rendered to PDF by WeasyPrint, numbered from the configured sequences and
filed under the order as ours.

`paper.py` builds what a template shows (pure), `words.py` writes amounts in words, `render.py`
turns a template into a PDF, `desk.py` gathers an order's facts from the store, numbers the
document and files it.
"""
