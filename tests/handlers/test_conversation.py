"""The conversation is the request's own, typed as console transcript lines: a reply in the
desk's thread (``bob@FIN-1>``), a plain message in the DM (``henry@dm>``), a reply in the DM
thread about a request (``henry@dm:FIN-1>``) and a shared file (``[file x.pdf]``)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from handlers.digest import bounds, compute, parse_week
from storage import request_store
from storage.models import HeldMessage, Request

OPEN = "henry> /request finance cash-advance taxi 86"


def row(chat, ref: str = "FIN-1") -> Request:
    with Session(chat.app.desk.engine) as s:
        found = request_store.by_ref(s, ref)
        assert found is not None
        return found


def kinds(chat, ref: str = "FIN-1") -> list[tuple[str, str, str | None]]:
    with Session(chat.app.desk.engine) as s:
        request = request_store.by_ref(s, ref)
        assert request is not None and request.id is not None
        return [(e.kind, e.actor_id, e.note) for e in request_store.events(s, request.id)]


def lines_to(printed: str, target: str) -> list[str]:
    return [line for line in printed.splitlines() if line.startswith(f"[to {target}]")]


def test_a_desk_members_thread_reply_reaches_the_requester_once_and_stops_the_clock(chat):
    chat("@now 2026-11-23T09:05", OPEN)
    out = chat("@now 2026-11-23T10:00", "bob@FIN-1> please send the invoice photo")
    assert lines_to(out, "henry") == [
        "[to henry] 张伟 Bob Zhang 回复了您的请求 FIN-1（taxi 86）：please send the invoice photo"]
    assert lines_to(out, "#finance-requests") == [], "not posted back into its own thread"
    assert "[reply] 已作为 FIN-1 的评论发给 李华 Henry Li。" in out
    assert row(chat).first_response_at is not None, "the first-response clock stops"
    assert ("thread_reply", "bob", "please send the invoice photo") in kinds(chat)
    later = chat("@now 2026-11-23T14:40")  # past the 4-hour target: no breach, no nudge
    assert "FIN-1" not in later


def test_an_internal_note_stays_inside_the_desk(chat):
    chat("@now 2026-11-23T09:05", OPEN)
    for marker in ("//", "(internal)", "（内部）"):
        out = chat(f"carol@FIN-1> {marker} small amount, approve without the receipt")
        assert "[to henry]" not in out and "[to #" not in out
        assert "[reply] 已在 FIN-1 添加内部备注：提单人看不到。" in out
    assert row(chat).first_response_at is None, "a note is no answer to the requester"
    notes = [k for k in kinds(chat) if k[0] == "internal_note"]
    assert notes == [("internal_note", "carol", "small amount, approve without the receipt")] * 3
    assert "内部备注" in chat("carol> /request show FIN-1")
    shown = chat("henry> /request show FIN-1")
    assert "内部备注" not in shown and "approve without" not in shown


def test_the_requesters_thread_reply_reaches_the_assignee_not_the_thread(chat):
    chat("@now 2026-11-23T09:05", OPEN, "bob> /request ack FIN-1",
         "bob> /request wait FIN-1 which client?")
    out = chat("henry@FIN-1> the Shanghai one")
    assert lines_to(out, "bob") == [
        "[to bob] 李华 Henry Li 已回复 FIN-1（taxi 86）：the Shanghai one"]
    assert lines_to(out, "#finance-requests") == []
    assert row(chat).state == "in_progress", "the answer resumes the wait"
    assert "[reply] 已加入 FIN-1，财务部会收到。" in out


def test_anyone_elses_thread_reply_is_recorded_only(chat):
    chat("@now 2026-11-23T09:05", OPEN)
    out = chat("alice@FIN-1> I had the same problem")
    assert "[to " not in out
    assert "Noted in FIN-1's history" in out
    assert "`/request finance` and what you need" in out, "how to ask for herself"
    assert "/request show FIN-1" not in out, "not a command she may run: she is no party"
    assert ("thread_reply", "alice", "I had the same problem") in kinds(chat)
    assert row(chat).first_response_at is None


def test_a_command_typed_in_a_thread_is_still_a_command(chat):
    chat("@now 2026-11-23T09:05", OPEN)
    out = chat("bob@FIN-1> /request ack FIN-1")
    assert row(chat).state == "acknowledged"
    assert [k for k, *_ in kinds(chat)] == ["opened", "acknowledged"]
    assert "受理" in out


def test_a_thread_reply_that_only_looks_like_a_command_is_a_reply(chat):
    chat("@now 2026-11-23T09:05", OPEN)
    out = chat("bob@FIN-1> /finance/2026-11 has the form", "bob@FIN-1> done, sent it")
    assert len(lines_to(out, "henry")) == 2
    assert [k for k, *_ in kinds(chat)] == ["opened", "thread_reply", "thread_reply"]
    assert row(chat).state == "open", "'done' in a reply resolves nothing"


def test_a_reply_in_the_dm_thread_is_a_comment_posted_into_the_desk_thread(chat):
    chat("@now 2026-11-23T09:05", OPEN, "henry> /request finance cash-advance hotel 300")
    out = chat("henry@dm:FIN-1> the invoice is on the shared drive")
    desk = "[to #finance-requests] 李华 Henry Li 评论了 FIN-1（taxi 86）："
    assert lines_to(out, "#finance-requests") == [desk + "the invoice is on the shared drive"]
    assert ("dm_reply", "henry", "the invoice is on the shared drive") in kinds(chat)
    refused = chat("alice@dm:FIN-1> let me in")
    assert "[reply] I can't find request FIN-1" in refused, "same permissions as comment"
    assert [k for k, *_ in kinds(chat)].count("dm_reply") == 1


def test_a_plain_dm_goes_to_the_one_open_request(chat):
    chat("@now 2026-11-23T09:05", OPEN, "bob> /request wait FIN-1 which client?")
    out = chat("henry@dm> 上海那家")
    assert row(chat).state == "in_progress"
    assert ("dm_reply", "henry", "上海那家") in kinds(chat)
    assert "[to #finance-requests] 李华 Henry Li 已回复 FIN-1（taxi 86）：上海那家" in out


def test_several_open_requests_ask_which_and_the_text_is_added_once(chat):
    chat("@now 2026-11-23T09:05", OPEN, "henry> /request finance cash-advance hotel 300")
    out = chat("henry@dm> receipts are attached now")
    assert "这条消息是关于哪一个的？" in out and "“receipts are attached now”" in out
    assert "  (button) FIN-2 hotel 300 -> /request add FIN-2 1" in out
    assert "  (button) FIN-1 taxi 86 -> /request add FIN-1 1" in out
    assert "[to #" not in out, "nothing sent before the choice"
    with Session(chat.app.desk.engine) as s:
        (held,) = s.exec(select(HeldMessage)).all()
    assert (held.person_id, held.text, held.attached_ref) == (
        "henry", "receipts are attached now", None)

    added = chat("henry> /request add FIN-2 1")
    desk = "[to #finance-requests] 李华 Henry Li 评论了 FIN-2（hotel 300）："
    assert desk + "receipts are attached now" in added
    again = chat("henry> /request add FIN-1 1")
    assert "[reply] 这条消息已经加入 FIN-2，未做更改。" in again
    assert "dm_reply" not in [k for k, *_ in kinds(chat, "FIN-1")]
    assert "没有找到您待归入的消息 1" in chat("bob> /request add FIN-1 1"), "only its author"


def test_a_plain_dm_with_no_open_request_gets_the_help(chat):
    out = chat("alice@dm> hello, anyone there?")
    assert "I didn't understand that" in out and "crossdesk — ask any department" in out


def test_a_plain_dm_that_is_a_command_runs_as_one(chat):
    chat("@now 2026-11-23T09:05", OPEN)
    out = chat("henry@dm> 查看 FIN-1")
    assert "FIN-1 · taxi 86" in out
    assert [k for k, *_ in kinds(chat)] == ["opened"]


@pytest.mark.parametrize("said", ["mine is still broken, please check",
                                  "back from lunch - any news on the refund?",
                                  "home office today, call me on my mobile",
                                  "help me please, the taxi was 86", "list 2 receipts are late"])
def test_a_plain_dm_that_merely_begins_with_a_command_word_is_words(chat, said):
    chat("@now 2026-11-23T09:05", OPEN)
    out = chat(f"henry@dm> {said}")
    assert ("dm_reply", "henry", said) in kinds(chat)
    assert f"[to #finance-requests] 李华 Henry Li 评论了 FIN-1（taxi 86）：{said}" in out


@pytest.mark.parametrize("said,shown", [
    ("list", "FIN-1"), ("mine 1", "FIN-1"), ("help", "crossdesk"),
    ("catalog finance", "财务部提供以下服务")])
def test_a_plain_dm_that_is_only_a_command_still_runs(chat, said, shown):
    chat("@now 2026-11-23T09:05", OPEN)
    out = chat(f"henry@dm> {said}")
    assert shown in out and "dm_reply" not in [k for k, *_ in kinds(chat)]


def test_a_file_shared_in_the_dm_is_attached_and_is_the_comment(chat, tmp_path):
    chat("@now 2026-11-23T09:05", OPEN)
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(b"%PDF-1.4 taxi receipt")
    out = chat(f"henry@dm> [file {receipt}]")
    assert ("dm_reply", "henry", "📎 receipt.pdf") in kinds(chat)
    assert "receipt.pdf" in out
    assert "receipt.pdf" in chat("bob> /request show FIN-1")


def test_a_bad_speaker_gets_the_syntax(chat):
    out = chat("bob@nowhere> hi")
    assert "[error]" in out and "person@FIN-1>" in out


def test_the_digest_counts_a_thread_reply_as_the_first_response(chat, desk_app):
    chat("@now 2026-11-23T09:05", OPEN, "@now 2026-11-23T10:05", "bob@FIN-1> on it")
    with Session(desk_app.desk.engine) as s:
        desk = desk_app.desk
        figures = compute(s, desk, *bounds(desk, parse_week("2026-W48")))["finance"]
    assert (figures.first_met, figures.first_total) == (1, 1)


def test_the_scorecard_counts_a_thread_reply_as_the_first_response(chat):
    chat("@now 2026-11-23T09:05", OPEN, "@now 2026-11-23T10:05", "bob@FIN-1> on it")
    out = chat("@now 2026-11-30T09:00", "carol> /request scorecard")
    assert "财务部：1 个请求 · 首次响应 100%" in out
