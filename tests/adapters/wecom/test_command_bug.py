"""A bug in a command: the person is told to try again in the callback's encrypted reply (a
200, so WeCom does not redeliver into a 500), nothing is stored, and a redelivery of the same
message is answered the same way."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from handlers.context import Ctx
from handlers.grammar import Command
from handlers.i18n import t
from handlers.messages import Reply
from storage import people
from storage.engine import transaction
from storage.models import Delivery
from tests.adapters.wecom.conftest import WeCom
from tests.adapters.wecom.test_inbound import passive_text, text_with_id


def boom(_ctx: Ctx, _command: Command) -> Reply:
    """A handler with a bug."""
    raise RuntimeError("a bug in the list handler")


def test_a_bug_is_answered_try_again_in_the_persons_language_and_again_on_redelivery(
        wecom: WeCom, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(wecom.app.router._handlers, "list", boom)
    ts = int(wecom.clock().timestamp())
    body = text_with_id("wangli", "/request list", ts, 7301)  # Wang Li reads English
    first = wecom.post(body, nonce="bug0001")
    assert first.status_code == 200
    assert passive_text(wecom, first.text) == t("en", "err.try_again")
    again = wecom.post(body, nonce="bug0002")  # WeCom's redelivery: same MsgId, new nonce
    assert again.status_code == 200
    assert passive_text(wecom, again.text) == t("en", "err.try_again")
    with Session(wecom.app.desk.engine) as session:
        assert list(session.exec(select(Delivery))) == [], "nothing was stored"


def test_a_bug_is_answered_in_chinese_to_a_chinese_reader(
        wecom: WeCom, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(wecom.app.router._handlers, "list", boom)
    ts = int(wecom.clock().timestamp())
    response = wecom.post(text_with_id("lihua", "/request list", ts, 7302), nonce="bug0003")
    assert response.status_code == 200
    assert passive_text(wecom, response.text) == t("zh-CN", "err.try_again")


def test_a_bug_is_answered_in_the_stored_language_of_someone_met_before(
        wecom: WeCom, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dana is in no config, but the desk knows she reads English: once met, "try again"
    comes in English too, as on Slack (it used to fall back to Chinese)."""
    with transaction(wecom.app.desk.engine) as session:
        people.register(session, "dana", "Dana Lee", wecom.clock(), source="wecom",
                        locale="en", wecom_id="dana")
    ts = int(wecom.clock().timestamp())
    assert wecom.post(text_with_id("dana", "/request list", ts, 7303)).status_code == 200
    monkeypatch.setitem(wecom.app.router._handlers, "list", boom)
    response = wecom.post(text_with_id("dana", "/request list", ts + 1, 7304), nonce="bug0004")
    assert passive_text(wecom, response.text) == t("en", "err.try_again")
