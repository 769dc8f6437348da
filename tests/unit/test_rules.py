"""Rules: each operator, any/all/none, explanations, actions, and errors that say file:line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mailflow.errors import RuleError
from mailflow.parse import parse
from mailflow.rules import load_rules, unwrap
from tests.mails import mail


def ruleset(tmp_path: Path, text: str, name: str = "10-test.yaml"):
    folder = tmp_path / "rules"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return load_rules(folder)


def classify(tmp_path: Path, rules: str, data: bytes):
    return ruleset(tmp_path, rules).classify(parse(data))


@pytest.mark.parametrize("condition, subject, expected", [
    ("subject: {contains: 'purchase ORDER'}", "New Purchase Order 42", True),
    ("subject: {contains: [quote, 报价]}", "请报价", True),
    ("subject: {contains: 'quote'}", "Order", False),
    ("subject: 'order'", "ORDER 5", True),  # a plain text means contains
    ("subject: {regex: '\\bPO\\s*\\d+'}", "re: po 4500871", True),
    ("subject: {regex: '^invoice$'}", "Invoice 7", False),
    ("subject: {glob: 'Re: *order*'}", "RE: Your ORDER today", True),
    ("subject: {glob: 'order*'}", "Re: order", False),
    ("subject: {equals: 'hello'}", "  Hello ", True),
    ("subject: {equals: 'hello'}", "hello there", False),
    ("subject: {in: [a, hello, b]}", "HELLO", True),
])
def test_each_operator_on_the_subject(tmp_path: Path, condition: str, subject: str, expected: bool) -> None:
    rules = f"""
    - name: r
      category: hit
      when:
        {condition}
    """
    decision = classify(tmp_path, rules, mail(subject))
    assert (decision.category == "hit") is expected
    assert decision.rule == ("r" if expected else None)


def test_in_matches_addresses_and_domains_from_a_list_file(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "buyers.txt").write_text("# buyers\nnorthwind.example\nsolo@other.example\n")
    rules = """
    - name: known
      category: known
      when:
        from: {in: {file: buyers.txt}}
    """
    assert classify(tmp_path, rules, mail(sender="x@northwind.example")).category == "known"
    assert classify(tmp_path, rules, mail(sender="Solo <solo@other.example>")).category == "known"
    assert classify(tmp_path, rules, mail(sender="x@other.example")).category == "other"
    assert classify(tmp_path, rules, mail(sender="x@evilnorthwind.example")).category == "other"


def test_from_us_tests_the_sender_against_the_identity_the_rules_are_loaded_with(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "10-ours.yaml").write_text(textwrap.dedent("""
    - name: ours
      category: ours
      when: {from_us: true}
    - name: theirs
      category: theirs
      when: {from_us: false}
    """), encoding="utf-8")
    rules = load_rules(folder, ours=("Desk@Acme.example", "lily@gmail.example", "acme.example"))
    for sender, expected in [("Desk <desk@acme.example>", "ours"), ("x@acme.example", "ours"),
                             ("Lily <LILY@gmail.example>", "ours"), ("y@gmail.example", "theirs"),
                             ("z@mx.acme.example", "theirs"), ("b@northwind.example", "theirs")]:
        decision = rules.classify(parse(mail(sender=sender)))
        assert decision.category == expected, (sender, decision.conditions)
    said = rules.classify(parse(mail(sender="x@acme.example"))).conditions
    assert said == ("ours: from_us: x@acme.example is at our domain acme.example",)
    # loaded without an identity, no sender is ours (and the explanation says why)
    bare = load_rules(folder).classify(parse(mail(sender="x@acme.example")))
    assert bare.category == "theirs" and bare.conditions == ("theirs: from_us: no identity was given to the rules",)


def test_body_conditions_read_wrapped_lines_joined(tmp_path: Path) -> None:
    rules = """
    - name: paid
      category: payment
      when: {body: {regex: 'we have remitted|已经付款'}}
    """
    assert classify(tmp_path, rules, mail("x", "Today we have\nremitted it.")).category == "payment"
    assert classify(tmp_path, rules, mail("x", "我们今天已经\n付款了。")).category == "payment"
    # a blank line ends a paragraph: a pattern does not reach across it
    assert classify(tmp_path, rules, mail("x", "Today we have\n\nremitted it.")).category == "other"
    assert unwrap("a\n b \n\n\nc\r\nd\n中文\n接着 ") == "a b\n\nc d 中文接着"


def test_any_all_none_combine(tmp_path: Path) -> None:
    rules = """
    - name: po
      category: order
      when:
        all:
          - any:
              - subject: {regex: 'purchase order'}
              - attachment: {name: '*.pdf', text: {contains: 'purchase order'}}
          - none:
              - header: {name: Auto-Submitted, regex: '^auto-'}
    """
    pdf = ("po.PDF", b"%PDF", "application/pdf")
    assert classify(tmp_path, rules, mail("Purchase order 1")).category == "order"
    assert classify(tmp_path, rules, mail("Purchase order 1", headers={"Auto-Submitted": "auto-replied"})).category == "other"
    # attachment text is empty until extraction fills it: the name alone is not enough here
    assert classify(tmp_path, rules, mail("Files", attachments=[pdf])).category == "other"


def test_attachment_text_from_a_text_attachment(tmp_path: Path) -> None:
    from mailflow.extract import read_attachment_texts

    rules = ruleset(tmp_path, """
    - name: csv-order
      category: order
      when:
        attachment: {name: '*.csv', text: {regex: 'qty'}}
    """)
    message = read_attachment_texts(parse(mail("x", attachments=[("lines.csv", b"item,qty\nA,5\n", "text/csv")])))
    decision = rules.classify(message)
    assert decision.category == "order"
    assert "attachment 'lines.csv'" in decision.conditions[0]


def test_fields_from_to_cc_body_header(tmp_path: Path) -> None:
    base = "- name: r\n  category: hit\n  when:\n    {}\n"
    data = mail("s", "The L/C has been opened.", sender="Bank <trade@bank.example>",
                to="orders@acme.example", headers={"Cc": "boss@acme.example", "X-Tag": "vip"})
    for condition in ["from: {glob: '*@bank.example'}", "to: {equals: orders@acme.example}",
                      "cc: {contains: boss}", "body: {regex: 'L/C has been opened'}",
                      "header: {name: X-Tag, equals: vip}", "header: {name: x-tag}"]:
        folder = tmp_path / condition.split(":")[0].replace(" ", "")
        assert classify(folder, base.format(condition), data).category == "hit", condition


def test_explanation_names_the_rule_and_what_matched(tmp_path: Path) -> None:
    rules = """
    - name: complaint
      category: complaint
      when:
        any:
          - subject: {regex: 'claim|投诉'}
          - body: {contains: damaged}
    """
    decision = classify(tmp_path, rules, mail("Quality 投诉", "cartons damaged"))
    assert decision.rule == "complaint"
    assert any("subject regex" in c and "'投诉'" in c for c in decision.conditions)
    assert any("body contains 'damaged'" in c for c in decision.conditions)


def test_first_match_decides_unless_continue(tmp_path: Path) -> None:
    rules = """
    - name: tagger
      when: {from: {glob: '*@northwind.example'}}
      then: [{tag: vip}, continue]
    - name: first
      category: one
      when: {subject: {contains: x}}
    - name: second
      category: two
      when: {subject: {contains: x}}
    """
    decision = classify(tmp_path, rules, mail("x"))
    assert (decision.category, decision.rule) == ("one", "first")
    assert decision.tags == ("vip",)
    assert decision.matched_rules == ("tagger", "first")


def test_actions_are_recorded_with_their_rule(tmp_path: Path) -> None:
    rules = """
    - name: po
      category: order
      when: {subject: {contains: PO}}
      then:
        - extract: pdf
        - file: order
        - reply: {template: order_confirmation, hold: true}
        - imap: {move: Orders, flag: $Filed}
        - tag: [orders, vip]
        - stop
    """
    decision = classify(tmp_path, rules, mail("PO 1"))
    kinds = [a.kind for a in decision.actions]
    assert kinds == ["extract", "file", "reply", "imap", "tag"]
    reply = decision.wants("reply")[0]
    assert reply.params == {"template": "order_confirmation", "hold": True, "language": None}
    assert reply.rule == "po"
    assert decision.wants("imap")[0].params == {"move": "Orders", "flag": "$Filed"}


def test_nothing_matches_gives_other(tmp_path: Path) -> None:
    decision = classify(tmp_path, "- name: r\n  category: x\n  when: {subject: nothing-like-this}\n", mail("hi"))
    assert (decision.category, decision.rule, decision.conditions) == ("other", None, ())


@pytest.mark.parametrize("text, line, fragment", [
    ("- name: r\n  category: x\n  when: {subject: {contains: a}\n", 4, "invalid YAML"),
    ("- name: r\n  category: x\n  when:\n    subject: {regex: '(unclosed'}\n", 4, "invalid regex"),
    ("- name: r\n  category: x\n  when:\n    subjekt: {contains: a}\n", 4, "unknown condition 'subjekt'"),
    ("- name: r\n  category: x\n  when:\n    subject: {like: a}\n", 4, "unknown operator 'like'"),
    ("- name: r\n  category: x\n  when: {subject: a}\n  then:\n    - explode: now\n", 5, "unknown action 'explode'"),
    ("- name: r\n  category: x\n  when: {subject: a}\n  then:\n    - file: drawer\n", 5, "file: takes"),
    ("- name: r\n  category: x\n", 1, "has no 'when'"),
    ("- category: x\n  when: {subject: a}\n", 1, "needs a name"),
    ("- name: r\n  category: X Y\n  when: {subject: a}\n", 2, "lower-case word"),
    ("- name: r\n  category: x\n  when: {subject: a}\n- name: r\n  category: y\n  when: {subject: b}\n", 4,
     "already used"),
    ("- name: r\n  category: x\n  when: {subject: a}\n  colour: red\n", 4, "unknown rule key 'colour'"),
    ("name: r\n", 1, "a list of rules"),
    ("- name: r\n  category: x\n  when: {from: {in: {file: missing.txt}}}\n", 3, "cannot read list file"),
    ("- name: r\n  category: x\n  when:\n    all:\n      - subject: a\n      - from_us: yes please\n", 6,
     "when.all[1].from_us: from_us: takes true or false"),
    (("- name: r\n  category: x\n  when: {subject: a}\n  then:\n    - reply:\n        template: t\n"
     "        hold: {approver: boss}\n"), 7, "then[0].reply.hold.approver: approver is one of merchandiser"),
    (("- name: r\n  category: x\n  when: {subject: a}\n  then:\n    - reply:\n        template: t\n"
     "        hold:\n          approver: manager\n          who: me\n"), 9, "unknown hold option 'who'"),
    (("- name: r\n  category: x\n  when: {subject: a}\n  then:\n    - reply:\n        template: t\n"
     "        hold: sometimes\n"), 7, "hold: takes true, false or {approver: ROLE, reason: TEXT}"),
    (("- name: r\n  category: x\n  when: {subject: a}\n  then:\n    - reply:\n        template: t\n"
     "        hold:\n          approver: manager\n          reason:\n            en: a manager first\n            fr: un directeur\n"), 11,
     "then[0].reply.hold.reason: unknown language 'fr' for a reason (use en, zh)"),
    (("- name: r\n  category: x\n  when: {subject: a}\n  then:\n    - reply:\n        template: t\n"
     "        hold:\n          approver: manager\n          reason:\n            en: a manager first\n            zh: [经理]\n"), 11,
     "then[0].reply.hold.reason.zh: reason is a sentence"),
    (("- name: r\n  category: x\n  when: {subject: a}\n  then:\n    - reply:\n        template: t\n"
     "        hold:\n          approver: manager\n          reason: {zh: 经理先看}\n"), 9, "reason: {en: TEXT, zh: TEXT} needs the English (en)"),
])
def test_bad_rule_files_name_file_line_and_field(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    with pytest.raises(RuleError) as caught:
        ruleset(tmp_path, text, name="20-bad.yaml")
    error = caught.value
    assert error.file is not None and error.file.endswith("20-bad.yaml")
    assert error.line == line, str(error)
    assert fragment in str(error)
    assert f"20-bad.yaml:{line}:" in str(error)


def test_rules_load_in_file_name_order(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "20-b.yaml").write_text("- name: b\n  category: b\n  when: {subject: x}\n")
    (folder / "10-a.yaml").write_text("- name: a\n  category: a\n  when: {subject: x}\n")
    assert load_rules(folder).classify(parse(mail("x"))).category == "a"


def test_an_empty_rules_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    with pytest.raises(RuleError, match="no rules found"):
        load_rules(tmp_path / "rules")


@pytest.mark.parametrize("pattern, text, expected", [
    (r"PO\s*\d+", "our po 4500871 attached", "po 4500871"),
    (r"\bT/?T COPY\b", "Attached the tt copy", "tt copy"),
    (r"[A-Z]{2}-\d{3}", "ref mh-118 and AB-999", "mh-118"),
    (r"\D\D\d", "AB1", "AB1"),  # \D stays "not a digit", not lowered to \d
    (r"ORDER\W+NO", "Order -- No", "Order -- No"),
    (r"Größe", "GRÖSSE GRÖßE", "GRÖßE"),
    (r"\N{LATIN SMALL LETTER A}BC", "xABC", "ABC"),
])
def test_regex_ignores_case_without_changing_what_escapes_mean(tmp_path: Path, pattern: str, text: str,
                                                               expected: str) -> None:
    rules = ruleset(tmp_path, f"- name: r\n  category: hit\n  when: {{body: {{regex: '{pattern}'}}}}\n")
    decision = rules.classify(parse(mail("x", text)))
    assert decision.category == "hit"
    assert f"matched '{expected}'" in decision.conditions[0]


def test_an_escaped_digit_class_is_not_turned_into_its_opposite(tmp_path: Path) -> None:
    rules = ruleset(tmp_path, "- name: r\n  category: hit\n  when: {subject: {regex: '^\\D+$'}}\n")
    assert rules.classify(parse(mail("ABC"))).category == "hit"
    assert rules.classify(parse(mail("123"))).category == "other"


MEMO_RULES = """
- name: po
  category: order
  when:
    all:
      - body: {regex: 'purchase order'}
      - order: "known"
  then: []
- name: ask
  category: inquiry
  when: {subject: {contains: price}}
  then: []
"""


def test_a_memo_carries_content_verdicts_to_the_classification_after_correlation(tmp_path: Path) -> None:
    from mailflow.rules import OPTIMISTIC, Memo

    message = parse(mail("Price please", "Our purchase order follows."))
    worker = ruleset(tmp_path / "a", MEMO_RULES)  # the worker's load of the rules
    daemon = ruleset(tmp_path / "b", MEMO_RULES)  # the daemon's own load of the same rules
    assert worker.fingerprint == daemon.fingerprint
    memo = Memo(worker.fingerprint)
    worker.classify(message, OPTIMISTIC, memo=memo)
    assert memo.verdicts  # the body and subject conditions were taken
    known = {"known": True}
    assert daemon.classify(message, known, memo=memo).rule == daemon.classify(message, known).rule == "po"
    # the verdicts are what is read, not the text: a memo that says the body did not match decides
    body = next(place for place, (ok, reasons) in memo.verdicts.items() if reasons and "body" in reasons[0])
    memo.verdicts[body] = (False, ["body did not match"])
    assert daemon.classify(message, known, memo=memo).rule == "ask"
    # rules that test anything else do not read that memo
    other = ruleset(tmp_path / "c", MEMO_RULES.replace("purchase order", "purchase orders?"))
    assert other.fingerprint != worker.fingerprint
    assert other.classify(message, known, memo=memo).rule == "po"


# MEMO_RULES with the body condition in groups of content conditions
GROUP_RULES = MEMO_RULES.replace("      - body: {regex: 'purchase order'}\n", """\
      - any:
          - subject: {contains: order}
          - body: {regex: 'purchase order'}
      - none:
          - subject: {contains: cancel}
""")


def test_a_group_of_content_conditions_is_remembered_as_one(tmp_path: Path) -> None:
    from mailflow.rules import OPTIMISTIC, Group, Memo

    message = parse(mail("Price please", "Our purchase order follows."))
    worker, daemon = ruleset(tmp_path / "a", GROUP_RULES), ruleset(tmp_path / "b", GROUP_RULES)
    memo = Memo(worker.fingerprint)
    worker.classify(message, OPTIMISTIC, memo=memo)
    known = {"known": True}
    fresh = daemon.classify(message, known)
    assert fresh.rule == "po" and any("body" in c for c in fresh.conditions)
    assert daemon.classify(message, known, memo=memo) == fresh  # the same decision, reasons and all
    # the group `any` is one verdict of the memo: what it says is what is read, not its children's
    group = next(c for c in daemon.rules[0].when.children if isinstance(c, Group) and c.kind == "any")  # type: ignore[attr-defined]
    assert group.content and not daemon.rules[0].when.content  # `order:` is no content condition
    place = daemon._places[id(group)]
    assert memo.verdicts[place][0] is True
    memo.verdicts[place] = (False, [])
    assert daemon.classify(message, known, memo=memo).rule == "ask"
    # the same conditions grouped otherwise are other rules: their memo is not read
    other = ruleset(tmp_path / "c", GROUP_RULES.replace("- any:", "- all:"))
    assert other.fingerprint != worker.fingerprint


def test_a_hold_names_who_releases_it(tmp_path: Path) -> None:
    rules = ruleset(tmp_path, "- name: complaint\n  category: complaint\n  when: {subject: a}\n  then:\n"
                              "    - reply: {template: complaint_ack, hold: {approver: manager, reason: "
                              "'a manager reads every complaint first'}}\n"
                              "    - reply: {template: inquiry_ack, hold: true}\n"
                              "    - reply: {template: sample_ack, hold: {approver: manager, reason: "
                              "{en: 'a manager sends  samples', zh: '样品由经理寄出'}}}\n")
    first, second, both = rules.rules[0].actions
    assert first.params["hold"] is True and first.params["approver"] == "manager"
    assert first.params["hold_reason"] == "a manager reads every complaint first" and "hold_reason_zh" not in first.params
    assert second.params["hold"] is True and "approver" not in second.params
    # a reason in two languages: the English as a plain reason is kept, the Chinese beside it
    assert both.params["hold_reason"] == "a manager sends samples" and both.params["hold_reason_zh"] == "样品由经理寄出"


def test_every_shipped_hold_gives_its_reason_in_chinese() -> None:
    from tests.conftest import ROOT

    holds = [action.params for rule in load_rules(ROOT / "rules").rules for action in rule.actions
             if action.kind == "reply" and action.params.get("hold_reason")]
    assert len(holds) >= 3
    for params in holds:
        assert params.get("hold_reason_zh"), params
