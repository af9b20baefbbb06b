"""A service's form filled in the WeCom app chat, through encrypted callbacks: the question
card, a wrong value explained, the answer that opens the request, a photo for the invoice,
and the card's Cancel button."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session, select

from bot.runtime.config import Settings
from storage import request_fields
from storage.models import Attachment, FormDraft, Request
from tests.adapters.wecom.conftest import WeCom, request
from tests.adapters.wecom.test_files import JPEG, send_media
from tests.handlers.form_company import with_form


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The WeCom sample company; its reimbursement asks for the amount and the invoice."""
    return with_form(settings, invoice_required=True)


def count(wecom: WeCom, model: type) -> int:
    with Session(wecom.app.desk.engine) as session:
        return len(list(session.exec(select(model))))


def test_the_form_is_asked_one_question_at_a_time(wecom: WeCom) -> None:
    wecom.say("lihua", "提单 财务 报销 打车去客户现场")
    wecom.dispatch()
    (first,) = wecom.cards_to("lihua")
    assert first["main_title"]["title"] == ("报销还需要几项信息。填完之前不会发给财务部；"
                                            "输入“取消”可随时停止。")
    assert "财务部提示：超过 90 天的票据不予报销。" in first["sub_title_text"]
    assert "请填写金额，例如 86.50 CNY。" in first["sub_title_text"]
    assert [b["text"] for b in first["button_list"]] == ["已解答我的问题", "取消"]
    assert count(wecom, Request) == 0

    wecom.say("lihua", "八十六")
    wecom.dispatch()
    assert wecom.cards_to("lihua")[-1]["main_title"]["title"] == "金额须为数字，例如 86.50 CNY。"

    wecom.say("lihua", "86元")
    wecom.dispatch()
    assert wecom.cards_to("lihua")[-1]["main_title"]["title"] == \
        "请在此发送发票文件（请上传发票照片）。"
    assert count(wecom, Request) == 0

    wecom.api.serve("MEDIA-INV-1", JPEG, "image/jpeg", "MEDIA-INV-1.jpg")
    send_media(wecom, "image", "MEDIA-INV-1", "<PicUrl><![CDATA[http://p.qpic.cn/x]]></PicUrl>")
    wecom.dispatch()
    opened = wecom.replies_to("lihua")[0]
    assert opened.startswith("已提交 FIN-1：财务部 · 报销，P3 普通。")
    assert "稍后会添加到 FIN-1" in opened  # the photo is fetched with media/get
    row = request(wecom.app, "FIN-1")
    assert row.details == "打车去客户现场"
    with Session(wecom.app.desk.engine) as session:
        form = request_fields.of_request(session, row.id or 0)
        (attachment,) = session.exec(select(Attachment)).all()
    assert form["amount"].number == Decimal("86.00") and form["invoice"].text == "image.jpg"
    assert attachment.request_id == row.id
    assert count(wecom, FormDraft) == 0


def test_the_cards_cancel_button_stops_the_form(wecom: WeCom) -> None:
    wecom.say("lihua", "提单 财务 报销 打车")
    wecom.dispatch()
    (card,) = wecom.cards_to("lihua")
    key = next(b["key"] for b in card["button_list"] if b["text"] == "取消")
    wecom.click("lihua", key, card["task_id"], "rc-1")
    wecom.dispatch()
    assert "已停止：未提交报销请求。" in wecom.replies_to("lihua")
    assert count(wecom, FormDraft) == 0 and count(wecom, Request) == 0
