"""The negotiation on WeCom: the proposal reaches the requester as a card with 接受 / 拒绝… /
反提议…, typing `接受 FIN-1` in the app chat (an encrypted callback) agrees the new date, and
a button whose command needs text asks for it."""

from __future__ import annotations

from handlers.messages import Message
from handlers.negotiation_notices import answer_buttons
from handlers.sweep import sweep
from storage import outbox
from storage.engine import transaction
from tests.adapters.wecom.conftest import FINANCE_CHAT, request, trail
from tests.conftest import local


def proposed(wecom) -> dict:
    wecom.say("lihua", "提单 财务 核算 展会的预算科目")
    wecom.say("zhangwei", "受理 FIN-1")
    wecom.clock.set(local("2026-11-23T10:00"))
    wecom.say("zhangwei", "提议 FIN-1 2026-12-02 明年预算 1 号定稿，2 号开科目")
    wecom.dispatch()
    return next(c for c in wecom.cards_to("lihua")
                if [b["text"] for b in c["button_list"]] == ["接受", "拒绝…", "反提议…"])


def test_typing_accept_in_the_app_chat_agrees_the_new_date(wecom):
    card = proposed(wecom)
    assert card["main_title"]["title"].startswith("财务部的 张伟 Bob Zhang 就您的请求")
    assert any("提出方案：新的完成时间 2026-12-02 18:00" in r for r in wecom.replies_to("lihua"))
    assert any(r.startswith("已将 FIN-1 的方案发给 李华 Henry Li")
               for r in wecom.replies_to("zhangwei"))
    wecom.clock.set(local("2026-11-23T11:00"))
    wecom.say("lihua", "接受 FIN-1")
    assert any(r.startswith("已达成一致：FIN-1 的完成时间改为 2026-12-02 18:00")
               for r in wecom.replies_to("lihua"))
    row = request(wecom.app, "FIN-1")
    assert row.resolution_due == local("2026-12-02T18:00") and row.agreements == 1
    assert [kind for kind, *_ in trail(wecom.app, "FIN-1")][-2:] == ["proposed", "agreed"]
    wecom.dispatch()
    to_chat = [b for b in wecom.api.delivered("appchat/send") if b.get("chatid") == FINANCE_CHAT]
    assert any("接受了 FIN-1" in str(b) for b in to_chat), "the desk's chat hears it"


def test_the_decline_button_asks_for_the_reason_and_changes_nothing(wecom):
    card = proposed(wecom)
    key = next(b["key"] for b in card["button_list"] if b["text"] == "拒绝…")
    assert key == "cmd:/request decline FIN-1 <why>"
    wecom.click("lihua", key, card["task_id"], "rc-decline")
    assert "请说明拒绝的原因" in wecom.replies_to("lihua")[-1]
    assert request(wecom.app, "FIN-1").proposed_at is not None  # still waiting
    wecom.say("lihua", "拒绝 FIN-1 会议在 1 号")
    row = request(wecom.app, "FIN-1")
    assert row.proposed_at is None and row.agreed_at is None


def greyed(wecom, task_id: str) -> list[dict]:
    return [u for u in wecom.api.delivered("message/update_template_card")
            if u["template_card"]["task_id"] == task_id]


def cancel_card(wecom) -> dict:
    """The requester's confirmation card (its Cancel button)."""
    return next(c for c in wecom.cards_to("lihua")
                if "取消" in [b["text"] for b in c["button_list"]])


def test_accepting_on_one_card_greys_every_copy_of_the_proposal_but_not_cancel(wecom):
    card = proposed(wecom)
    copy = Message(text="FIN-1 的方案还在等您答复", target="person:henry", request_ref="FIN-1",
                   buttons=answer_buttons("FIN-1", "zh-CN"))  # as a reminder carries them
    with transaction(wecom.app.desk.engine) as s:
        outbox.enqueue(s, copy.target, copy.to_dict(), wecom.clock(),
                       request_id=request(wecom.app, "FIN-1").id)
    wecom.dispatch()
    second = [c for c in wecom.cards_to("lihua") if "接受" in
              [b["text"] for b in c["button_list"]] and c["task_id"] != card["task_id"]][-1]

    wecom.click("lihua", next(b["key"] for b in second["button_list"] if b["text"] == "接受"),
                second["task_id"], "rc-accept")
    wecom.dispatch()

    assert request(wecom.app, "FIN-1").agreed_at is not None
    assert greyed(wecom, second["task_id"]) and greyed(wecom, card["task_id"])
    (update,) = greyed(wecom, card["task_id"])
    assert update["template_card"]["replace_text"] == "✓ 李华 Henry Li · 接受"


def test_a_typed_counter_greys_the_proposal_and_keeps_the_cancel_button(wecom):
    card = proposed(wecom)
    opened = cancel_card(wecom)
    wecom.say("lihua", "反提议 FIN-1 2026-12-03 3 号才能定稿")
    wecom.dispatch()
    assert [kind for kind, *_ in trail(wecom.app, "FIN-1")][-1] == "countered"
    (update,) = greyed(wecom, card["task_id"])
    assert update["template_card"]["replace_text"] == "✓ 李华 Henry Li · 反提议…"
    assert greyed(wecom, opened["task_id"]) == []  # the request is open: Cancel still applies


def test_a_proposal_the_desk_withdraws_or_that_lapses_greys_its_cards(wecom):
    card = proposed(wecom)
    wecom.say("zhangwei", "等待 FIN-1 是哪个项目的预算？")  # the desk moves on: withdrawn
    wecom.dispatch()
    (update,) = greyed(wecom, card["task_id"])
    assert update["template_card"]["replace_text"] == "✓ 办理方已撤回方案"

    wecom.say("zhangwei", "提议 FIN-1 2026-12-03 等展会结束")
    for day in ("2026-11-24", "2026-11-25", "2026-11-26"):  # a reminder, then it lapses
        wecom.clock.set(local(f"{day}T10:01"))
        sweep(wecom.app.desk, wecom.clock())
        wecom.dispatch()
    reminder = [c for c in wecom.cards_to("lihua")
                if [b["text"] for b in c["button_list"]] == ["接受", "拒绝…", "反提议…"]][-1]
    assert "提醒" in reminder["main_title"]["title"]
    (lapsed,) = greyed(wecom, reminder["task_id"])
    assert lapsed["template_card"]["replace_text"] == "✓ 方案已过期"
    # the proposal's own card went out over 72 hours before: WeCom takes no update for it


def test_the_requester_cancelling_greys_the_proposal_as_their_own_act(wecom):
    card = proposed(wecom)
    wecom.say("lihua", "取消 FIN-1")
    wecom.dispatch()
    assert request(wecom.app, "FIN-1").state == "cancelled"
    (update,) = greyed(wecom, card["task_id"])
    assert update["template_card"]["replace_text"] == "✓ 李华 Henry Li · 取消"


def _counter_to(sent: list[dict], userid: str) -> tuple[list[dict], list[str]]:
    """The cards and the plain texts about the counter-proposal ``userid`` was sent."""
    mine = [b for b in sent if userid in b["touser"].split("|") and "提出反提议" in str(b)]
    cards = [b["template_card"] for b in mine if b["msgtype"] == "template_card"]
    return cards, [b[b["msgtype"]]["content"] for b in mine if b["msgtype"] != "template_card"]


DESK_ANSWERS = ["接受对方日期", "提议…"]


def test_the_assignee_hears_a_counter_proposal_once_with_the_buttons_to_answer_it(wecom):
    """Told in person (a card with 接受对方日期 / 提议…), the assignee gets no copy of the
    desk's card; the desk's other member gets that copy, its group chat the text."""
    proposed(wecom)
    before = len(wecom.api.delivered("message/send"))
    chat_before = len(wecom.api.delivered("appchat/send"))
    wecom.say("lihua", "反提议 FIN-1 2026-12-03 3 号才能定稿")
    wecom.dispatch()
    sent = wecom.api.delivered("message/send")[before:]

    cards, texts = _counter_to(sent, "zhangwei")
    assert [[b["text"] for b in c["button_list"]] for c in cards] == [DESK_ANSWERS], cards
    assert len(texts) <= 1, texts  # the whole text just before the card, when it is clipped
    others, _ = _counter_to(sent, "liufang")
    assert [[b["text"] for b in c["button_list"]] for c in others] == [DESK_ANSWERS]
    chat = wecom.api.delivered("appchat/send")[chat_before:]
    assert [b["chatid"] for b in chat if "提出反提议" in str(b)] == [FINANCE_CHAT]


def test_a_desk_without_a_group_chat_copies_a_counter_proposal_to_the_others_only(wecom):
    """HR has no group chat: each member gets the desk's messages; the assignee, told in
    person, once."""
    wecom.say("lihua", "提单 人事 培训 下周的安全培训报名")
    wecom.say("linna", "受理 HR-1")
    wecom.say("linna", "提议 HR-1 2026-12-02 下月安排")
    wecom.dispatch()
    before = len(wecom.api.delivered("message/send"))
    wecom.say("lihua", "反提议 HR-1 2026-11-30 30 号")
    wecom.dispatch()
    sent = wecom.api.delivered("message/send")[before:]

    for userid in ("linna", "hetao"):  # the assignee; the other member
        cards, texts = _counter_to(sent, userid)
        assert [[b["text"] for b in c["button_list"]] for c in cards] == [DESK_ANSWERS], userid
        assert len(texts) <= 1, (userid, texts)
