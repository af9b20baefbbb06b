"""A callback the desk cannot finish within WeCom's 5 s (the database locked by someone else)
is answered in time with an encrypted "still working" reply in the person's language; the
command keeps running, and its answer follows in the chat once it commits. WeCom's
redelivery of the same message meanwhile does not run it a second time."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest

from handlers.i18n import t
from tests.adapters.wecom.conftest import WeCom
from tests.adapters.wecom.test_inbound import passive_text, refs, text_with_id


@contextmanager
def database_locked(wecom: WeCom, seconds: float) -> Iterator[None]:
    """Another connection holds ``BEGIN EXCLUSIVE`` on the SQLite file for ``seconds``."""
    url = wecom.app.desk.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        pytest.skip("holds a SQLite file lock")
    other = sqlite3.connect(url.database, timeout=1, isolation_level=None,
                            check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")
    released = threading.Event()

    def release() -> None:
        other.execute("ROLLBACK")
        other.close()
        released.set()

    timer = threading.Timer(seconds, release)
    timer.start()
    try:
        yield
    finally:
        released.wait(seconds + 5)


def timed_post(wecom: WeCom, body: str, nonce: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = wecom.post(body, nonce=nonce, wait=False)
    return response, time.monotonic() - started


def wait_for(what: str, check: Callable[[], bool], timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(what)


def test_a_callback_held_by_a_locked_database_is_answered_within_wecoms_5_s(
        wecom: WeCom) -> None:
    wecom.say("lihua", "/request 列表")  # met: registered, token fetched
    ts = int(wecom.clock().timestamp())
    body = text_with_id("lihua", "提单 财务 报销 出租车 86元", ts, 8801)
    with database_locked(wecom, 6.0):
        response, took = timed_post(wecom, body, "slow0001")
        assert response.status_code == 200
        assert took < 5.0, f"answered after {took:.2f} s"
        assert passive_text(wecom, response.text) == t("zh-CN", "wecom.still_working")
    wait_for("the answer follows in the chat",
             lambda: any(r.startswith("已提交 FIN-1") for r in wecom.replies_to("lihua")))
    assert refs(wecom) == ["FIN-1"]
    assert wecom.platform.wait_idle(10)
    assert len([r for r in wecom.replies_to("lihua") if r.startswith("已提交 FIN-1")]) == 1


def test_still_working_is_said_in_the_persons_own_language(wecom: WeCom) -> None:
    wecom.say("wangli", "/request list")
    ts = int(wecom.clock().timestamp())
    with database_locked(wecom, 5.5):
        response, took = timed_post(wecom, text_with_id("wangli", "/request list", ts, 8802),
                                    "slowen01")
    assert took < 5.0
    said = passive_text(wecom, response.text)
    assert said == t("en", "wecom.still_working")
    assert "send it again" in said


def test_a_redelivery_while_the_first_still_runs_does_not_run_it_twice(wecom: WeCom) -> None:
    wecom.say("lihua", "/request 列表")
    ts = int(wecom.clock().timestamp())
    body = text_with_id("lihua", "提单 财务 报销 出租车 86元", ts, 8803)
    with database_locked(wecom, 9.0):
        first, _ = timed_post(wecom, body, "slowa001")
        again, took = timed_post(wecom, body, "slowa002")  # WeCom's retry: same MsgId
        assert took < 5.0 and again.status_code == 200
        assert passive_text(wecom, first.text) == t("zh-CN", "wecom.still_working")
    wait_for("the answer follows",
             lambda: any(r.startswith("已提交 FIN-1") for r in wecom.replies_to("lihua")))
    assert wecom.platform.wait_idle(10)
    time.sleep(0.3)
    assert refs(wecom) == ["FIN-1"], "opened once"
    assert len([r for r in wecom.replies_to("lihua") if r.startswith("已提交 FIN-1")]) == 1
    after = wecom.post(body, nonce="slowa003")  # once it is done: a plain repeat
    assert (after.status_code, after.text) == (200, "")
    assert refs(wecom) == ["FIN-1"]
