"""`/request 查看` of a request with a long history in the WeCom app chat: the reply keeps
the request's header, its latest events and its buttons whole, and says how many earlier
events are left out and how to see them, instead of cutting the middle of the history
(render's cap of ``MAX_PARTS`` messages). Through encrypted callbacks."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.adapters.wecom.render import MARKDOWN_LIMIT, MAX_PARTS, byte_len
from handlers.inbound import Inbound
from storage import request_store
from tests.adapters.wecom.conftest import request

EVENTS = 150  # comments of each side: 300 of them, and the request's own events


def comments(wecom, ref: str, desk: str, requester: str) -> None:
    """``desk`` and ``requester`` comment on ``ref`` in turn, ``EVENTS`` times each (typed
    in the console: the history is what matters here, not 300 notices)."""
    for i in range(EVENTS):
        for who, text in ((desk, f"第{i}次：请补充第{i}张发票的原件和行程单，谢谢配合"),
                          (requester, f"好的，第{i}张发票 (invoice {i}) 已经补上了，请查收")):
            reply = wecom.app.run(Inbound(platform="console", person_id=who,
                                          text=f"/request comment {ref} {text}"))
            assert reply.ok, reply.text


def answer(wecom, userid: str, text: str) -> tuple[list[str], dict[str, Any]]:
    """What ``userid`` got for ``text``: the texts, then the card."""
    before = len(wecom.api.received(userid))
    wecom.say(userid, text)
    got = wecom.api.received(userid)[before:]
    assert got and got[-1]["msgtype"] == "template_card", got
    texts = [b[b["msgtype"]]["content"] for b in got[:-1]]
    assert all(b["msgtype"] in ("text", "markdown") for b in got[:-1])
    return texts, got[-1]["template_card"]


def history_count(wecom, ref: str) -> int:
    with Session(wecom.app.desk.engine) as session:
        return len(request_store.events(session, request(wecom.app, ref).id or 0))


def test_a_long_history_shows_its_header_latest_events_and_buttons(wecom):
    wecom.say("lihua", "提单 财务 核算 展会的预算科目")
    wecom.say("zhangwei", "受理 FIN-1")
    wecom.say("lihua", "评论 FIN-1 两行的说明：\n第二行在这里")  # one event, two lines
    comments(wecom, "FIN-1", "bob", "henry")
    total = history_count(wecom, "FIN-1")
    assert total == 2 * EVENTS + 3

    texts, card = answer(wecom, "liufang", "查看 FIN-1")
    assert len(texts) <= MAX_PARTS
    assert all(byte_len(t) <= MARKDOWN_LIMIT for t in texts)
    shown = "\n".join(texts)
    assert "字：企业微信中一条回复最多分" not in shown, "nothing cut blindly"
    lines = shown.split("\n")
    assert lines[0] == "FIN-1 · 展会的预算科目"
    assert "状态: 已受理" in lines and "处理人: 张伟 Bob Zhang" in lines
    at = lines.index("处理记录：")
    earlier = lines[at + 1]
    left_out = int(earlier.split("省略了更早的 ")[1].split(" 条")[0])
    assert earlier == (f"  ⋯ 篇幅所限，此处省略了更早的 {left_out} 条记录；如需查看全部，可请管理员"
                       "导出（crossdesk export --what events）。")
    kept = lines[at + 2:]
    assert kept[0].startswith("  2026-11-23 "), "the history resumes at an event"
    assert kept[-1].endswith(f"评论: 好的，第{EVENTS - 1}张发票 (invoice {EVENTS - 1}) "
                             "已经补上了，请查收")
    assert left_out + len(kept) == total, "each event shown is one line here"
    assert len(kept) >= 2 * 40, "the room is used: a dozen messages hold dozens of events"
    assert [b["key"] for b in card["button_list"]] == [
        "cmd:/request assign FIN-1 me", "cmd:/request wait FIN-1 <question>",
        "cmd:/request resolve FIN-1 <note>"]


def test_an_english_requester_sees_the_latest_events_and_how_to_see_the_rest(wecom):
    wecom.say("wangli", "/request finance accounting budget codes for the trade fair")
    wecom.say("zhangwei", "受理 FIN-1")
    comments(wecom, "FIN-1", "bob", "alice")
    total = history_count(wecom, "FIN-1")

    texts, card = answer(wecom, "wangli", "/request show FIN-1")
    assert len(texts) <= MAX_PARTS
    lines = "\n".join(texts).split("\n")
    assert lines[0] == "FIN-1 · budget codes for the trade fair"
    at = lines.index("History:")
    earlier = lines[at + 1]
    left_out = int(earlier.split("… ")[1].split(" ")[0])
    assert earlier == (f"  … {left_out} earlier events are left out here, for want of room; "
                       "an admin can export them all (crossdesk export --what events).")
    kept = lines[at + 2:]
    assert left_out + len(kept) == total and left_out > 0
    assert kept[-1].endswith(f"commented: 好的，第{EVENTS - 1}张发票 (invoice {EVENTS - 1}) "
                             "已经补上了，请查收")
    assert [b["key"] for b in card["button_list"]] == ["cmd:/request cancel FIN-1"]


def test_a_short_history_is_shown_whole(wecom):
    wecom.say("lihua", "提单 财务 核算 展会的预算科目")
    wecom.say("zhangwei", "受理 FIN-1")
    texts, _card = answer(wecom, "liufang", "查看 FIN-1")
    shown = "\n".join(texts)
    assert "省略" not in shown
    assert shown.endswith("张伟 Bob Zhang 受理 (待受理 → 已受理)")
