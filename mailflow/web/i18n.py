"""The web desk's words in English and Chinese; a key missing in Chinese falls back to English."""

from __future__ import annotations

from typing import Any

from mailflow.documents import NAMES as DOCUMENT_NAMES
from mailflow.follow.money import INSTALMENT_NAMES_ZH
from mailflow.follow.plans import ANCHOR_NAMES

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "plan": "Plan", "orders": "Orders", "search": "Search", "outbox": "Outbox", "quarantine": "Quarantine",
        "rules": "Rules", "log_in": "Log in", "log_out": "Log out", "username": "Name", "password": "Password",
        "language": "Language", "timezone": "Time zone", "save": "Save", "order": "Order", "buyer": "Buyer", "kind": "Kind", "kind_sale": "sale",
        "kind_purchase": "purchase", "for_order": "for order", "supplier": "Supplier",
        "status": "Status", "next": "Next", "due": "Due", "late": "Late", "days": "{n} d",
        "outstanding": "Outstanding", "filter": "Filter", "text": "Text", "any": "any",
        "terms": "Terms", "lines": "Lines", "checks": "Checks", "differences": "Our P/I against the buyer's PO",
        "shipping": "Shipping", "ship_etd": "ETD", "ship_eta": "ETA", "ship_vessel": "Vessel", "ship_voyage": "Voyage",
        "ship_containers": "Containers", "ship_cy_cutoff": "CY cut-off", "ship_si_cutoff": "SI cut-off",
        "ship_vgm_cutoff": "VGM cut-off", "was": "was",
        "milestones": "Milestones", "payments": "Payments", "timeline": "Timeline", "documents": "Documents",
        "mark_done": "Mark done", "sign_off": "Sign off", "export": "Download the evidence bundle",
        "date": "Date", "direction": "Dir", "category": "Category", "rule": "Rule", "from": "From",
        "subject": "Subject", "why_here": "Why filed here", "party": "Party", "party_us": "us", "party_buyer": "buyer",
        "party_supplier": "supplier", "party_forwarder": "forwarder", "party_agency": "inspection agency",
        "party_bank": "bank", "party_other": "other", "sender_checks": "Sender checks", "files": "Files",
        "headers": "Headers", "body": "Text", "html": "HTML (no scripts, no remote content)",
        "raw": "Download the original (.eml)", "refile": "File under order", "query": "Words or numbers",
        "found": "{n} found", "nothing": "Nothing here.", "state": "State", "template": "Template",
        "to": "To", "reason": "Reason", "approve": "Approve and send", "reject": "Reject", "edit": "Edit the text",
        "attachments": "Attachments", "view": "view", "download": "download", "diff": "What changed",
        "retry": "Try all again", "since": "Since", "preview": "Preview on the last 500 messages",
        "would_change": "Mails whose category would change", "counts": "Categories",
        "manager_only": "Only a manager may do this.", "approved": "Approved: it goes with the next send.",
        "rejected": "Rejected.", "reason_needed": "Give a reason for rejecting it.",
        "milestone_done": "Milestone done.", "signed_off": "Signed off", "refiled": "Filed under the order.",
        "retried": "{filed} of {total} filed.", "welcome": "{name} ({role})", "note": "Note",
        "overdue": "Overdue", "due_today": "Due today", "due_soon": "Due in the next 7 days",
        "waiting_for_approval": "Waiting for approval", "waiting_on_buyer": "Waiting on the buyer",
        "money_outstanding": "Money outstanding", "unanswered_inquiries": "Inquiries unanswered for over a day",
        "open_complaints": "Open complaints", "unfiled": "Unfiled mail", "quarantined": "Quarantined mail",
        "what": "What", "error": "Something went wrong", "owner": "Owner", "done": "Done",
        "money": "Money", "total": "Total", "paid": "Paid", "plan_for": "The plan for {date}",
        "stale_form": "This form is out of date (the session or the page expired) or did not come from this "
                      "desk's own page. Nothing was changed: open the page again and send it from there.",
        "typed_text": "What you typed (copy it before going back)", "go_back": "Back to the page",
        "not_in_archive": "The file {path} is not in this desk's archive (moved, or the archive restored "
                          "without it).",
        "unknown_charset": "This mail names a character set this desk does not know ({charset}); "
                           "its text is shown as UTF-8 and may look wrong.",
    },
    "zh": {
        "plan": "今日计划", "orders": "订单", "search": "搜索", "outbox": "发件箱", "quarantine": "隔离区",
        "rules": "规则", "log_in": "登录", "log_out": "退出", "username": "用户名", "password": "密码",
        "language": "语言", "timezone": "时区", "save": "保存", "order": "订单", "buyer": "客户", "kind": "类型", "kind_sale": "销售",
        "kind_purchase": "采购", "for_order": "对应订单", "supplier": "供应商",
        "status": "状态", "next": "下一步", "due": "到期", "late": "逾期", "days": "{n} 天",
        "outstanding": "未收款", "filter": "筛选", "text": "文字", "any": "全部",
        "terms": "条款", "lines": "明细", "checks": "检查", "differences": "我方形式发票与客户订单的差异",
        "shipping": "船期", "ship_etd": "开航日", "ship_eta": "预计到港", "ship_vessel": "船名", "ship_voyage": "航次",
        "ship_containers": "柜量", "ship_cy_cutoff": "截柜", "ship_si_cutoff": "截补料", "ship_vgm_cutoff": "截VGM",
        "was": "原为",
        "milestones": "跟单节点", "payments": "收款", "timeline": "往来邮件", "documents": "单据",
        "mark_done": "标记完成", "sign_off": "审批", "export": "下载证据包",
        "date": "日期", "direction": "方向", "category": "类别", "rule": "规则", "from": "发件人",
        "subject": "主题", "why_here": "归档原因", "party": "往来方", "party_us": "我方", "party_buyer": "客户",
        "party_supplier": "供应商", "party_forwarder": "货代", "party_agency": "验货机构",
        "party_bank": "银行", "party_other": "其他", "sender_checks": "发件人验证", "files": "附件",
        "headers": "邮件头", "body": "正文", "html": "HTML（不运行脚本，不加载外部内容）",
        "raw": "下载原始邮件（.eml）", "refile": "归入订单", "query": "关键词或单号",
        "found": "找到 {n} 封", "nothing": "暂无。", "state": "状态", "template": "模板",
        "to": "收件人", "reason": "原因", "approve": "批准并发送", "reject": "驳回", "edit": "修改正文",
        "attachments": "附件", "view": "查看", "download": "下载", "diff": "修改内容",
        "retry": "全部重试", "since": "自", "preview": "在最近500封邮件上预览",
        "would_change": "类别会改变的邮件", "counts": "类别统计",
        "manager_only": "只有经理可以执行此操作。", "approved": "已批准，将随下一次发送发出。",
        "rejected": "已驳回。", "reason_needed": "请填写驳回原因。",
        "milestone_done": "节点已完成。", "signed_off": "已审批", "refiled": "已归入订单。",
        "retried": "{total} 封中 {filed} 封已归档。", "welcome": "{name}（{role}）", "note": "备注",
        "overdue": "已逾期", "due_today": "今天到期", "due_soon": "未来7天到期", "waiting_for_approval": "待审批",
        "waiting_on_buyer": "等待客户回复", "money_outstanding": "未收款项", "unanswered_inquiries": "超过一天未回复的询盘",
        "open_complaints": "未结投诉", "unfiled": "未归档邮件", "quarantined": "隔离邮件",
        "what": "事项", "error": "出错了", "owner": "负责人", "done": "完成",
        "money": "款项", "total": "总额", "paid": "已收", "plan_for": "{date} 跟单计划",
        "stale_form": "此表单已过期（会话或页面已失效），或并非来自本系统自己的页面。未做任何更改：请重新打开该页面再提交。",
        "typed_text": "您输入的内容（返回前请先复制）", "go_back": "返回该页面",
        "not_in_archive": "本系统的归档中找不到文件 {path}（已被移走，或恢复归档时缺失）。",
        "unknown_charset": "这封邮件声明的字符集本系统无法识别（{charset}），正文按 UTF-8 显示，可能有乱码。",
    },
}


def translate(language: str, key: str, **values: Any) -> str:
    words = WORDS.get(language) or WORDS["en"]
    text = words.get(key) or WORDS["en"].get(key) or key
    return text.format(**values) if values else text


WORDS["en"].update({"milestone_undone": "Milestone open again.", "payment_recorded": "Payment recorded.",
                    "status_set": "Status set.", "case_closed": "Case closed.", "undo": "Open again",
                    "record_payment": "Record a payment", "amount": "Amount", "reclassify": "Reclassify as",
                    "close_case": "Close the case"})
WORDS["zh"].update({"milestone_undone": "节点已重新打开。", "payment_recorded": "收款已登记。",
                    "status_set": "状态已更新。", "case_closed": "投诉已结案。", "undo": "重新打开",
                    "record_payment": "登记收款", "amount": "金额", "reclassify": "改为类别",
                    "close_case": "结案"})

# the merchandiser's forms on the order, message, reply and quarantine pages
WORDS["en"].update({
    "currency": "Currency", "value_date": "Value date", "reference": "Reference", "dates": "Dates the plan counts from",
    "set_date": "Set the date", "date_set": "Date set.", "status_on_hold": "on hold", "status_cancelled": "cancelled",
    "status_resume": "resume", "bad_amount": "Give a positive amount, like 12500.00 (at most two decimals).",
    "bad_currency": "Choose one of the currency codes listed.", "bad_date": "Give the date as YYYY-MM-DD.",
    "bad_anchor": "Choose one of the dates listed.", "confirm_done": "Mark “{name}” done?",
    "confirm_tick": "Yes, “{name}” is done", "confirm_needed": "Tick the box to confirm.",
    "outstanding_left": "{amount} is still outstanding on this order.",
    "outstanding_tick": "Mark it done all the same (the note says why)",
    "outstanding_needed": "Money is outstanding: tick the box to mark it done all the same.",
    "note_evidence": "where the evidence is",
    "back_to_order": "Back to the order", "back": "Back", "anchor_etd": "ETD", "anchor_eta": "ETA",
    "anchor_delivery_date": "Delivery date", "anchor_po_date": "PO date", "anchor_pi_date": "P/I date",
    "anchor_bl_date": "B/L date", "anchor_lc_expiry": "L/C expiry", "anchor_lc_latest_shipment": "L/C latest shipment",
    "anchor_opened": "Opened", "retry_now": "Send again", "retried_reply": "The reply goes with the next send.",
    "open": "Open", "raw_text": "The mail as it came (plain text)", "size": "Size",
    "bank_charges": "Bank charges", "bad_charges": "Give the charges as an amount, like 35.00, or leave them out.",
})
WORDS["zh"].update({
    "currency": "币种", "value_date": "到账日", "reference": "参考号", "dates": "计划依据的日期",
    "set_date": "设定日期", "date_set": "日期已设定。", "status_on_hold": "暂停", "status_cancelled": "取消",
    "status_resume": "恢复", "bad_amount": "请填写大于零的金额，例如 12500.00（最多两位小数）。",
    "bad_currency": "请选择列出的币种代码。", "bad_date": "请按 YYYY-MM-DD 填写日期。",
    "bad_anchor": "请选择列出的日期。", "confirm_done": "确认将“{name}”标记为完成？",
    "confirm_tick": "是的，“{name}”已完成", "confirm_needed": "请勾选确认。",
    "outstanding_left": "此订单仍有 {amount} 未收。",
    "outstanding_tick": "仍然标记完成（请在备注中说明原因）",
    "outstanding_needed": "仍有未收款项：如仍要标记完成，请勾选。",
    "note_evidence": "证据在哪里",
    "back_to_order": "返回订单", "back": "返回", "anchor_etd": "开航日", "anchor_eta": "预计到港",
    "anchor_delivery_date": "交货日期", "anchor_po_date": "订单日期", "anchor_pi_date": "形式发票日期",
    "anchor_bl_date": "提单日期", "anchor_lc_expiry": "信用证到期日", "anchor_lc_latest_shipment": "信用证最迟装运日",
    "anchor_opened": "建单日", "retry_now": "重新发送", "retried_reply": "回复将随下一次发送发出。",
    "open": "打开", "raw_text": "原始邮件（纯文本）", "size": "大小",
    "bank_charges": "银行扣费", "bad_charges": "请按金额填写扣费，例如 35.00，或留空。",
})

# what the policy refuses (policy.py), by its stable code; English is the policy's own sentence
ROLE_WORDS = {"zh": {"merchandiser": "跟单员", "manager": "经理", "general_manager": "总经理", "accounts": "财务"}}
ACTION_WORDS = {"zh": {
    "approve_reply": "批准回复", "reject_reply": "驳回回复", "edit_reply": "修改回复", "sign_off": "审批订单",
    "complete_milestone": "标记节点完成", "undo_milestone": "重新打开节点", "record_payment": "登记收款",
    "set_status": "暂停、取消或恢复订单", "set_plan": "选择跟单计划", "set_date": "设定计划日期",
    "reclassify": "更改邮件类别", "assign": "将邮件归入订单", "close_case": "投诉结案",
    "retry_quarantine": "重试隔离邮件"}}
REFUSALS = {"zh": {
    "unknown_role": "{name} 的角色 {role!r} 不在本系统已知角色之内：未知角色不能执行任何操作",
    "unknown_action": "没有规则说明谁可以执行此操作：已拒绝",
    "unknown_subject": "缺少操作对象：已拒绝",
    "role": "{name} 是{role_words}：此操作（{action_words}）只能由{allowed_words}执行",
    "reply_approver": "{name} 是{role_words}：回复 #{reply}（{template}）须由{allowed_words}处理",
    "reason_needed": "驳回须写明原因（原因会随回复保存）",
    "signoff_role": "{name} 是{role_words}：订单审批须由经理或总经理执行",
    "signoff_general_manager": "订单 {order} 须由总经理审批：{why}",
    "milestone_signoff": "{name} 是经理审批节点：请使用审批（mailflow order approve {order} --as 姓名）",
    "milestone_payment": "{name} 由登记收款完成，不能直接点击完成：请登记收款（财务或经理）；随订单归档的水单会自动计入",
    "milestone_unknown": "{name} 的完成方式本版本无法识别：已拒绝",
    "milestone_owner": "{name} 是{role_words}：节点“{milestone}”由{allowed_words}负责",
    "evidence_note_needed": "节点“{milestone}”由单据完成：手工完成时，请在备注中写明证据在哪里（例如通过其他渠道收到的回签件）",
    "no_users": "本系统没有可以代表 {name!r} 的人员：请在 mailflow.yaml 中添加 users:（姓名与角色）",
    "unknown_person": "{name!r} 不是本系统的用户：未知人员不能执行操作",
}}


def refusal(language: str, refused: Any) -> str:
    """A refusal of the policy (`policy.Refused`) in the reader's language: its code's words
    where this language has them, else the policy's own English sentence."""
    text = REFUSALS.get(language, {}).get(refused.code)
    if text is None:
        return str(refused)
    roles = ROLE_WORDS.get(language, {})
    params = dict(refused.params)
    params["role_words"] = roles.get(params.get("role", ""), params.get("role", ""))
    params["allowed_words"] = "或".join(roles.get(r, r) for r in params.get("allowed", "").split(",") if r)
    params["action_words"] = ACTION_WORDS.get(language, {}).get(params.get("action", ""), params.get("action", ""))
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return str(refused)

# the names of what the desk shows from the data: statuses, states, categories, roles, kinds;
# `word(language, group, value)` looks up "group_value" and shows a value it has no name for as it is
# (English shows template names and how a milestone was done as the plan and the outbox name them)
NAMED: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "status": {"quoted": "quoted", "confirmed": "confirmed", "in production": "in production", "ready": "ready",
                   "shipped": "shipped", "paid": "paid", "closed": "closed", "on hold": "on hold",
                   "cancelled": "cancelled", "open": "open"},
        "state": {"done": "done", "open": "open", "overdue": "overdue"},
        "role": {"merchandiser": "merchandiser", "manager": "manager", "accounts": "accounts"},
        "category": {"inquiry": "inquiry", "order": "order", "sample": "sample", "payment": "payment",
                     "shipping": "shipping", "complaint": "complaint", "other": "other"},
        "direction": {"in": "in", "out": "out"},
        "outbox": {"held": "held", "queued": "queued", "sending": "sending", "sent": "sent", "failed": "failed",
                   "uncertain": "uncertain", "rejected": "rejected", "superseded": "superseded",
                   "withdrawn": "withdrawn"},
        "term": {"order_date": "order date", "delivery_date": "delivery date", "currency": "currency",
                 "incoterm": "incoterm", "payment_terms": "payment terms", "total": "total"},
        "column": {"item": "Item", "description": "Description", "qty": "Qty", "unit": "Unit", "price": "Price",
                   "amount": "Amount", "before": "before", "after": "after"},
        "check": {"ok": "ok", "failed": "FAILED"},
        "case": {"open": "open", "closed": "closed"},
        "document": dict(DOCUMENT_NAMES),
        "anchor": dict(ANCHOR_NAMES),
        "due": {"after": "{n} days after {name}", "before": "{n} days before {name}", "on": "on the {name}",
                "when": "when {name} is done"},
        "text": {"no_subject": "(no subject)"},
        "check_name": {"currency": "currency", "date_ambiguous": "date_ambiguous", "date_order": "date_order",
                       "delivery_past": "delivery_past", "lc_amount": "lc_amount", "lc_currency": "lc_currency",
                       "lc_expiry": "lc_expiry", "lc_shipment": "lc_shipment", "line_amount": "line_amount",
                       "price_floor": "price_floor", "total": "total"},
        "undated": {"unknown": "the {name} is not known", "not_done": "{name} is not done"},
    },
    "zh": {
        "status": {"quoted": "已报价", "confirmed": "已确认", "in production": "生产中", "ready": "待出货",
                   "shipped": "已出运", "paid": "已收款", "closed": "已结束", "on hold": "暂停",
                   "cancelled": "已取消", "open": "进行中"},
        "state": {"done": "已完成", "open": "进行中", "overdue": "已逾期"},
        "role": {"merchandiser": "跟单员", "manager": "经理", "general_manager": "总经理", "accounts": "财务"},
        "category": {"inquiry": "询盘", "order": "订单", "sample": "样品", "payment": "付款", "shipping": "船务",
                     "complaint": "投诉", "other": "其他"},
        "direction": {"in": "收", "out": "发"},
        "outbox": {"held": "待审批", "queued": "待发送", "sending": "发送中", "sent": "已发送", "failed": "发送失败",
                   "uncertain": "发送结果不明", "rejected": "已驳回", "superseded": "已被替换", "withdrawn": "已撤回"},
        "template": {"order_confirmation": "订单确认", "packing_list": "装箱单", "inquiry_ack": "询盘回复",
                     "sample_ack": "样品回复", "complaint_ack": "投诉回复", "chase_balance": "催尾款",
                     "chase_bl_draft": "催提单草稿确认", "chase_countersign": "催回签", "chase_lc": "催信用证",
                     "chase_payment": "催款", "chase_sample": "催样品反馈", "chase_supplier_confirmation": "催供应商确认",
                     "daily_digest": "每日摘要"},
        "how": {"evidence": "凭单据", "payment": "凭收款", "hand": "手工", "signoff": "已审批"},
        "term": {"order_date": "订单日期", "delivery_date": "交货日期", "currency": "币种", "incoterm": "贸易术语",
                 "payment_terms": "付款方式", "total": "总额"},
        "column": {"item": "货号", "description": "品名", "qty": "数量", "unit": "单位", "price": "单价",
                   "amount": "金额", "before": "原类别", "after": "新类别"},
        "check": {"ok": "通过", "failed": "不符"},
        "case": {"open": "未结", "closed": "已结案"},
        "document": {"po_revision": "修改版订单", "pi_countersigned": "客户回签的形式发票", "pi": "形式发票",
                     "bl_release": "电放/提单放货", "bl_draft": "提单草稿", "bl_copy": "提单副本",
                     "bl_original": "正本提单", "bl": "提单", "po": "客户订单", "packing_list": "装箱单",
                     "commercial_invoice": "商业发票", "co": "原产地证", "lc_amendment": "信用证修改",
                     "lc_advice": "信用证通知", "inspection_report": "验货报告", "bank_slip": "银行水单",
                     "booking_confirmation": "订舱确认", "shipping_advice": "装运通知", "delivery_note": "送货单",
                     "quotation": "报价单", "samples_sent": "样品已寄", "inquiry": "询盘", "sample_request": "索样",
                     "complaint": "投诉", "purchase_order": "我方采购单", "supplier_confirmation": "供应商订单确认"},
        "anchor": {"opened": "建单日", "po_date": "订单日期", "pi_date": "形式发票日期", "delivery_date": "交货日期",
                   "etd": "开航日", "eta": "预计到港", "bl_date": "提单日期", "lc_expiry": "信用证到期日",
                   "lc_latest_shipment": "信用证最迟装运日"},
        "due": {"after": "{name}后 {n} 天", "before": "{name}前 {n} 天", "on": "{name}当天", "when": "{name}完成时"},
        "text": {"no_subject": "（无主题）"},
        "check_name": {"currency": "币种", "date_ambiguous": "日期写法有歧义", "date_order": "日期先后",
                       "delivery_past": "交货日期是否已过", "lc_amount": "信用证金额", "lc_currency": "信用证币种",
                       "lc_expiry": "信用证到期日", "lc_shipment": "信用证装运日", "line_amount": "明细金额",
                       "price_floor": "最低价", "total": "总额"},
        "undated": {"unknown": "{name}未知", "not_done": "{name}未完成"},
        "instalment": dict(INSTALMENT_NAMES_ZH),
    },
}


def word(language: str, group: str, value: Any) -> str:
    """The name of `value` (a status, a state, a category...) of `group` in `language`; in
    English where the language has none; the value itself where no language names it."""
    text = str(value if value is not None else "")
    names = NAMED.get(language, {}).get(group, {})
    return names.get(text) or NAMED["en"].get(group, {}).get(text) or text


def due_reason(language: str, why: str, milestones: dict[str, str] | None = None) -> str:
    """Why a milestone is due that day ("5 days after pi_sent (2026-03-04)", as the plan's
    rule describes it) in `language`: the anchor or milestone it counts from by its name
    (`milestones`: key to name, in the reader's language); a reason of another shape as it is."""
    day = ""
    rest = why.strip()
    if rest.endswith(")") and len(rest) > 13 and rest[-13:-11] == " (":
        day, rest = rest[-11:-1], rest[:-13]
    anchors = {v: k for k, v in NAMED["en"]["anchor"].items()}

    def name_of(text: str) -> str:
        key = anchors.get(text, text)
        return (milestones or {}).get(key) or word(language, "anchor", key)

    if rest == "no due date in the plan":  # a milestone the plan gives no day (an L/C's document)
        return translate(language, "no_due_date")
    if not day and rest.endswith((" is not done", " is not known")):  # no date yet, and why
        separator = "；" if language == "zh" else "; "
        return separator.join(_undated(language, part, name_of) for part in rest.split("; ", 20))
    shape, values = "", {}
    words = rest.split(" ")
    if len(words) >= 4 and words[0].isdigit() and words[1] == "days" and words[2] in ("after", "before"):
        shape, values = words[2], {"n": words[0], "name": name_of(" ".join(words[3:]))}
    elif rest.startswith("on the "):
        shape, values = "on", {"name": name_of(rest[len("on the "):])}
    elif rest.startswith("when ") and rest.endswith(" is done"):
        shape, values = "when", {"name": name_of(rest[len("when "):-len(" is done")])}
    if not shape:
        return why
    text = word(language, "due", shape).format(**values)
    return f"{text} ({day})" if day else text


def _undated(language: str, part: str, name_of: Any) -> str:
    """One reason a milestone has no date yet ("the ETD is not known", "P/I sent is not done")."""
    if part.startswith("the ") and part.endswith(" is not known"):
        return word(language, "undated", "unknown").format(name=name_of(part[len("the "):-len(" is not known")]))
    if part.endswith(" is not done"):
        return word(language, "undated", "not_done").format(name=name_of(part[:-len(" is not done")]))
    return part


WORDS["en"].update({"login_wrong": "wrong name or password",
                    "login_too_many": "too many failed logins: wait a few minutes and try again"})
WORDS["zh"].update({"login_wrong": "用户名或密码错误。", "login_too_many": "登录失败次数过多：请等几分钟再试。"})
WORDS["en"].update({"bad_zone": "unknown time zone {zone}", "refile_needs_order": "give the order number to file it under",
                    "bad_status": "the status is on-hold, cancelled or resume",
                    "empty_reply": "an empty reply is not sent; reject it instead",
                    "no_due_date": "no due date in the plan"})
WORDS["zh"].update({"bad_zone": "无法识别的时区 {zone}", "refile_needs_order": "请填写要归入的订单号",
                    "bad_status": "状态只能是暂停、取消或恢复", "empty_reply": "空白回复不会发出：请改为驳回",
                    "no_due_date": "计划中没有截止日期"})

# the workplace: previews, a reply beside its order, the outbox's ages, the plan's owners, labelled
# search filters, the rules as a list, counts in the navigation, the skip link, the reader's zone
WORDS["en"].update({
    "preview_of": "Preview", "page_n": "Page {n}", "first_pages": "The first {n} pages; download the file for all.",
    "preview_not_previewable": "This file cannot be previewed: download it.",
    "preview_too_large": "This file is too large to preview: download it.",
    "preview_not_readable": "This PDF could not be rendered: download it.",
    "no_preview": "No such preview.", "answers": "Answers", "order_documents": "The order's documents",
    "bytes": "{n} B", "kilobytes": "{n} KB", "megabytes": "{n} MB", "waiting": "Waiting",
    "filters": "Only mail that matches", "sender_address": "Sender's address", "direction_label": "In or out",
    "direction_in": "received (in)", "direction_out": "sent by us (out)", "date_from": "Dated from",
    "date_to": "Dated up to",
    "rule_list": "The rules, in the order they are tried", "rule_matches": "Matches", "rule_does": "Does",
    "rule_hold": "Reply held", "rule_count": "Mails decided", "rule_files": "The rule files",
    "rule_file_unreadable": "Not a list of rules (the daemon's log says why)", "held_for_anyone": "held",
    "preview_busy": "Another preview of the rules is being worked out; ask again when it is done.",
    "preview_failed": "The preview of the rules could not be made",
    "mails_shown": "Mails {first}–{last} of {total}, oldest first (the export holds them all)",
    "held_if": "held when its condition holds", "held_for": "held for the {role}",
    "rule_all": "all of ({parts})", "rule_any": "any of ({parts})", "rule_none": "none of ({parts})",
    "total_due": "To be paid", "total_source": "the buyer's PO", "times_in": "Times in {zone}",
    "skip_to_content": "Skip to content", "outbox_waiting": "Replies waiting for a person", "waiting_for_manager": "Waiting for the manager",
    "waiting_for_manager_note": "A manager approves these; they are listed so you know where they stand.",
    "waiting_now": "waiting under a minute", "waiting_minutes": "waiting {n} min", "waiting_hours": "waiting {n} h", "waiting_days": "waiting {n} d",
})
WORDS["zh"].update({
    "preview_of": "预览", "page_n": "第 {n} 页", "first_pages": "仅显示前 {n} 页；完整内容请下载文件。",
    "preview_not_previewable": "此文件无法预览，请下载查看。",
    "preview_too_large": "此文件太大，无法预览，请下载查看。",
    "preview_not_readable": "此 PDF 无法显示，请下载查看。",
    "no_preview": "没有这个预览。", "answers": "所回复的邮件", "order_documents": "订单单据",
    "bytes": "{n} 字节", "kilobytes": "{n} KB", "megabytes": "{n} MB", "waiting": "等待时长",
    "filters": "筛选条件", "sender_address": "发件人地址", "direction_label": "收发",
    "direction_in": "收到的邮件", "direction_out": "我方发出的邮件", "date_from": "日期从",
    "date_to": "日期到",
    "rule_list": "规则（按匹配顺序）", "rule_matches": "匹配条件", "rule_does": "动作",
    "rule_hold": "回复是否待审", "rule_count": "已处理邮件数", "rule_files": "规则文件",
    "rule_file_unreadable": "不是规则列表（原因见守护进程日志）", "held_for_anyone": "待审",
    "preview_busy": "另一个规则预览正在进行，请在其完成后再试。",
    "preview_failed": "无法生成规则预览",
    "mails_shown": "第 {first}–{last} 封，共 {total} 封，按时间先后（导出包含全部邮件）",
    "held_if": "满足条件时待审", "held_for": "待{role}审批",
    "rule_all": "同时满足（{parts}）", "rule_any": "满足其一（{parts}）", "rule_none": "都不满足（{parts}）",
    "total_due": "应收总额", "total_source": "据客户订单", "times_in": "时间按 {zone}",
    "skip_to_content": "跳到正文", "outbox_waiting": "待处理的回复", "waiting_for_manager": "等待经理审批",
    "waiting_for_manager_note": "以下事项由经理审批，列出供您了解进度。",
    "waiting_now": "等待不到 1 分钟", "waiting_minutes": "等待 {n} 分钟", "waiting_hours": "等待 {n} 小时", "waiting_days": "等待 {n} 天",
})
