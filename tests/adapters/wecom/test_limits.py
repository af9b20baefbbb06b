"""WeCom's byte limits, as strict as WeCom: markdown over 2048 bytes to an app message or an
app group chat is refused (40058), 4096 only for a group robot; text over 2048 bytes is cut.
Long texts arrive whole, in order, split at safe places; what follows is not blocked."""

from __future__ import annotations

from bot.adapters.wecom.cards import width as card_width
from bot.adapters.wecom.render import (
    MARKDOWN_LIMIT,
    ROBOT_MARKDOWN_LIMIT,
    TEXT_LIMIT,
    bodies,
    byte_len,
    split_utf8,
)
from handlers.messages import Message
from tests.adapters.wecom.conftest import FINANCE_CHAT, outbox_rows

LONG_ZH = "".join("报销单据核对发票金额与行程一致请尽快处理谢谢"[i % 22] for i in range(1500))


def contents(bodies_sent: list[dict]) -> list[str]:
    return [b[b["msgtype"]]["content"] for b in bodies_sent if b["msgtype"] in ("text",
                                                                               "markdown")]


def test_a_long_chinese_request_reaches_the_desk_chat_whole_and_its_card_follows(wecom):
    assert byte_len(LONG_ZH) == 4500
    wecom.say("lihua", f"提单 财务 报销 金额=86 {LONG_ZH}")
    wecom.dispatch()
    assert all(r.delivered_at is not None for r in outbox_rows(wecom.app)), [
        r.last_error for r in outbox_rows(wecom.app)]
    chat = [b for b in wecom.api.delivered("appchat/send") if b["chatid"] == FINANCE_CHAT]
    assert len(chat) >= 3, "4,500 bytes of markdown need three pieces of at most 2048"
    for body in chat:
        assert byte_len(body["markdown"]["content"]) <= MARKDOWN_LIMIT
    assert LONG_ZH in "".join(contents(chat)), "every character, in order"
    assert not any(c.ok is False for c in wecom.api.to("appchat/send"))
    (card,) = [c for c in wecom.cards_to("zhangwei") if "FIN-1" in c["main_title"]["title"]]
    assert card["button_list"], "the card behind the long text is delivered too"


def test_a_long_markdown_comment_to_a_member_is_split_within_2048_bytes(wecom):
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    wecom.say("zhangwei", "受理 FIN-1")
    wecom.dispatch()
    note = "`代码` " + "请补充发票原件，" * 200  # a backquote: markdown
    wecom.say("zhangwei", f"评论 FIN-1 {note}")
    wecom.dispatch()
    assert all(r.delivered_at is not None for r in outbox_rows(wecom.app))
    sent = [b for b in wecom.api.delivered("message/send") if b.get("touser") == "lihua"
            and b["msgtype"] in ("markdown", "text") and "发票原件" in b[b["msgtype"]]["content"]]
    assert len(sent) >= 2
    for body in sent:
        limit = MARKDOWN_LIMIT if body["msgtype"] == "markdown" else TEXT_LIMIT
        assert byte_len(body[body["msgtype"]]["content"]) <= limit
    assert "请补充发票原件，" * 200 in "".join(contents(sent)).replace("\n", "")


def test_the_group_robot_takes_4096_bytes_of_markdown(wecom):
    message = Message(text="`IT` " + "显示器闪烁" * 400, target="dept:it")  # 6,000+ bytes
    wecom.platform.sender.send(message, None)
    robot = wecom.api.delivered("webhook/send")
    assert len(robot) == 2 and all(
        byte_len(b["markdown"]["content"]) <= ROBOT_MARKDOWN_LIMIT for b in robot)
    assert byte_len(robot[0]["markdown"]["content"]) > MARKDOWN_LIMIT


def test_pieces_never_cut_a_link_a_font_tag_or_inline_code():
    link, font = "[单据](https://example.com/a)", '<font color="warning">超时</font>'
    code = "`/request ack FIN-1`"
    text = "".join(f"第{i}段说明文字。{link}{font}{code} " for i in range(120))
    for limit in (2048, 300, 97):
        pieces = split_utf8(text, limit)
        assert all(byte_len(p) <= limit for p in pieces)
        assert "".join(pieces) == text
        for piece in pieces:
            assert piece.count("[") == piece.count("](") and piece.count("<font") == \
                piece.count("</font>") and piece.count("`") % 2 == 0, piece


def test_a_text_message_is_split_at_2048_bytes():
    parts = bodies(Message(text="没有格式的很长的回复。" * 300))
    assert len(parts) >= 2 and all(p["msgtype"] == "text" for p in parts)
    assert all(byte_len(p["text"]["content"]) <= TEXT_LIMIT for p in parts)


def check_card(card: dict) -> None:
    """Every text of a button_interaction card within WeCom's recommended length (发送应用消息
    › 模板卡片消息 › 按钮交互型)."""
    assert len(card["main_title"]["title"]) <= 36
    assert len(card["main_title"].get("desc", "")) <= 44
    assert len(card.get("sub_title_text", "")) <= 160
    assert len(card.get("horizontal_content_list", [])) <= 6
    for item in card.get("horizontal_content_list", []):
        assert card_width(item["keyname"]) <= 5 and len(item["value"]) <= 30, item
    assert 1 <= len(card["button_list"]) <= 6
    for button in card["button_list"]:
        assert len(button["text"]) <= 10 and len(button["key"].encode()) <= 1024, button
    assert len(card["task_id"].encode()) <= 128


def test_cards_for_long_requests_fit_in_both_languages(wecom):
    long_en = "The projector in meeting room 5 flickers and shuts down " * 8
    wecom.say("wangli", f"/request marketing market-analysis {long_en}")  # alice reads English
    wecom.say("lihua", f"提单 财务 报销 金额=86 {LONG_ZH[:300]}")
    wecom.dispatch()
    wecom.say("liufang", "/request assign FIN-2 zhangwei")  # a card with fields, to a person
    wecom.dispatch()
    cards = [b["template_card"] for b in wecom.api.delivered("message/send")
             if b["msgtype"] == "template_card"]
    texts = " ".join(b["text"] for c in cards for b in c["button_list"])
    assert "Cancel" in texts and "取消" in texts and "受理" in texts, texts
    assert any(c.get("horizontal_content_list") for c in cards)
    for card in cards:
        check_card(card)
    english = next(c for c in cards if c["button_list"][0]["text"] == "Cancel")
    assert english["main_title"]["title"].endswith("…")
    for card in cards:  # the commands to type stay whole when the text gives way
        assert "/request" in card["sub_title_text"]


def test_long_labels_are_cut_with_an_ellipsis():
    from bot.adapters.wecom import cards
    from handlers.messages import Button

    message = Message(text="R" * 80, title="T" * 50, fields=(("Resolution note", "v" * 40),),
                      buttons=(Button("Confirm, it's solved", "/request confirm FIN-1",
                                      "confirm"),))
    card = cards.card(message, "t1")
    check_card(card)
    assert card["button_list"][0]["text"] == "Solved"
    assert card["horizontal_content_list"][0] == {"keyname": "Resolutio…",
                                                  "value": "v" * 29 + "…"}
    assert cards.clipped(message)
