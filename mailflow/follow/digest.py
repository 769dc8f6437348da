"""The daily digest's shape: its sections and the day's summary's, their names in each
language, and the sample a digest template must render with (`rules check`, start-up). Pure, so that the reply templates' check
needs nothing of the follow-up job (`follow/desk.py`)."""

from __future__ import annotations

from typing import Any

SECTIONS = ("overdue", "due_today", "due_soon", "waiting_for_approval", "waiting_on_buyer",
            "money_outstanding", "unanswered_inquiries", "open_complaints", "unfiled", "quarantined")
SECTION_NAMES = {
    "en": {"overdue": "Overdue", "due_today": "Due today", "due_soon": "Due in the next 7 days",
           "waiting_for_approval": "Waiting for approval", "waiting_on_buyer": "Waiting on the buyer",
           "money_outstanding": "Money outstanding", "unanswered_inquiries": "Inquiries unanswered for over a day",
           "open_complaints": "Open complaints", "unfiled": "Unfiled mail", "quarantined": "Quarantined mail"},
    "zh": {"overdue": "已逾期", "due_today": "今天到期", "due_soon": "未来7天到期", "waiting_for_approval": "待审批",
           "waiting_on_buyer": "等待客户回复", "money_outstanding": "未收款项", "unanswered_inquiries": "超过一天未回复的询盘",
           "open_complaints": "未结投诉", "unfiled": "未归档邮件", "quarantined": "隔离邮件"},
}

SUMMARY_NAMES = {
    "en": {"title": "The day's summary", "received": "Received", "new_orders": "New orders",
           "sent": "Sent", "completed": "Completed", "payments": "Payments received",
           "refused": "Refused", "quarantined": "Quarantined", "due_tomorrow": "Due tomorrow",
           "unfiled": "no order", "replies": "replies"},
    "zh": {"title": "每日工作总结", "received": "今日收到", "new_orders": "新订单", "sent": "今日发出",
           "completed": "今日完成", "payments": "今日收款", "refused": "拒绝或未起草", "quarantined": "隔离邮件",
           "due_tomorrow": "明天到期", "unfiled": "未归入订单", "replies": "回复"},
}


def digest_sample_context() -> dict[str, Any]:
    """What `rules check` renders the digest template with."""
    plan: dict[str, list[dict[str, Any]]] = {key: [] for key in SECTIONS}
    plan["overdue"] = [{"order": "4500871", "buyer": "Buyer Ltd.", "milestone": "deposit", "name": "Deposit received",
                        "due": "2026-01-12", "days_overdue": 3, "owner": "accounts"}]
    return {"company": "Sample Co.", "date": "2026-01-15", "owner": "", "plan": {"date": "2026-01-15", **plan},
            "sections": [(key, SECTION_NAMES["en"][key], plan[key]) for key in SECTIONS],
            "counts": {key: len(plan[key]) for key in SECTIONS}, **summary_context(SAMPLE_SUMMARY, "en")}


def summary_context(summary: dict[str, Any], language: str) -> dict[str, Any]:
    """What the digest's templates are given of the day's summary (`summary.day_summary`): the
    summary and its words in the reader's language."""
    return {"summary": summary, "summary_names": SUMMARY_NAMES.get(language, SUMMARY_NAMES["en"])}


SAMPLE_SUMMARY: dict[str, Any] = {
    "date": "2026-01-15", "owner": None, "role": None,
    "received": {"count": 2, "by_category": {"order": 1, "payment": 1}, "by_order": {"4500871": 2}, "unfiled": 0,
                 "mail": []},
    "new_orders": [{"order": "4500871", "buyer": "Buyer Ltd.", "currency": "USD", "total": "1000.00"}],
    "sent": {"count": 1, "replies": 1, "by_order": {"4500871": 1}, "documents": {"packing_list": 1}, "mail": []},
    "completed": [{"order": "4500871", "milestone": "deposit", "name": "Deposit received", "by": "", "how": "payment"}],
    "payments": [{"order": "4500871", "buyer": "Buyer Ltd.", "amount": "300.00", "currency": "USD",
                  "value_date": "2026-01-15", "reference": "TT-1"}],
    "paid": {"USD": "300.00"},
    "refused": [{"order": "4500871", "template": "inquiry_ack", "how": "not drafted", "why": "an automated mail"}],
    "quarantined": [{"sha256": "0123456789ab", "reason": "not a mail"}],
    "due_tomorrow": [{"order": "4500871", "buyer": "Buyer Ltd.", "name": "Balance received", "owner": "accounts"}],
}

