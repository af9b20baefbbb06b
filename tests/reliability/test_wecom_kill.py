"""Scenario: WeCom callbacks into a real `crossdesk serve` that is SIGKILLed mid-burst.

A burst of encrypted text callbacks, each with its own ``MsgId``, from several threads. Once
a share of them got their ``200``, serve is SIGKILLed (no shutdown work) and started again.
The client behaves as WeCom does: a callback without an answer is sent again, with a new
nonce and the same ``MsgId``. Afterwards every message that got a ``200`` is a request
exactly once, and WeCom's redeliveries of accepted messages after the restart run nothing."""

from __future__ import annotations

import base64
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import xmltodict
from sqlalchemy import Engine
from sqlmodel import Session, select
from wechatpy.enterprise.crypto import WeChatCrypto  # noqa: TID251 - WeCom's own crypto

from storage.models import Request
from tests.adapters.wecom.conftest import AGENT_ID, CORP_ID
from tests.adapters.wecom.fake_api import FakeWeCom
from tests.reliability.conftest import (
    Processes,
    ServeProcess,
    free_port,
    report,
    serve_config,
    slack_env,
    wait_for,
)

TOKEN = "killtoken"
AES_KEY = base64.b64encode(b"wecom-kill-test-aes-key-32bytes!").decode().rstrip("=")
TOTAL = 240
CLIENTS = 8
KILL_AFTER = 0.4
DEADLINE = 90.0
USERS = ["wangli", "lihua", "zhangwei", "liufang", "xukai"]


@dataclass
class Callback:
    msg_id: int
    user: str
    marker: str
    accepted: bool = False
    attempts: int = 0

    def xml(self, ts: int) -> str:
        return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
                f"<FromUserName><![CDATA[{self.user}]]></FromUserName>"
                f"<CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                f"<Content><![CDATA[/request it laptop {self.marker}]]></Content>"
                f"<MsgId>{self.msg_id}</MsgId><AgentID>{AGENT_ID}</AgentID></xml>")


def post(proc: ServeProcess, crypto: WeChatCrypto, callback: Callback) -> bool:
    """One delivery (a fresh nonce, as WeCom's retries have); True on a 200."""
    ts = str(int(time.time()))
    nonce = uuid.uuid4().hex[:12]
    envelope = crypto.encrypt_message(callback.xml(int(ts)), nonce, ts)
    signature = xmltodict.parse(envelope)["xml"]["MsgSignature"]
    try:
        response = httpx.post(f"{proc.base}/wecom/callback", content=envelope.encode(),
                              params={"msg_signature": signature, "timestamp": ts,
                                      "nonce": nonce}, timeout=5)
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and response.text == ""


def deliver(proc: ServeProcess, crypto: WeChatCrypto, callback: Callback) -> None:
    """Send until a 200, as WeCom retries (bounded)."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        callback.attempts += 1
        if post(proc, crypto, callback):
            callback.accepted = True
            return
        time.sleep(0.2)


def stored(engine: Engine) -> Counter[str]:
    with Session(engine) as session:
        return Counter(r.title for r in session.exec(select(Request)))


@pytest.fixture
def wecom_serve(tmp_path: Path, database_url: str, engine: Engine,
                processes: Processes) -> Iterator[tuple[ServeProcess, FakeWeCom]]:
    api = FakeWeCom().start()
    port = free_port()
    config = serve_config(tmp_path / "config.toml", port, wecom_url=api.base_url)
    env = slack_env(WECOM_CORP_ID=CORP_ID, WECOM_AGENT_ID=str(AGENT_ID),
                    WECOM_SECRET="s3cret", WECOM_TOKEN=TOKEN, WECOM_AES_KEY=AES_KEY)
    proc = processes.serve("wecom", config, port, database_url, env)
    try:
        proc.start()
        yield proc, api
    finally:
        proc.stop()
        api.stop()


def test_a_killed_serve_loses_and_doubles_nothing_it_answered_200(
        wecom_serve: tuple[ServeProcess, FakeWeCom], engine: Engine) -> None:
    proc, _api = wecom_serve
    crypto = WeChatCrypto(TOKEN, AES_KEY, CORP_ID)
    callbacks = [Callback(9_000_000 + i, USERS[i % len(USERS)], f"wk-{i:05d}")
                 for i in range(TOTAL)]
    killed = threading.Event()

    def killer() -> None:
        wait_for(lambda: sum(c.accepted for c in callbacks) >= KILL_AFTER * TOTAL, 60,
                 "the first share of callbacks", poll=0.01)
        proc.kill()
        killed.set()
        time.sleep(1.0)
        proc.start()

    murderer = threading.Thread(target=killer, daemon=True)
    murderer.start()
    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(lambda c: deliver(proc, crypto, c), callbacks))
    murderer.join(timeout=60)
    assert killed.is_set(), "serve was not killed mid-burst"
    seconds = time.monotonic() - started

    counts = stored(engine)
    accepted = [c for c in callbacks if c.accepted]
    assert len(accepted) == TOTAL, "every callback got its 200 in the end"
    doubled = {m: n for m, n in counts.items() if n > 1}
    missing = [c.marker for c in accepted if counts[c.marker] == 0]
    assert not doubled and not missing, (doubled, missing)

    # WeCom's redeliveries of accepted messages after the restart: 200, and nothing runs
    before = stored(engine)
    for callback in accepted[:40]:
        assert post(proc, crypto, callback)
    assert stored(engine) == before
    report("WeCom: serve SIGKILLed mid-burst",
           callbacks=TOTAL, clients=CLIENTS, seconds=round(seconds, 1),
           retried=sum(c.attempts > 1 for c in callbacks), doubled=len(doubled),
           lost=len(missing), redelivered_after_restart=40)
