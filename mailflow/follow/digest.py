"""The daily digest's shape: its sections, their names in each language, and the sample a digest
template must render with (`rules check`, start-up). Pure, so that the reply templates' check
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


def digest_sample_context() -> dict[str, Any]:
    """What `rules check` renders the digest template with."""
    plan: dict[str, list[dict[str, Any]]] = {key: [] for key in SECTIONS}
    plan["overdue"] = [{"order": "4500871", "buyer": "Buyer Ltd.", "milestone": "deposit", "name": "Deposit received",
                        "due": "2026-01-12", "days_overdue": 3, "owner": "accounts"}]
    return {"company": "Sample Co.", "date": "2026-01-15", "owner": "", "plan": {"date": "2026-01-15", **plan},
            "sections": [(key, SECTION_NAMES["en"][key], plan[key]) for key in SECTIONS],
            "counts": {key: len(plan[key]) for key in SECTIONS}}

