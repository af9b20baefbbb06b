"""Every transition of a request, through the console, with its audit trail and notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from storage import request_store
from storage.models import Event, Outbox, Rating, Request
from tests.conftest import local


def req(app, ref: str) -> Request:
    with Session(app.desk.engine) as s:
        row = request_store.by_ref(s, ref)
        assert row is not None
        return row


def events(app, ref: str) -> list[tuple[str, str | None, str | None, str]]:
    with Session(app.desk.engine) as s:
        r = request_store.by_ref(s, ref)
        assert r is not None and r.id is not None
        return [(e.kind, e.from_state, e.to_state, e.actor_id)
                for e in request_store.events(s, r.id)]


def test_open_in_english_stores_request_and_notifies_channel_and_requester(chat):
    out = chat("alice> /request finance reimbursement taxi to client, 86 CNY")
    assert "[reply] Opened FIN-1: Reimbursement for Finance, P3 normal." in out
    assert "[to #finance-requests] 新请求 FIN-1" in out
    assert "  (button) 受理 -> /request ack FIN-1" in out
    assert "  (button) 指派给我 -> /request assign FIN-1 me" in out
    assert "[to alice] Your request FIN-1 to Finance is registered" in out
    assert "  (button) Cancel -> /request cancel FIN-1" in out
    row = req(chat.app, "FIN-1")
    assert (row.state, row.requester_id, row.department, row.category, row.priority) == (
        "open", "alice", "finance", "reimbursement", "P3")
    assert row.requester_department == "sales"
    assert row.details == "taxi to client, 86 CNY"
    assert row.created_at.utcoffset() == timedelta(0)
    assert row.created_at == local("2026-11-23T09:00")


def test_open_in_chinese_replies_in_chinese(chat):
    out = chat("henry> /request 财务 报销 出租车 86元")
    assert "[reply] 已提交 FIN-1：财务部 · 报销，P3 普通。" in out
    assert req(chat.app, "FIN-1").details == "出租车 86元"


def test_ids_are_numbered_per_department(chat):
    chat("alice> /request finance reimbursement amount=86 a", "alice> /request it laptop b",
         "alice> /request finance cash advance c")
    refs = {req(chat.app, r).ref for r in ("FIN-1", "IT-1", "FIN-2")}
    assert refs == {"FIN-1", "IT-1", "FIN-2"}


def test_urgent_mark_raises_priority_and_shortens_targets(chat):
    chat("alice> /request finance reimbursement amount=86 normal one",
         "alice> /request finance reimbursement amount=86 !urgent hurry please")
    normal, urgent = req(chat.app, "FIN-1"), req(chat.app, "FIN-2")
    assert (normal.priority, urgent.priority) == ("P3", "P2")
    assert urgent.details == "hurry please"
    assert urgent.resolution_due < normal.resolution_due


def test_full_happy_path_with_wait_and_answer(chat, clock):
    chat("henry> /request finance reimbursement taxi 86 CNY")
    clock.set(local("2026-11-23T09:30"))
    out = chat("bob> /request ack FIN-1")
    assert "[to henry] 张伟 Bob Zhang 已受理您的请求 FIN-1" in out
    row = req(chat.app, "FIN-1")
    assert (row.state, row.assignee_id) == ("acknowledged", "bob")
    assert row.first_response_at == local("2026-11-23T09:30")

    out = chat("bob> /request wait FIN-1 please send the invoice photo")
    assert "please send the invoice photo" in out and "[to henry]" in out
    due_before = req(chat.app, "FIN-1").resolution_due
    assert req(chat.app, "FIN-1").state == "waiting"

    clock.set(local("2026-11-23T11:00"))
    out = chat("henry> /request comment FIN-1 uploaded to the share")
    assert "[to bob]" in out and "uploaded to the share" in out
    row = req(chat.app, "FIN-1")
    assert row.state == "in_progress"
    assert row.paused_seconds == 90 * 60
    calendar = chat.app.desk.calendar
    assert calendar.business_time_between(due_before, row.resolution_due) == timedelta(minutes=90)
    assert row.resolution_due == local("2026-11-26T10:30")  # 18:00 + 90 business minutes

    out = chat("bob> /request resolve FIN-1 paid, arrives Friday")
    assert "(button) 确认已解决 -> /request confirm FIN-1" in out
    assert req(chat.app, "FIN-1").state == "resolved"
    out = chat("henry> /request confirm FIN-1")
    assert "[to bob]" in out
    row = req(chat.app, "FIN-1")
    assert row.state == "closed" and row.closed_at == local("2026-11-23T11:00")
    assert [e[0] for e in events(chat.app, "FIN-1")] == [
        "opened", "acknowledged", "waiting", "commented", "resumed", "resolved", "confirmed"]


def test_audit_events_record_states_and_actor(chat):
    chat("alice> /request it laptop broken", "dave> /request ack IT-1",
         "dave> /request resolve IT-1 swapped")
    assert events(chat.app, "IT-1") == [
        ("opened", None, "open", "alice"),
        ("acknowledged", "open", "acknowledged", "dave"),
        ("resolved", "acknowledged", "resolved", "dave"),
    ]


def test_assign_after_ack_moves_to_in_progress_and_tells_assignee(chat):
    chat("alice> /request it laptop broken", "dave> /request ack IT-1")
    out = chat("dave> /request assign IT-1 kevin")
    assert "[to kevin] 孙磊 Dave Sun assigned IT-1 to you" in out
    assert "[to alice] IT-1 (broken) is now handled by 徐凯 Kevin Xu." in out
    row = req(chat.app, "IT-1")
    assert (row.state, row.assignee_id) == ("in_progress", "kevin")


def test_assignment_is_not_a_first_response(chat):
    chat("alice> /request it laptop broken", "dave> /request assign IT-1 kevin")
    row = req(chat.app, "IT-1")
    assert row.state == "open" and row.first_response_at is None


def test_assign_me_and_assign_outside_department(chat):
    chat("alice> /request it laptop broken")
    chat("kevin> /request assign IT-1 me")
    assert req(chat.app, "IT-1").assignee_id == "kevin"
    out = chat("dave> /request assign IT-1 bob")
    assert "张伟 Bob Zhang 不是信息技术部的成员" in out
    out = chat("dave> /request assign IT-1 nobody")
    assert "找不到“nobody”这个人" in out
    assert req(chat.app, "IT-1").assignee_id == "kevin"


def test_reopen_with_reason_goes_back_to_in_progress(chat):
    chat("alice> /request it software install VS Code", "kevin> /request resolve IT-1 installed",
         "alice> /request confirm IT-1")
    out = chat("alice> /request reopen IT-1 it crashes on start")
    assert "[to kevin]" in out and "it crashes on start" in out
    row = req(chat.app, "IT-1")
    assert row.state == "in_progress" and row.closed_at is None and row.resolved_at is None


def test_reopen_without_reason_asks_for_one(chat):
    chat("alice> /request it software x", "kevin> /request resolve IT-1 done")
    out = chat("alice> /request reopen IT-1")
    assert "Please add a note: `/request reopen IT-1 <reason>`." in out
    assert req(chat.app, "IT-1").state == "resolved"


def test_cancel_by_requester(chat):
    chat("alice> /request it laptop x")
    out = chat("alice> /request cancel IT-1")
    assert "[reply] IT-1 is cancelled." in out
    assert "[to #it-requests]" in out
    assert req(chat.app, "IT-1").state == "cancelled"
    out = chat("alice> /request cancel IT-1")
    assert "IT-1 is cancelled, so it can't be cancelled now." in out


def test_resume_by_desk_moves_due_time(chat, clock):
    chat("alice> /request it laptop x", "kevin> /request wait IT-1 which model?")
    clock.set(local("2026-11-23T14:00"))  # 09:00-12:00 and 13:30-14:00 = 3h30m paused
    before = req(chat.app, "IT-1").resolution_due
    out = chat("kevin> /request resume IT-1")
    assert "[to alice]" in out
    row = req(chat.app, "IT-1")
    assert row.state == "in_progress"
    assert row.paused_seconds == 210 * 60
    assert row.resolution_due > before


def test_comment_from_desk_is_a_first_response_and_reaches_requester(chat):
    chat("alice> /request it laptop x")
    out = chat("kevin> /request comment IT-1 coming over at 3pm")
    assert "[to alice] 徐凯 Kevin Xu on your request IT-1 (x): coming over at 3pm" in out
    assert req(chat.app, "IT-1").first_response_at is not None


def test_comment_from_requester_goes_to_channel_when_unassigned(chat):
    chat("alice> /request it laptop x")
    out = chat("alice> /request comment IT-1 any news?")
    assert "[to #it-requests] 王丽 Alice Wang 评论了 IT-1（x）：any news?" in out
    assert req(chat.app, "IT-1").first_response_at is None


def test_transfer_moves_request_keeps_history_and_resets_targets(chat, clock):
    chat("alice> /request finance reimbursement amount=86 laptop receipt")
    clock.set(local("2026-11-23T10:00"))
    out = chat("bob> /request transfer FIN-1 it laptop")
    assert "[to #it-requests] 新请求 FIN-1" in out
    assert "[to #finance-requests] 张伟 Bob Zhang 将 FIN-1 转交信息技术部。" in out
    assert "[to alice] 张伟 Bob Zhang transferred your request FIN-1" in out
    row = req(chat.app, "FIN-1")
    assert (row.department, row.category, row.state, row.assignee_id) == (
        "it", "laptop", "open", None)
    assert row.origin_department == "finance"
    assert [e[0] for e in events(chat.app, "FIN-1")] == ["opened", "transferred"]
    # the new owner can work it; the old one no longer can
    assert "You acknowledged" not in chat("bob> /request ack FIN-1")
    assert "已受理" in chat("dave> /request ack FIN-1")


def test_transfer_to_same_department_is_refused(chat):
    chat("alice> /request finance reimbursement amount=86 x")
    assert "FIN-1 已在财务部（报销），未做更改。" in chat("bob> /request transfer FIN-1 财务")


def test_rating_after_close_and_change_within_24h(chat, clock):
    chat("alice> /request it laptop x", "kevin> /request resolve IT-1 done",
         "alice> /request confirm IT-1")
    out = chat("alice> /request rate IT-1 4 good work")
    assert "Thank you for rating IT-1 4/5." in out
    assert "[to kevin]" in out
    clock.set(local("2026-11-23T20:00"))
    assert "now 2/5" in chat("alice> /request rate IT-1 2 actually it broke again")
    clock.set(local("2026-11-25T09:00"))
    assert "final" in chat("alice> /request rate IT-1 5")
    with Session(chat.app.desk.engine) as s:
        rating = s.exec(select(Rating)).one()
        assert (rating.stars, rating.comment) == (2, "actually it broke again")


def test_low_rating_alerts_department_leads(chat):
    chat("alice> /request it laptop x", "kevin> /request resolve IT-1 done",
         "alice> /request confirm IT-1")
    out = chat("alice> /request rate IT-1 1 nobody explained anything")
    assert "[to dave] 低分提醒：王丽 Alice Wang 给 IT-1 评了 1 分。nobody explained anything" in out


def test_rating_before_close_is_refused(chat):
    chat("alice> /request it laptop x")
    out = chat("alice> /request rate IT-1 5")
    assert "IT-1 is open, so it can't be rated now. You can rate it once it is closed." in out


def test_resolver_cannot_rate_own_work(chat):
    chat("kevin> /request it software need a licence", "kevin> /request resolve IT-1 bought",
         "kevin> /request confirm IT-1")
    assert "You resolved IT-1 yourself, so you can't rate it." in chat(
        "kevin> /request rate IT-1 5")


def test_show_prints_history_in_local_time(chat, clock):
    chat("alice> /request it laptop x")
    clock.set(local("2026-11-23T09:45"))
    chat("kevin> /request ack IT-1")
    out = chat("alice> /request show IT-1")
    assert "Opened: 2026-11-23 09:00" in out
    assert "2026-11-23 09:45 徐凯 Kevin Xu acknowledged (open → acknowledged)" in out
    assert "First response: answered 2026-11-23 09:45" in out


def test_list_and_queue(chat):
    chat("alice> /request it laptop one", "alice> /request finance reimbursement amount=86 two",
         "henry> /request it software three")
    out = chat("alice> /request list")
    assert "IT-1" in out and "FIN-1" in out and "IT-2" not in out
    out = chat("kevin> /request queue")
    assert "IT-1" in out and "IT-2" in out and "FIN-1" not in out
    assert "Page 1 of 1 (2 in all)" in out
    assert "您不是财务部的成员" in chat("dave> /request queue finance")


def test_queue_paginates(chat):
    chat(*[f"alice> /request it software item {i}" for i in range(25)])
    first = chat("kevin> /request queue")
    second = chat("kevin> /request queue 2")
    assert "Page 1 of 2 (25 in all)" in first and "Page 2 of 2 (25 in all)" in second
    assert first.count("• IT-") == 20 and second.count("• IT-") == 5
    assert "Add a page number" in first and "Add a page number" not in second


def test_a_page_past_the_last_says_how_many_there_are(chat):
    chat(*[f"henry> /request it software item {i}" for i in range(21)])
    past = chat("kevin> /request queue 3")
    assert "There is no page 3: 21 in all fit on 2. Type `/request queue 2`" in past
    assert "• IT-" not in past
    assert "没有第 5 页：共 21 条，2 页。输入 `/request list 2`" in chat("henry> /request list 5")
    assert "no page 4" in chat("kevin> /request queue it 4") and "`/request queue it 2`" in \
        chat("kevin> /request queue it 4")


def test_suggestion_reaches_leads_anonymously(chat):
    out = chat("alice> /suggest --anon finance please accept e-invoices")
    assert "without your name" in out
    assert "[to carol] 财务部收到 匿名同事 的建议 #1：" in out
    assert "Alice" not in out.split("[to carol]")[1]


def test_every_state_change_tells_the_requester(chat):
    chat("henry> /request it laptop x")
    steps = ["dave> /request ack IT-1", "dave> /request wait IT-1 q?", "dave> /request resume IT-1",
             "dave> /request resolve IT-1 ok"]
    for line in steps:
        assert "[to henry]" in chat(line), line


@pytest.mark.parametrize("line", [
    "alice> /request it laptop <!channel> @all '; DROP TABLE request; --",
])
def test_injection_looking_text_is_stored_verbatim(chat, line):
    chat(line)
    row = req(chat.app, "IT-1")
    assert row.details == "<!channel> @all '; DROP TABLE request; --"
    with Session(chat.app.desk.engine) as s:
        assert len(s.exec(select(Request)).all()) == 1


def test_too_long_details_store_nothing(chat):
    out = chat("alice> /request it laptop " + "x" * 4001)
    assert "limit is 4000" in out and "Nothing was saved" in out
    with Session(chat.app.desk.engine) as s:
        assert s.exec(select(Request)).all() == []
        assert s.exec(select(Outbox)).all() == []
        assert s.exec(select(Event)).all() == []


def test_multiline_details_kept(chat):
    chat("alice> /request it laptop line one\\nline two")
    row = req(chat.app, "IT-1")
    assert row.details == "line one\nline two" and row.title == "line one"


def test_outbox_rows_are_delivered_once(chat):
    chat("alice> /request it laptop x")
    with Session(chat.app.desk.engine) as s:
        rows = s.exec(select(Outbox).order_by(col(Outbox.id))).all()
        assert rows and all(r.delivered_at is not None for r in rows)
    again = chat.session.dispatcher.run_once()
    assert again.delivered == 0


def test_a_second_reply_to_a_suggestion_keeps_the_first(chat):
    from sqlmodel import Session

    from storage.models import Suggestion

    chat("alice> /suggest finance please accept e-invoices")
    out = chat("carol> /suggest reply 1 we will look", "carol> /suggest reply 1 from January on")
    assert out.count("[to alice]") == 2, "alice hears each reply"
    with Session(chat.app.desk.engine) as session:
        row = session.get(Suggestion, 1)
        assert row is not None and row.reply == "we will look\n\nfrom January on"


def test_taking_a_request_oneself_reads_as_taking_it_in_the_thread(chat):
    chat("henry> /request finance reimbursement amount=86 taxi")
    out = chat("bob> /request assign FIN-1 me")
    assert "[to #finance-requests] 张伟 Bob Zhang 认领了 FIN-1。" in out
    assert "张伟 Bob Zhang 把 FIN-1 指派给了 张伟 Bob Zhang" not in out
