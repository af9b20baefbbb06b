"""A message that arrives while serve is stopping (the command threads are finished, the HTTP
server not closed yet) is answered "try again" in the person's language in a 200, as on Slack:
it never runs, nothing is stored, and WeCom is not sent a 500."""

from __future__ import annotations

import time

from bot.adapters.command_threads import finish
from handlers.i18n import t
from tests.adapters.wecom.conftest import WeCom
from tests.adapters.wecom.test_inbound import passive_text, refs, text_with_id


def stopping(wecom: WeCom) -> None:
    """The first step of ``WeComPlatform.stop``: its command threads end."""
    finish(wecom.platform.commands, time.monotonic() + 5, "wecom commands")


def test_a_message_during_the_stop_is_a_polite_try_again_and_stores_nothing(
        wecom: WeCom) -> None:
    ts = int(wecom.clock().timestamp())
    stopping(wecom)
    response = wecom.post(text_with_id("lihua", "提单 财务 报销 出租车 86元", ts, 7501),
                          nonce="stop0001")
    assert response.status_code == 200
    assert passive_text(wecom, response.text) == t("zh-CN", "err.try_again")
    assert refs(wecom) == []


def test_try_again_during_the_stop_is_said_in_the_persons_own_language(wecom: WeCom) -> None:
    ts = int(wecom.clock().timestamp())
    stopping(wecom)
    response = wecom.post(text_with_id("wangli", "/request list", ts, 7502), nonce="stop0002")
    assert response.status_code == 200
    assert passive_text(wecom, response.text) == t("en", "err.try_again")
