"""The search index's number keys: found per text by the worker that read the mail
(`correlate.keys_in`, `Prepared.text_keys`) and merged while filing, they are exactly those
`number_keys` finds reading the texts in order, up to its bound (test_store holds a filed
mail's search text equal to one made without them)."""

from __future__ import annotations

from mailflow.correlate import MAX_KEYS, keys_in, number_keys


def test_keys_found_before_merge_to_what_reading_the_texts_finds() -> None:
    subject = "PO/4500871 and PI-2026-77 revised"
    body = "Please ship BW-2026-0457 with PO/4500871; B/L COSU-6201-88 follows. 订单 PO-7788-1."
    numbers = ["4500871", "JT-2654"]
    texts = [subject, *numbers, body]
    assert number_keys(texts, {subject: keys_in(subject), body: keys_in(body)}) == number_keys(texts)
    assert number_keys(texts) == ["PO4500871", "PI202677", "JT2654", "BW20260457", "COSU620188", "PO77881"]


def test_past_the_bound_the_merge_takes_what_reading_takes() -> None:
    """A text with more keys than the bound, after one whose keys it repeats: the merged keys
    still are the first MAX_KEYS that reading the texts in order finds."""
    first = " ".join(f"A-{i:05d}" for i in range(250))
    second = " ".join(f"A-{i:05d}" for i in range(900))  # repeats the first's 250, then 650 more
    merged = number_keys([first, second], {first: keys_in(first), second: keys_in(second)})
    assert merged == number_keys([first, second]) and len(merged) == MAX_KEYS
    assert merged[-1] == f"A{MAX_KEYS - 1:05d}"
    assert len(keys_in(second)) == 2 * MAX_KEYS
