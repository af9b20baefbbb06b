"""What the requester reads is in their language, and an answer to a proposal typed without
its id goes to the one proposal waiting for it: the help channel's answer to an
English-speaking requester, ``accept`` / ``decline`` / ``counter`` (接受 / 拒绝 / 反提议)
with one, several or no proposal waiting, and a plain DM message while one waits."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from storage import proposals, request_store

START = "@now 2026-11-30T09:00"
OPEN = "alice> /request finance reimbursement cab 90 CNY"
PROPOSE = "bob> /request propose FIN-1 2026-12-10 need sign-off"


def replies(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("[reply]")]


def proposal_state(chat, ref: str = "FIN-1") -> str:
    """The state of the request's latest proposal."""
    with Session(chat.app.desk.engine) as s:
        request = request_store.by_ref(s, ref)
        assert request is not None and request.id is not None
        rows = proposals.of_cycle(s, request.id, request.cycle)
        return rows[-1].state


def test_the_help_channel_answers_an_english_requester_in_english_first(chat):
    out = chat(START, "alice@#finance-help> How do I get reimbursed for a conference ticket? "
                      "It was $300")
    english = out.find("FIN-1 is open for 王丽 Alice Wang: Finance, ")
    chinese = out.find("已为 王丽 Alice Wang 创建 FIN-1：财务部")
    assert english != -1, out
    assert "Another service? Tap it, or type `/request service FIN-1 <service>`" in out
    assert chinese > english, "the desk still reads its own language after hers"
    assert "(button) 受理 -> /request ack FIN-1" in out
    out = chat("henry@#finance-help> 发票抬头怎么开")  # the desk's own language: once
    assert "已为 李华 Henry Li 创建 FIN-2" in out and "is open for" not in out


@pytest.mark.parametrize("typed", ["alice@dm> accept", "alice> /request accept",
                                   "alice> accept", "alice@dm> 接受"])
def test_accept_without_an_id_accepts_the_one_proposal_waiting(chat, typed):
    chat(START, OPEN, PROPOSE)
    out = chat(typed)
    assert replies(out)[0].startswith("[reply] Agreed: FIN-1 is now due 2026-12-10 18:00")
    assert proposal_state(chat) == "accepted"


def test_decline_and_counter_without_an_id_answer_the_one_proposal(chat):
    chat(START, OPEN, PROPOSE)
    out = chat("alice> decline too late for me")
    assert "Which request" not in out
    assert proposal_state(chat) == "declined"
    chat("bob> /request propose FIN-1 2026-12-10 again")
    out = chat("alice@dm> /request counter 2026-12-08 sooner please")
    assert "Your counter-proposal on FIN-1" in replies(out)[0]
    assert proposal_state(chat) == "pending"  # the counter waits for the desk now
    out = chat("bob> accept")  # the one counter waiting at bob's desk
    assert "FIN-1" in replies(out)[0] and "请指明" not in out
    assert proposal_state(chat) == "accepted"


def test_a_decline_without_its_reason_still_says_what_to_type(chat):
    chat(START, OPEN, PROPOSE)
    out = chat("alice> /request decline")
    assert "FIN-1" in replies(out)[0] and "Which request" not in out
    assert proposal_state(chat) == "pending"


def test_with_several_proposals_waiting_the_answer_asks_which(chat):
    chat(START, OPEN, "alice> /request finance reimbursement taxi 50 CNY", PROPOSE,
         "bob> /request propose FIN-2 2026-12-11 need sign-off too")
    out = chat("alice> counter 2026-12-14 later")
    assert replies(out) == ["[reply] Proposals on FIN-2, FIN-1 wait for your answer. "
                            "Which one? Type:"]
    assert "• `/request counter FIN-2 2026-12-14 later`" in out
    assert "• `/request counter FIN-1 2026-12-14 later`" in out
    assert proposal_state(chat) == proposal_state(chat, "FIN-2") == "pending"


@pytest.mark.parametrize("typed,shown", [
    ("alice> /request accept", "No proposal is waiting for your answer. When one comes (a new "
     "date or solution), answer it with the buttons on its message, or type "
     "`/request accept <ID>`."),
    ("henry> 拒绝", "目前没有等待您答复的方案。收到方案（新日期或新方案）后，请点该消息上的按钮，"
     "或输入 `/request 拒绝 <单号> <原因>`。"),
])
def test_with_no_proposal_waiting_the_answer_says_so(chat, typed, shown):
    chat(START, OPEN)
    out = chat(typed)
    assert replies(out) == [f"[reply] {shown}"]


def test_words_in_the_dm_while_a_proposal_waits_remind_how_to_accept(chat):
    chat(START, OPEN, PROPOSE)
    out = chat("alice@dm> ok fine with me")
    assert "[reply] Comment added to FIN-1." in out
    assert ("A proposal on FIN-1 still waits for your answer: to accept it, type "
            "`/request accept FIN-1`") in out
    assert "[to bob] 王丽 Alice Wang 评论了 FIN-1（cab 90 CNY）：ok fine with me" in out
    assert proposal_state(chat) == "pending", "words are no answer to the proposal"
    chat("alice> accept")
    out = chat("alice@dm> thanks for the quick answer, see you")
    assert "still waits" not in out
