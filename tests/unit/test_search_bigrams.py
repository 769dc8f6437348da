"""The CJK bigrams of the search index: walked over the CJK runs only, the same set as every
pair of neighbouring CJK characters of the whole text."""

from __future__ import annotations

import itertools
import random

from mailflow.store.search import bigrams, is_cjk


def by_definition(text: str) -> set[tuple[str, str]]:
    return {(a, b) for a, b in itertools.pairwise(text) if is_cjk(a) and is_cjk(b)}


def test_bigrams_are_every_pair_of_neighbouring_cjk_characters() -> None:
    edges = "\u33ff\u3400\u9fff\ua000\uf8ff\uf900\ufaff\ufb00"  # just outside and inside each range
    alphabet = "ab 1.，。" + "请寄两卷样品发票" + edges
    rng = random.Random(5)
    texts = ["", "中", "中文", "PO 4500871 please", "混合 text 中文 and 发票号码", edges * 3]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(500)]
    for text in texts:
        assert bigrams(text) == by_definition(text), repr(text)
