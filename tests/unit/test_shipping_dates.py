"""The sailing a booking confirmation or a shipping advice gives (ETD, ETA, vessel, voyage,
containers, cut-offs) in the layouts forwarders write, and the plan counting from the ETD."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from mailflow.errors import RuleError
from mailflow.extract import shipping
from mailflow.extract.shipping import read_shipping, shipping_date
from mailflow.follow import calendar as cal
from mailflow.follow.plans import load_plans
from tests.conftest import ROOT

SENT = dt.date(2026, 4, 8)


def test_a_labelled_english_booking_confirmation() -> None:
    text = ("BOOKING CONFIRMATION\nBooking No.: BWL-SHA-55120\nVessel/Voy.: MSC ANNA V.2641W\n"
            "ETD: 15-APR-2026        ETA: 2026/05/20\nCY cut-off: APR.13   SI cut-off: 12 Apr\n"
            "VGM cut-off: 13-Apr-26\nContainers: 2 x 20GP, 1X40HQ\n")
    assert read_shipping(text, SENT) == {
        "vessel": "MSC ANNA", "voyage": "2641W", "etd": "2026-04-15", "eta": "2026-05-20",
        "cy_cutoff": "2026-04-13", "si_cutoff": "2026-04-12", "vgm_cutoff": "2026-04-13",
        "containers": "2x20GP, 1x40HQ"}


def test_a_chinese_booking_confirmation() -> None:
    text = ("订舱确认\n船名/航次：COSCO PORT KLANG / 118S\n开航日：4月15日\n预计到港：5月20日\n"
            "截柜：4月13日  截补料：4月12日\n柜量：1x40HQ\n")
    assert read_shipping(text, SENT) == {
        "vessel": "COSCO PORT KLANG", "voyage": "118S", "etd": "2026-04-15", "eta": "2026-05-20",
        "cy_cutoff": "2026-04-13", "si_cutoff": "2026-04-12", "containers": "1x40HQ"}
    assert read_shipping("预计开船 2026年4月20日，截重：2026-04-17", SENT) == {
        "etd": "2026-04-20", "cy_cutoff": "2026-04-17"}


def test_a_booking_in_a_sentence_and_a_shipping_advice() -> None:
    booking = ("Dear Grace,\n\nSpace confirmed for PO 4500871: 1x40HQ, MSC ANNA V.2641W, ETD 7 October, "
               "CY cut-off 5 October.\n\nBluewave Logistics")
    assert read_shipping(booking, dt.date(2026, 9, 30)) == {
        "etd": "2026-10-07", "cy_cutoff": "2026-10-05", "containers": "1x40HQ", "vessel": "MSC ANNA",
        "voyage": "2641W"}
    advice = ("Your order sailed on 9 October on COSCO PORT KLANG V.118S, B/L KYPKG2610088, "
              "ETA Port Klang 16 October.")
    assert read_shipping(advice, dt.date(2026, 10, 9)) == {
        "eta": "2026-10-16", "vessel": "COSCO PORT KLANG", "voyage": "118S"}


def test_a_table_layout_with_column_gaps() -> None:
    text = ("Vessel          Voyage     ETD            ETA\n"
            "Vessel  EVER GIVEN   Voyage  0123-045W   E.T.D.  2026-04-21   E.T.A.  2026-05-30\n")
    assert read_shipping(text, SENT) == {"vessel": "EVER GIVEN", "voyage": "0123-045W",
                                         "etd": "2026-04-21", "eta": "2026-05-30"}


@pytest.mark.parametrize(("text", "sent", "day"), [
    ("15-APR-2026", SENT, dt.date(2026, 4, 15)), ("2026/04/15", SENT, dt.date(2026, 4, 15)),
    ("15 Apr", SENT, dt.date(2026, 4, 15)), ("APR.15", SENT, dt.date(2026, 4, 15)),
    ("Apr 15th", SENT, dt.date(2026, 4, 15)), ("15-Apr-26", None, dt.date(2026, 4, 15)),
    ("4月15日", SENT, dt.date(2026, 4, 15)), ("3 Jan", dt.date(2026, 12, 20), dt.date(2027, 1, 3)),
    ("16 October", SENT, dt.date(2026, 10, 16)), ("30 Mar", SENT, dt.date(2026, 3, 30)),
    ("15/04/2026", None, dt.date(2026, 4, 15)),
])
def test_dates_as_forwarders_write_them(text: str, sent: dt.date | None, day: dt.date) -> None:
    assert shipping_date(text, sent) == day


def test_what_is_no_date_is_none() -> None:
    assert shipping_date("15 Apr", None) is None  # no year, and no mail to give one
    assert shipping_date("03/04/2026", SENT) is None  # reads both ways
    assert shipping_date("03/04/2026", SENT, day_first=True) == dt.date(2026, 4, 3)
    assert shipping_date("Decided 12", SENT) is None and shipping_date("TBA", SENT) is None
    assert read_shipping("The vessel was delayed by the typhoon.", SENT) == {}
    assert read_shipping("", SENT) == {}


def test_long_lines_and_many_labels_stay_bounded() -> None:
    text = ("ETD " * 5000 + "\n") * 4 + "x" * 100_000  # read up to MAX_TEXT, and returns
    assert read_shipping(text, SENT) == {}


@pytest.mark.parametrize(("text", "found"), [
    ("CY cut-off: 13 Apr 12:00", {"cy_cutoff": "2026-04-13"}),
    ("SI cut-off: 12-Apr 17:00", {"si_cutoff": "2026-04-12"}),
    ("VGM cut-off: 13 Apr 9:00", {"vgm_cutoff": "2026-04-13"}),
    ("ETD: Apr 12 17h00", {"etd": "2026-04-12"}),
])
def test_a_time_after_a_date_is_no_year(text: str, found: dict[str, str]) -> None:
    assert read_shipping(text, SENT) == found


def test_a_two_digit_year_far_from_the_mail_is_no_year() -> None:
    assert shipping_date("13 Apr 12", SENT) == dt.date(2026, 4, 13)
    assert shipping_date("1-Mar-27", SENT) == dt.date(2027, 3, 1)  # within a year of the mail


@pytest.mark.parametrize("text", [
    "Vessel: TBA ETD: TBA (cargo ready 5 Apr)",
    "ETD not yet fixed, will advise by 10 Apr",
    "Please advise the ETD, our PO of 12 Mar refers.",
    "ETD: TBC, cargo ready 5 Apr",
    "Vessel: TBN",
    "开航日：待定（4月15日前后）",
])
def test_a_date_label_takes_only_the_date_that_follows_it(text: str) -> None:
    assert read_shipping(text, SENT) == {}


def test_a_place_or_a_weekday_may_stand_between_the_label_and_its_date() -> None:
    assert read_shipping("ETD: Wed, 15 Apr  ETA Port Klang 20 May", SENT) == {"etd": "2026-04-15",
                                                                              "eta": "2026-05-20"}
    assert read_shipping("ETD: about 15 Apr", SENT) == {"etd": "2026-04-15"}


class _Counted:
    """A pattern that tells how much text it was asked to search."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.lengths: list[int] = []

    def search(self, text: str) -> re.Match[str] | None:
        self.lengths.append(len(text))
        return self.pattern.search(text)


def test_a_vessel_is_looked_for_in_a_bounded_part_of_a_long_line(monkeypatch: pytest.MonkeyPatch) -> None:
    counted = _Counted(shipping._SHIP)
    monkeypatch.setattr(shipping, "_SHIP", counted)
    assert read_shipping("A." * 5_000 + "\nMSC ANNA V.2641W", SENT) == {"vessel": "MSC ANNA", "voyage": "2641W"}
    assert counted.lengths and max(counted.lengths) <= shipping.MAX_LINE
    # and the name's words are bounded: no unbounded repetition in the pattern
    assert not re.search(r"\][*+]", counted.pattern.pattern)


def plan_calendar(etd: dt.date | None) -> dict[str, cal.State]:
    plan = next(p for p in load_plans(ROOT / "rules" / "followup") if p.name == "tt-order")
    anchors = {"po_date": dt.date(2026, 3, 1), **({"etd": etd} if etd else {})}
    booked = cal.Evidence("booking_confirmation", "forwarder", dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC), 7)
    facts = cal.Facts(anchors=anchors, documents=[booked])
    return {s.key: s for s in cal.evaluate(plan, facts, dt.date(2026, 4, 2))}


def test_the_bl_draft_counts_from_the_etd_when_it_is_known() -> None:
    before = plan_calendar(None)["bl_draft"]
    assert before.due == dt.date(2026, 4, 6) and before.due_why == "5 days after booking (2026-04-01)"
    after = plan_calendar(dt.date(2026, 4, 15))["bl_draft"]
    assert after.due == dt.date(2026, 4, 17) and after.due_why == "2 days after ETD (2026-04-15)"


def test_otherwise_is_checked_like_any_due_rule(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        "name: p\nmilestones:\n  - key: a\n    due: {after: etd, days: 1, otherwise: {after: nowhere, days: 2}}\n",
        encoding="utf-8")
    with pytest.raises(RuleError, match="nowhere"):
        load_plans(tmp_path)
