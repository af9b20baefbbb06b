"""Nothing leaks: with WeCom unreachable or a robot failing, no secret (the app secret, the
access token, a robot's webhook key) is written to the outbox or to the logs."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.runtime import logs
from tests.adapters.wecom.conftest import outbox_rows


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """The logging `crossdesk serve --log-format json` sets up, written to a buffer."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    buffer = io.StringIO()
    logs.setup("json", stream=buffer)
    try:
        yield buffer
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def stored_errors(wecom) -> str:
    """Every error and reason the outbox holds, as one text."""
    return "\n".join(f"{r.last_error} {r.failed_reason}" for r in outbox_rows(wecom.app))


def test_wecom_unreachable_stores_and_logs_no_secret(wecom, wecom_env, json_logs):
    wecom.api.stop()  # no token yet: every send starts with gettoken?corpsecret=…
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    wecom.dispatch()
    wecom.clock.set(wecom.clock() + timedelta(hours=1))
    wecom.dispatch()
    stored = stored_errors(wecom)
    assert "network error" in stored, "the reason is still there, only the secret is not"
    logged = json_logs.getvalue()
    assert "gettoken" in logged, "the failure is logged"
    for text in (stored, logged):
        assert wecom_env["WECOM_SECRET"] not in text
        assert "corpsecret=s" not in text and "access_token=T" not in text


def test_robot_webhook_failure_keeps_the_key_out(wecom, wecom_env, json_logs):
    wecom.say("lihua", "提单 IT 电脑 屏幕坏了")
    wecom.api.fail_http("webhook/send", 502, times=5)
    wecom.dispatch()
    stored = stored_errors(wecom)
    assert "502" in stored, "the robot's failure is recorded"
    logged = json_logs.getvalue()
    assert "502" in logged, "and logged"
    for text in (stored, logged):
        assert "key=robot-it" not in text and wecom_env["WECOM_ROBOT_IT"] not in text
        assert "robot-it" not in text
