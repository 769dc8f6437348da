"""The L/C checked against our P/I and the order, as accounts check it when the credit arrives:
the amount within the credit's tolerance (39A) of the P/I's total, the currency, the latest
shipment date (44C) not before the shipment agreed, the expiry (31D) leaving the presentation
period (48, 21 days unless it says otherwise) after the latest shipment. Each discrepancy is a
check, as `extract/checks.py` gives an order document's, and a milestone of the order's plan
("Ask the buyer to amend the L/C: …") that an amendment (MT707) fixing it completes. The
documents the credit requires (46A) become the plan's document milestones.

Pure: the order's documents (each L/C advice or amendment keeps what `extract/swift.py` read
of it) and what the order makes due in, checks and milestones out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from mailflow.extract import swift
from mailflow.extract.details import detail_in, made
from mailflow.follow.money import Expected
from mailflow.follow.plans import Due, Milestone, Plan
from mailflow.model import Check

LC_KINDS = ("lc_advice", "lc_amendment")
CENT = Decimal("0.01")
MAX_DOCUMENT_MILESTONES = 20
AMEND_PREFIX = "lc_amend_"
DOCUMENT_PREFIX = "lc_doc_"
DOCUMENTS_BEFORE_EXPIRY = 7  # days: the credit's documents ready a week before it expires
_DOCUMENT_EN = "L/C document: "

# what each discrepancy asks the buyer to amend, in Chinese (the English is the check's detail)
_AMEND_ZH = {"lc_amount": "信用证金额超出形式发票金额的溢短装范围", "lc_currency": "信用证币种与形式发票不符",
             "lc_shipment": "最迟装运日早于约定的装运/交货日期", "lc_expiry": "有效期不足以在最迟装运日后交单"}

# the document kinds a required document (46A) is, by its words; one no kind fits is done by hand
_REQUIRED_KINDS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (kinds, re.compile(pattern, re.IGNORECASE)) for kinds, pattern in (
        (("bl", "bl_original"), r"bills?\s?of\s?lading|\bB/L\b|sea\s?waybill|提单|提單|海运单|海運單"),
        (("packing_list",), r"packing\s?list|装箱单|裝箱單"),
        (("co",), r"certificate\s?of\s?origin|\bform\s?[AE]\b|产地证|產地證"),
        (("inspection_report",), r"inspection\s?(?:certificate|report)|检验证书|檢驗證書|检验报告|檢驗報告"),
        (("shipping_advice",), r"shipping\s?advice|shipment\s?advice|装运通知|裝運通知"),
        ((), r"insurance|beneficiary|weight\s?(?:list|note)|保险|保險|受益人|重量单|重量單"),  # "… of invoice value"
        (("commercial_invoice",), r"invoice|发票|發票"),
    ))
_NOT_A_NAME = {"signed", "full", "set", "of", "the", "in", "copies", "copy", "original", "originals", "and",
               "one", "two", "three", "duly", "issued", "by", "for", "an", "clean", "on", "board", "manually", "fold"}


class OnFile(Protocol):
    """A document of the order as this module reads it (`follow.order.Doc`)."""

    @property
    def kind(self) -> str: ...

    @property
    def record(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Standing:
    """The L/C on file: as it stands after its amendments, its checks now, each discrepancy
    ever found (its latest failing check) and the document after which it no longer held."""

    credit: swift.Credit | None
    checks: tuple[Check, ...]
    found: Mapping[str, Check]
    cleared: Mapping[str, Any]  # check name -> the document (an amendment) that fixed it


def credits(documents: Sequence[OnFile]) -> list[tuple[OnFile, swift.Credit]]:
    """The credit as it stands after each L/C document, in the order they were filed: an
    advice states it whole (a later one replaces it), an amendment changes what it names."""
    current: swift.Credit | None = None
    found: list[tuple[OnFile, swift.Credit]] = []
    for doc in documents:
        record = _credit_record(doc) if doc.kind in LC_KINDS else None
        if record is None:
            continue
        read = swift.credit_from_record(record)
        if doc.kind == "lc_advice" and not read.amendment:
            current = read
        else:
            current = swift.apply(current or swift.Credit(), read)
        found.append((doc, current))
    return found


def _credit_record(doc: OnFile) -> Mapping[str, Any] | None:
    """What `extract/swift.py` read of an L/C document, as kept on it; None when nothing was."""
    lc = doc.record.get("lc")
    credit = lc.get("credit") if isinstance(lc, Mapping) else None
    return credit if isinstance(credit, Mapping) else None


def amended(doc: OnFile) -> list[str]:
    """What an L/C document says, in words (an amendment: what it changes)."""
    record = _credit_record(doc)
    return swift.credit_from_record(record).changes() if record is not None else []


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def check(credit: swift.Credit, expected: Expected, agreed: dt.date | None, agreed_what: str = "delivery date"
          ) -> tuple[Check, ...]:
    """The credit against what the order makes due (`expected`: the P/I's total and currency)
    and the shipment agreed; a check that cannot run (nothing to compare) is left out."""
    checks: list[Check] = []
    code, want = credit.currency.upper(), expected.currency.upper()
    if code and want:
        ok = code == want
        checks.append(made("lc_currency", ok, code=code, **({} if ok else {"source": expected.source, "want": want})))
    if credit.amount is not None and expected.total is not None and (not code or not want or code == want):
        plus, minus = credit.tolerance or (Decimal(0), Decimal(0))
        low = (credit.amount * (100 - minus) / 100).quantize(CENT)
        high = (credit.amount * (100 + plus) / 100).quantize(CENT)
        ok = low - CENT <= expected.total <= high + CENT
        checks.append(made("lc_amount", ok, code=code, amount=_money(credit.amount), plus=plus, minus=minus,
                           low=_money(low), high=_money(high), source=expected.source,
                           total=_money(expected.total)))
    if credit.latest_shipment is not None and agreed is not None:
        ok = credit.latest_shipment >= agreed
        checks.append(made("lc_shipment", ok, latest=credit.latest_shipment.isoformat(),
                           **({} if ok else {"agreed_what": agreed_what, "agreed": agreed.isoformat()})))
    if credit.expiry is not None and credit.latest_shipment is not None:
        days = credit.presentation_days if credit.presentation_days is not None else swift.PRESENTATION_DAYS
        need = credit.latest_shipment + dt.timedelta(days=days)
        ok = credit.expiry >= need
        checks.append(made("lc_expiry", ok, expiry=credit.expiry.isoformat(), days=days,
                           latest=credit.latest_shipment.isoformat(), **({} if ok else {"need": need.isoformat()})))
    return tuple(checks)


def standing(documents: Sequence[OnFile], expected: Expected, agreed: dt.date | None,
             agreed_what: str = "delivery date") -> Standing:
    """The credit now, its checks, and the history of its discrepancies: one found after an
    advice or an amendment stays found until a later amendment fixes it."""
    states = credits(documents)
    found: dict[str, Check] = {}
    cleared: dict[str, Any] = {}
    last: tuple[Check, ...] = ()
    for doc, credit in states:
        last = check(credit, expected, agreed, agreed_what)
        for result in last:
            if not result.ok:
                found[result.name] = result
                cleared.pop(result.name, None)
            elif result.name in found and result.name not in cleared:
                cleared[result.name] = doc
    return Standing(states[-1][1] if states else None, last, found, cleared)


def required_kinds(text: str) -> tuple[str, ...]:
    """The document kinds a required document (a 46A item) is; () when none fits. The item is
    the document it names first: "SHIPPING ADVICE ... QUOTING B/L NO." is the shipping advice,
    "BENEFICIARY'S CERTIFICATE ... COPY OF B/L HAS BEEN SENT" a beneficiary's certificate."""
    head = text[:300]
    found = [(match.start(), order, kinds) for order, (kinds, pattern) in enumerate(_REQUIRED_KINDS)
             if (match := pattern.search(head))]
    return min(found)[2] if found else ()


def _document_key(text: str, kinds: tuple[str, ...], index: int) -> str:
    if kinds:
        return DOCUMENT_PREFIX + kinds[-1]
    words = [w for w in re.findall(r"[a-z]{2,20}", text[:200].lower()) if w not in _NOT_A_NAME][:2]
    return DOCUMENT_PREFIX + ("_".join(words) if words else str(index))


def amend_key(check_name: str) -> str:
    return AMEND_PREFIX + check_name.removeprefix("lc_")


def extend(plan: Plan, found: Standing) -> Plan:
    """The plan with the L/C's own milestones: one "ask the buyer to amend the L/C" for each
    discrepancy found (after the L/C is received, owned by accounts, done by hand or by the
    amendment that fixes it), and one for each document the credit requires that no milestone
    of the plan takes already (done by that document, or by hand when no kind fits; before the
    credit expires, and required before the documents are presented)."""
    if found.credit is None:
        return plan
    has = {m.key for m in plan.milestones}
    after_receipt = (Due("lc_received", 1),) if "lc_received" in has else ()
    amend = [Milestone(key=amend_key(name), owner="accounts", hand=True, due=after_receipt,
                       names={"en": f"Ask the buyer to amend the L/C: {result.detail}",
                              "zh": f"请客户修改信用证：{detail_in(dataclasses.asdict(result), 'zh')}"})
             for name, result in found.found.items()]
    taken = {kind for m in plan.milestones for kind in m.documents}
    documents: list[Milestone] = []
    for index, text in enumerate(found.credit.documents[:MAX_DOCUMENT_MILESTONES], start=1):
        kinds = required_kinds(text)
        key = _document_key(text, kinds, index)
        if taken & set(kinds) or key in has or any(m.key == key for m in documents):
            continue
        documents.append(Milestone(key=key, owner="merchandiser", documents=kinds, hand=not kinds,
                                   due=(Due("lc_expiry", -DOCUMENTS_BEFORE_EXPIRY),),
                                   names={"en": f"{_DOCUMENT_EN}{text[:120]}", "zh": f"信用证单据：{text[:120]}"}))
    milestones = list(plan.milestones)
    if documents and "presentation" in has:
        at = next(i for i, m in enumerate(milestones) if m.key == "presentation")
        milestones[at] = dataclasses.replace(milestones[at], requires=(*milestones[at].requires,
                                                                         *(m.key for m in documents)))
        milestones[at:at] = documents
    else:
        milestones += documents
    at = next((i + 1 for i, m in enumerate(milestones) if m.key == "lc_received"), len(milestones))
    milestones[at:at] = amend
    return dataclasses.replace(plan, milestones=tuple(milestones))


def name_in(key: str, stored: str, language: str) -> str | None:
    """An L/C milestone's name in `language`, from its key and the (English) name stored with
    it; None for a milestone that is not the L/C's own."""
    if key.startswith(AMEND_PREFIX):
        if language != "zh":
            return stored
        return f"请客户修改信用证：{_AMEND_ZH.get('lc_' + key.removeprefix(AMEND_PREFIX), stored)}"
    if key.startswith(DOCUMENT_PREFIX):
        text = stored.removeprefix(_DOCUMENT_EN)
        return f"信用证单据：{text}" if language == "zh" else f"{_DOCUMENT_EN}{text}"
    return None
