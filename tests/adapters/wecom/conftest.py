"""WeCom test rig: the sample company with a finance group chat and an IT robot, the real
Starlette app under uvicorn on 127.0.0.1, a local WeCom API stand-in, real wechatpy crypto."""

from __future__ import annotations

import base64
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
import xmltodict
from sqlmodel import Session, col, select
from wechatpy.enterprise.crypto import WeChatCrypto

from bot.adapters.wecom import WeComPlatform, build_wecom
from bot.runtime import config as config_mod
from bot.runtime.app import DeskApp
from bot.runtime.clock import ManualClock
from bot.runtime.dispatch import Dispatcher, DispatchStats
from bot.runtime.server import build_server
from storage import request_store
from storage.models import Event, Outbox, Person, Request, SeenNonce
from tests.adapters.wecom.fake_api import FakeWeCom
from tests.conftest import EXAMPLE

CORP_ID = "ww0123456789abcdef"
AGENT_ID = 1000002
FINANCE_CHAT = "wrkfinance01"
ADMIN_CHAT = "wrkadmin01"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> config_mod.Settings:
    """The sample company, plus WeCom: finance and the admin channel have group chats, IT a
    group robot."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('channel = "finance-requests"',
                        f'channel = "finance-requests"\nwecom_chat = "{FINANCE_CHAT}"', 1)
    text += ('\n[wecom]\nenabled = true\nrobot_webhooks = { it = "WECOM_ROBOT_IT" }\n'
             f'chats = {{ service-office = "{ADMIN_CHAT}" }}\n')
    path = Path(tmp_path_factory.mktemp("wecom")) / "config.toml"
    path.write_text(text, encoding="utf-8")
    return config_mod.load(path)


class ServerThread:
    """uvicorn serving an ASGI app on a free 127.0.0.1 port, in a thread."""

    def __init__(self, asgi: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(asgi, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@dataclass
class WeCom:
    """Acts as WeCom's servers towards the bot: encrypted callbacks in, API calls recorded."""

    app: DeskApp
    clock: ManualClock
    platform: WeComPlatform
    api: FakeWeCom
    http: httpx.Client
    crypto: WeChatCrypto
    kicks: list[int] = field(default_factory=list)

    def post(self, inner_xml: str, *, nonce: str | None = None, timestamp: int | None = None,
             crypto: WeChatCrypto | None = None, signature: str | None = None,
             wait: bool = True) -> httpx.Response:
        """Encrypt ``inner_xml`` as WeCom does and POST it to /wecom/callback."""
        nonce = nonce or uuid.uuid4().hex[:10]
        ts = str(timestamp if timestamp is not None else int(self.clock().timestamp()))
        envelope = (crypto or self.crypto).encrypt_message(inner_xml, nonce, ts)
        sig = signature or xmltodict.parse(envelope)["xml"]["MsgSignature"]
        response = self.http.post("/wecom/callback", content=envelope.encode("utf-8"),
                                  params={"msg_signature": sig, "timestamp": ts, "nonce": nonce})
        if wait:
            assert self.platform.wait_idle(10), "background work did not finish"
        return response

    def say(self, userid: str, text: str, **kw: Any) -> httpx.Response:
        """``userid`` sends ``text`` in the app chat."""
        return self.post(text_xml(userid, text, int(self.clock().timestamp())), **kw)

    def click(self, userid: str, key: str, task_id: str, response_code: str) -> httpx.Response:
        """``userid`` presses a card button."""
        return self.post(click_xml(userid, key, task_id, response_code,
                                   int(self.clock().timestamp())))

    def dispatch(self) -> DispatchStats:
        """Deliver due outbox rows through the WeCom sender."""
        sender = self.platform.sender
        return Dispatcher(self.app.desk.engine, lambda _m: sender, self.clock).run_once()

    def replies_to(self, userid: str) -> list[str]:
        """Texts of the app messages (not cards) that reached ``userid``, oldest first (not
        those WeCom dropped: over their rate)."""
        return [body[body["msgtype"]]["content"] for body in self.api.received(userid)
                if body["msgtype"] != "template_card"]

    def cards_to(self, userid: str) -> list[dict[str, Any]]:
        """Template cards that reached ``userid``."""
        return [b["template_card"] for b in self.api.received(userid)
                if b["msgtype"] == "template_card"]


def text_xml(userid: str, content: str, ts: int) -> str:
    """A text message callback body, before encryption."""
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
            f"<FromUserName><![CDATA[{userid}]]></FromUserName><CreateTime>{ts}</CreateTime>"
            f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
            f"<MsgId>{uuid.uuid4().int % 10**18}</MsgId><AgentID>{AGENT_ID}</AgentID></xml>")


def click_xml(userid: str, key: str, task_id: str, code: str, ts: int) -> str:
    """A template_card_event callback body, before encryption."""
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
            f"<FromUserName><![CDATA[{userid}]]></FromUserName><CreateTime>{ts}</CreateTime>"
            f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"
            f"<EventKey><![CDATA[{key}]]></EventKey><TaskId><![CDATA[{task_id}]]></TaskId>"
            f"<CardType><![CDATA[button_interaction]]></CardType>"
            f"<ResponseCode><![CDATA[{code}]]></ResponseCode><AgentID>{AGENT_ID}</AgentID></xml>")


@pytest.fixture
def fake_api() -> Iterator[FakeWeCom]:
    """The WeCom API stand-in, stopped after the test."""
    api = FakeWeCom().start()
    api.users["newbie"] = {"userid": "newbie", "name": "新同事", "department": [1]}
    for chat in (FINANCE_CHAT, ADMIN_CHAT):  # configured chats were made with appchat/create
        api.chats[chat] = {"chatid": chat}
    yield api
    api.stop()


@pytest.fixture
def wecom_env(fake_api: FakeWeCom) -> dict[str, str]:
    """The secrets, as the environment would hold them."""
    return {
        "WECOM_CORP_ID": CORP_ID, "WECOM_AGENT_ID": str(AGENT_ID), "WECOM_SECRET": "s3cret",
        "WECOM_TOKEN": "callbacktoken",
        "WECOM_AES_KEY": base64.b64encode(os.urandom(32)).decode().rstrip("="),
        "WECOM_ROBOT_IT": f"{fake_api.base_url}webhook/send?key=robot-it",
    }


@pytest.fixture
def wecom(desk_app: DeskApp, settings: config_mod.Settings, clock: ManualClock, fake_api: FakeWeCom,
          wecom_env: dict[str, str]) -> Iterator[WeCom]:
    """The WeCom platform served over HTTP, talking to the stand-in."""
    kicks: list[int] = []
    desk_app.wake_dispatcher = lambda: kicks.append(1)
    fake_api.clock = clock  # WeCom's per-member rate counts in the test's time
    platform = build_wecom(desk_app, settings, api_base_url=fake_api.base_url, environ=wecom_env)
    server = ServerThread(build_server(platform.routes())).start()
    http = httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=10)
    crypto = WeChatCrypto(wecom_env["WECOM_TOKEN"], wecom_env["WECOM_AES_KEY"], CORP_ID)
    try:
        yield WeCom(desk_app, clock, platform, fake_api, http, crypto, kicks)
    finally:
        http.close()
        server.stop()
        platform.stop()


def request(app: DeskApp, ref: str) -> Request:
    """The request row."""
    with Session(app.desk.engine) as s:
        row = request_store.by_ref(s, ref)
        assert row is not None, ref
        return row


def trail(app: DeskApp, ref: str) -> list[tuple[str, str | None, str | None, str]]:
    """The audit trail: (kind, from, to, actor) per event."""
    with Session(app.desk.engine) as s:
        row = request_store.by_ref(s, ref)
        assert row is not None and row.id is not None
        return [(e.kind, e.from_state, e.to_state, e.actor_id)
                for e in request_store.events(s, row.id)]


def counts(app: DeskApp) -> dict[str, int]:
    """How many rows each table a callback could write to holds."""
    with Session(app.desk.engine) as s:
        return {model.__name__: len(list(s.exec(select(model))))
                for model in (Person, Request, Event, Outbox, SeenNonce)}


def outbox_rows(app: DeskApp) -> list[Outbox]:
    """Every outbox row, oldest first."""
    with Session(app.desk.engine) as s:
        return list(s.exec(select(Outbox).order_by(col(Outbox.id))))
