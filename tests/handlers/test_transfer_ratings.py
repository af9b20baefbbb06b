"""Issue #16, transfer, ratings, thanks: what the requester, the desks and the managers see."""

from __future__ import annotations


def _to(out: str, who: str) -> list[str]:
    """The messages printed to ``who`` (each up to the next message)."""
    parts = out.split(f"[to {who}] ")[1:]
    return [part.split("\n[", 1)[0] for part in parts]


OPEN = ["@now 2026-11-23T09:00", "henry> /request finance reimbursement taxi 86 CNY"]


def test_transfer_takes_the_new_services_priority_and_tells_the_new_targets(chat):
    chat(*OPEN)
    out = chat("@now 2026-11-23T10:00", "bob> /request transfer FIN-1 it account-access")
    # account access is a P2 service: first response in 1 h, resolution in 4 h
    assert "[reply] FIN-1 已转交信息技术部 · 账号权限（P2 高）" in out
    told = "".join(_to(out, "henry"))
    assert "转交信息技术部 · 账号权限（P2 高）" in told, "the requester hears the service too"
    assert "首次响应 2026-11-23 11:00" in told and "解决 2026-11-23 15:30" in told
    shown = chat("dave> /request show FIN-1")
    assert "P2 高" in shown


def test_transfer_keeps_a_priority_a_person_chose(chat):
    chat("@now 2026-11-23T09:00", "henry> /request finance reimbursement amount=86 taxi !P1",
         "henry> /request finance reimbursement amount=86 hotel",
         "carol> /request priority FIN-2 P4")
    chat("bob> /request transfer FIN-1 it account-access",
         "bob> /request transfer FIN-2 it account-access")
    assert "P1 紧急" in chat("dave> /request show FIN-1")
    assert "P4 低" in chat("dave> /request show FIN-2")


def test_the_desk_that_transferred_can_still_show_it_with_names_in_the_history(chat):
    chat(*OPEN, "@now 2026-11-23T10:00", "bob> /request transfer FIN-1 it account-access")
    shown = chat("bob> /request show FIN-1")
    assert "找不到" not in shown and "FIN-1 · taxi 86" in shown
    assert "张伟 Bob Zhang 转交: 财务部 → 信息技术部" in shown
    assert "finance->it" not in shown
    en = chat("kevin> /request show FIN-1")
    assert "Finance → IT" in en and "finance->it" not in en
    # still only the desks involved: another desk's member is refused
    assert "FIN-1 · taxi" not in chat("leo> /request show FIN-1")


def test_an_admins_rating_is_refused_and_the_requesters_stands(chat):
    chat(*OPEN, "bob> /request resolve FIN-1 paid", "henry> /request confirm FIN-1",
         "henry> /request rate FIN-1 5 great")
    refused = chat("root> /request rate FIN-1 1 terrible")
    assert "only 李华 Henry Li can rate FIN-1, not an admin. Nothing was changed." in refused
    assert "/request show FIN-1" in refused
    shown = chat("henry> /request show FIN-1")
    assert "5★ great" in shown and "terrible" not in shown
    chat("@now 2026-11-23T09:20")
    out = chat("henry> /request rate FIN-1 4 good")
    assert "FIN-1 的评分已改为 4 分" in out  # the requester may still change it


def test_an_admins_rating_refusal_in_chinese(chat, desk_app):
    from handlers.i18n import t

    zh = t("zh-CN", "err.rate_requester_only", requester="李华", ref="FIN-1")
    assert "只有 李华 才能为 FIN-1 评分" in zh and "/request 查看 FIN-1" in zh


def test_no_rating_prompt_after_the_requester_already_rated(chat):
    chat(*OPEN, "bob> /request resolve FIN-1 paid", "henry> /request confirm FIN-1",
         "henry> /request rate FIN-1 5 great")
    out = chat("@now 2026-11-23T09:20", "@now 2026-11-24T10:00")
    thanks = _to(out, "henry")
    assert len(thanks) == 1 and "感谢您与财务部一起完成 FIN-1" in thanks[0]
    assert "满意吗" not in thanks[0] and "(button)" not in thanks[0]
    assert "感谢您的评分" in thanks[0]


def test_after_a_reopen_and_a_new_resolution_the_requester_rates_again(chat):
    chat(*OPEN, "bob> /request resolve FIN-1 paid", "henry> /request confirm FIN-1",
         "henry> /request rate FIN-1 2 wrong amount")
    # two days later (past the 24 h change window) the requester reopens it
    chat("@now 2026-11-25T10:00", "henry> /request reopen FIN-1 still 10 short",
         "bob> /request resolve FIN-1 paid the rest", "henry> /request confirm FIN-1")
    prompt = chat("@now 2026-11-25T10:20")
    assert "满意吗" in "".join(_to(prompt, "henry"))  # asked again: this resolution is unrated
    out = chat("henry> /request rate FIN-1 5 sorted")
    assert "感谢您为 FIN-1 评 5 分" in out
    shown = chat("henry> /request show FIN-1")
    assert "2★ wrong amount" in shown and "5★ sorted" in shown  # the old one kept in history
    scorecard = chat("@now 2026-11-30T10:00", "root> /request scorecard")
    assert "5.0★" in scorecard  # the new rating supersedes


def test_a_low_rating_of_a_request_a_lead_handled_reaches_the_leads_manager(chat):
    out = chat(*OPEN, "carol> /request ack FIN-1", "carol> /request resolve FIN-1 paid",
               "henry> /request confirm FIN-1", "henry> /request rate FIN-1 1 rude")
    to_grace = _to(out, "grace")  # Carol (Finance lead) reports to Grace
    assert len(to_grace) == 1
    assert "低分提醒" in to_grace[0] and "刘芳 Carol Liu" in to_grace[0] and "rude" in to_grace[0]
    # a good rating of the same lead's work tells the manager nothing
    out = chat("henry> /request finance reimbursement amount=86 hotel",
               "carol> /request resolve FIN-2 ok",
               "henry> /request confirm FIN-2", "henry> /request rate FIN-2 5")
    assert _to(out, "grace") == []


def test_a_requesters_resume_never_sends_an_empty_answer(chat):
    chat(*OPEN, "bob> /request wait FIN-1 which trip?")
    out = chat("henry> /request resume FIN-1")
    assert "[reply] FIN-1 已恢复处理。" in out
    told = _to(out, "bob") + _to(out, "#finance-requests")
    assert len(told) == 2 and all(not m.rstrip().endswith("：") for m in told)
    assert "未回答问题，直接恢复了 FIN-1（taxi 86 CNY）的处理" in told[1]
    assert "without answering the question" in told[0] or "未回答问题" in told[0]
    # an answer given as a comment is still passed on
    chat("bob> /request wait FIN-1 which date?")
    out = chat("henry> /request comment FIN-1 the 20th")
    assert "已回复 FIN-1（taxi 86 CNY）：the 20th" in out
