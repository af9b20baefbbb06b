"""Stopping WeCom while a command hangs (a stuck database, a bug): the stop ends within its
deadline instead of waiting for the command (``command_threads.finish``, as Slack's)."""

from __future__ import annotations

import threading
import time

import pytest

from handlers.context import Ctx
from handlers.grammar import Command
from handlers.messages import Reply
from tests.adapters.wecom.conftest import WeCom
from tests.adapters.wecom.test_inbound import text_with_id


def test_a_hung_command_does_not_block_the_stop(
        wecom: WeCom, monkeypatch: pytest.MonkeyPatch) -> None:
    started, release = threading.Event(), threading.Event()

    def hang(_ctx: Ctx, _command: Command) -> Reply:
        started.set()
        release.wait(5)
        raise RuntimeError("hung, then gave up")

    monkeypatch.setitem(wecom.app.router._handlers, "list", hang)
    ts = int(wecom.clock().timestamp())
    body = text_with_id("lihua", "/request list", ts, 7401)
    caller = threading.Thread(target=lambda: wecom.post(body, nonce="hung001", wait=False),
                              daemon=True)
    caller.start()
    assert started.wait(5), "the command did not start"
    began = time.monotonic()
    try:
        wecom.platform.stop(timeout=0.5)
        took = time.monotonic() - began
    finally:
        release.set()
        caller.join(10)
    assert took < 2.0, f"the stop waited {took:.1f} s for a hung command"
