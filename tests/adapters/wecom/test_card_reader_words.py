"""Cards speak their reader's language and words (W6, W9, W10, W11): a greyed card says who
did what in the card's own language with a label (never a bare command word), English labels
are short forms a reader can use, and a card's text is plain (no markdown backticks)."""

from __future__ import annotations

from tests.adapters.wecom.conftest import WeCom


def greyed(wecom: WeCom, card: dict) -> list[str]:
    return [u["template_card"]["replace_text"]
            for u in wecom.api.delivered("message/update_template_card")
            if u["template_card"]["task_id"] == card["task_id"]]


def test_a_typed_cancel_greys_each_card_in_its_own_language(wecom: WeCom) -> None:
    wecom.say("wangli", "/request finance reimbursement taxi 86 CNY")  # Alice reads English
    wecom.dispatch()
    own = next(c for c in wecom.cards_to("wangli") if "FIN-1" in c["main_title"]["title"])
    desk = next(c for c in wecom.cards_to("zhangwei") if "FIN-1" in c["main_title"]["title"])
    wecom.say("wangli", "/request cancel FIN-1")
    wecom.dispatch()
    assert greyed(wecom, own) == ["✓ 王丽 Alice Wang · Cancel"]
    assert greyed(wecom, desk) == ["✓ 王丽 Alice Wang · 取消"]




def needs_words(key: str) -> bool:
    from handlers import slots
    return slots.missing(key.removeprefix("cmd:"), {}) is not None


def test_english_field_names_are_whole_words_not_cut_letters(wecom: WeCom) -> None:
    wecom.say("wangli", "/request finance reimbursement taxi 86 CNY")
    wecom.dispatch()
    own = next(c for c in wecom.cards_to("wangli") if "FIN-1" in c["main_title"]["title"])
    names = [item["keyname"] for item in own["horizontal_content_list"]]
    assert names[0] == "Amount", names
    for name in names:  # whole words, at most 5 full-width characters wide (10 letters)
        assert name.rstrip("…").split()[-1].lower() not in {"of", "the", "for"}, name
        assert name in {"Amount", "Date…", "Cost…", "Requester", "Service", "Priority"}, name


def test_a_resolved_english_card_has_readable_buttons_and_marks_those_needing_words(
        wecom: WeCom) -> None:
    wecom.say("wangli", "/request it laptop my screen flickers when docked")
    wecom.dispatch()
    wecom.say("xukai", "/request resolve IT-1 replaced cable")
    wecom.dispatch()
    resolved = [c for c in wecom.cards_to("wangli")
                if any("confirm IT-1" in b["key"] for b in c["button_list"])][-1]
    texts = {b["text"] for b in resolved["button_list"]}
    assert "Solved" in texts and "Reopen…" in texts, texts
    for b in resolved["button_list"]:
        assert b["text"].endswith("…") == needs_words(b["key"]), b


def test_a_proposal_card_shows_the_counter_as_the_text_does(wecom: WeCom) -> None:
    wecom.say("lihua", "提单 财务 核算 展会的预算科目")
    wecom.say("zhangwei", "受理 FIN-1")
    wecom.say("zhangwei", "提议 FIN-1 2026-12-02 明年预算 1 号定稿，2 号开科目")
    wecom.dispatch()
    card = next(c for c in wecom.cards_to("lihua")
                if any("counter FIN-1" in b["key"] for b in c["button_list"]))
    assert "/request 反提议 FIN-1 <日期> [说明]" in card["sub_title_text"], card["sub_title_text"]
    assert "评语" not in card["sub_title_text"]
    told = next(r for r in wecom.replies_to("lihua") if "反提议" in r)
    assert "<日期> [说明]" in told.replace("＜", "<").replace("＞", ">"), told


def test_the_form_card_and_the_confirmation_name_the_answered_button_alike(wecom: WeCom) -> None:
    from handlers.i18n import t
    assert t("zh-CN", "button.answered") == t("zh-CN", "form.button.answered") == "已解答我的问题"


def test_a_which_request_card_is_plain_text_in_the_readers_words(wecom: WeCom) -> None:
    wecom.say("lihua", "提单 IT 电脑 屏幕闪烁")
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    wecom.dispatch()
    wecom.say("lihua", "发票已经放在共享盘了")
    wecom.dispatch()
    card = next(c for c in wecom.cards_to("lihua")
                if any(" add " in b["key"] for b in c["button_list"]))
    text = card["sub_title_text"]
    assert "`" not in text and "/request 加入 <单号> 1" in text, text
    assert "进行中的请求" in card["main_title"]["title"], card["main_title"]


def test_a_confidential_desk_card_is_plain_text_in_the_readers_words(wecom: WeCom) -> None:
    wecom.say("lihua", "提单 人力 投诉 我的经理")
    wecom.dispatch()
    desk = [c for c in wecom.api.delivered("message/send")
            if c["msgtype"] == "template_card" and "HR-1" in str(c)
            and "lihua" not in c["touser"].split("|")]
    assert desk, "the HR desk's card"
    for body in desk:
        text = body["template_card"].get("sub_title_text", "") + \
            body["template_card"]["main_title"]["title"]
        assert "`" not in text and "/request show" not in text, text


def test_a_nearly_empty_home_is_one_message(wecom: WeCom) -> None:
    before = len(wecom.api.received("lihua"))
    wecom.say("lihua", "主页")
    wecom.dispatch()
    got = wecom.api.received("lihua")[before:]
    assert len(got) == 1, got
    (body,) = got
    text = body[body["msgtype"]]["content"]
    assert text.index("我提交的请求") < text.index("暂无进行中的请求") < text.index("销售部")
    assert "没有待处理的请求" in text


def test_a_home_with_requests_joins_its_lines_between_the_cards(wecom: WeCom) -> None:
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    wecom.dispatch()
    before = len(wecom.api.received("lihua"))
    wecom.say("lihua", "主页")
    wecom.dispatch()
    got = wecom.api.received("lihua")[before:]
    kinds = [b["msgtype"] for b in got]
    assert kinds == ["markdown", "template_card", "markdown"] or \
        kinds == ["text", "template_card", "text"], kinds
