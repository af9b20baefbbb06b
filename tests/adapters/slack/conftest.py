"""Slack fixtures: the Web API stand-in, the real Bolt app wired to the desk, signed requests."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
import uvicorn
from slack_bolt import BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.adapters.slack.platform import SlackPlatform, build_slack
from bot.runtime.app import DeskApp
from bot.runtime.clock import ManualClock
from bot.runtime.config import Settings
from bot.runtime.dispatch import Dispatcher, DispatchStats
from bot.runtime.routing import SenderRouter
from bot.runtime.server import build_server
from handlers.messages import Message
from storage.models import Outbox, Request
from tests.adapters.slack.fake_slack import FakeSlack, wait_until

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ENV = {"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": SECRET}
TEAM = "T0ACME"


class Elsewhere:
    """The fallback sender: records what no Slack route reached."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        self.sent.append(message)
        return None


def signed_headers(body: str, content_type: str, timestamp: int | None = None,
                   secret: str = SECRET) -> dict[str, str]:
    """Headers Slack would send with ``body``, signed with ``secret``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = str(SignatureVerifier(secret).generate_signature(timestamp=ts, body=body))
    return {"content-type": content_type, "x-slack-request-timestamp": ts,
            "x-slack-signature": signature}


@dataclasses.dataclass
class SlackDesk:
    """The desk on Slack in a test: say things as Slack users, deliver, look at Slack."""

    platform: SlackPlatform
    fake: FakeSlack
    engine: Engine
    clock: ManualClock
    kicks: list[int]
    elsewhere: Elsewhere
    router: SenderRouter
    dispatcher: Dispatcher
    consumed: dict[str, int] = dataclasses.field(default_factory=dict)

    # --- bodies Slack sends
    def command_body(self, user: str, text: str, command: str = "/request",
                     channel: str = "C0GENERAL", probe: str | None = None) -> str:
        """A slash command's body; its response_url is tagged ``?probe=<probe>``."""
        return urlencode({
            "token": "legacy", "team_id": TEAM, "team_domain": "acme", "channel_id": channel,
            "channel_name": "general", "user_id": user, "user_name": user.lower(),
            "command": command, "text": text, "api_app_id": "A0DESK",
            "response_url": f"{self.fake.response_url()}?probe={probe or uuid.uuid4().hex}",
            "trigger_id": uuid.uuid4().hex,
        })

    @staticmethod
    def payload_body(payload: dict[str, Any]) -> str:
        return urlencode({"payload": json.dumps(payload)})

    def dispatch(self, body: str, content_type: str = "application/x-www-form-urlencoded",
                 headers: dict[str, str] | None = None) -> BoltResponse:
        """Hand a signed body to the real Bolt app (no HTTP)."""
        all_headers: dict[str, str | Sequence[str]] = {**signed_headers(body, content_type),
                                                         **(headers or {})}
        return self.platform.bolt.dispatch(BoltRequest(body=body, headers=all_headers))

    # --- what people do
    def slash(self, user: str, text: str, command: str = "/request",
              probe: str | None = None) -> BoltResponse:
        """Type a slash command; Bolt's HTTP answer (the ack carrying the answer, or an
        empty ack when the form opened)."""
        response = self.dispatch(self.command_body(user, text, command, probe=probe))
        assert response.status == 200
        return response

    def ask(self, user: str, text: str, command: str = "/request") -> dict[str, Any]:
        """Type a slash command; the ephemeral answer Slack shows, carried by the ack."""
        return reply_in(self.slash(user, text, command).body)

    def answer(self, probe: str, timeout: float = 10.0) -> dict[str, Any]:
        """The answer posted to the response_url tagged ``probe`` (waiting, bounded)."""
        return answer_posted(self.fake, probe, timeout)

    def next_call(self, method: str) -> dict[str, Any]:
        """The next call to ``method`` not looked at yet, waiting (bounded) for it."""
        wanted = self.consumed.get(method, 0) + 1
        calls = self.fake.wait_for(method, wanted)
        self.consumed[method] = wanted
        return calls[wanted - 1]

    def click(self, user: str, command: str, action: str = "ack", *,
              channel: str | None = "CFINANCEREQUE", view: dict[str, Any] | None = None,
              action_id: str | None = None) -> BoltResponse:
        payload: dict[str, Any] = {
            "type": "block_actions", "team": {"id": TEAM}, "api_app_id": "A0DESK",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "trigger_id": uuid.uuid4().hex,
            "actions": [{"type": "button", "action_id": action_id or f"crossdesk:{action}:0",
                         "block_id": "b1", "value": command, "action_ts": "1790000000.1"}],
        }
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id", "V0")}
            payload["view"] = view
        else:
            payload["container"] = {"type": "message", "channel_id": channel,
                                    "message_ts": "1790000001.000001"}
            payload["channel"] = {"id": channel, "name": "finance-requests"}
            payload["message"] = {"ts": "1790000001.000001", "text": "…"}
            probe = f"click.{channel}.{user}.{uuid.uuid4().hex}"
            payload["response_url"] = f"{self.fake.response_url()}?probe={probe}"
        return self.dispatch(self.payload_body(payload))

    def click_posted(self, user: str, channel: str, ts: str, command: str) -> BoltResponse:
        """Click the button running ``command`` on the message the bot posted at ``(channel,
        ts)``, with the payload Slack sends for it (the message as stored, block ids
        included)."""
        message = self.fake.messages[(channel, ts)]
        block, element = next((b, e) for b in message["blocks"] if b["type"] == "actions"
                              for e in b["elements"] if e["value"] == command)
        probe = f"click.{channel}.{user}.{uuid.uuid4().hex}"
        payload = {
            "type": "block_actions", "team": {"id": TEAM}, "api_app_id": "A0DESK",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "trigger_id": uuid.uuid4().hex,
            "container": {"type": "message", "message_ts": ts, "channel_id": channel,
                          "is_ephemeral": False},
            "channel": {"id": channel, "name": "directmessage" if channel[0] == "D" else "x"},
            "message": message, "response_url": f"{self.fake.response_url()}?probe={probe}",
            "actions": [{"type": "button", "action_id": element["action_id"],
                         "block_id": block["block_id"], "text": element["text"],
                         "value": element["value"], "action_ts": "1790000002.1"}],
        }
        return self.dispatch(self.payload_body(payload))

    def submit(self, user: str, view: dict[str, Any],
               values: dict[str, dict[str, Any]]) -> BoltResponse:
        """Submit ``view`` (as opened) with ``values``: block id → {action id: state}."""
        submitted = {**view, "id": view.get("id", "V0"), "hash": "h0",
                     "state": {"values": values}}
        payload = {"type": "view_submission", "team": {"id": TEAM}, "api_app_id": "A0DESK",
                   "user": {"id": user, "username": user.lower(), "team_id": TEAM},
                   "trigger_id": uuid.uuid4().hex, "view": submitted}
        return self.dispatch(self.payload_body(payload))

    def event(self, event: dict[str, Any], event_id: str | None = None,
              headers: dict[str, str] | None = None) -> BoltResponse:
        body = json.dumps({"token": "legacy", "team_id": TEAM, "api_app_id": "A0DESK",
                           "type": "event_callback", "event": event,
                           "event_id": event_id or f"Ev{uuid.uuid4().hex[:10]}",
                           "event_time": int(time.time())})
        return self.dispatch(body, "application/json", headers)

    # --- the desk and Slack afterwards
    def deliver(self) -> DispatchStats:
        """One dispatcher pass, as the serve loop's tick would do.

        bot.runtime.routing.SenderRouter looks people up in a second session; inside the
        dispatcher's SQLite write transaction that waits on itself, so its cache is filled
        first.
        """
        for row in self.pending():
            if row.target.startswith("person:"):
                self.router.platform_ids(row.target.split(":", 1)[1])
        return self.dispatcher.run_once()

    def drain(self, max_seconds: int = 600) -> int:
        """Deliver everything, moving the test clock a second at a time; the seconds it took."""
        for second in range(max_seconds):
            self.deliver()
            if not self.pending():
                return second
            self.clock.set(self.clock() + timedelta(seconds=1))
        raise AssertionError(f"still {len(self.pending())} undelivered after {max_seconds}s")

    def request(self, ref: str) -> Request | None:
        with Session(self.engine) as session:
            return session.exec(select(Request).where(Request.ref == ref)).first()

    def requests(self) -> list[Request]:
        with Session(self.engine) as session:
            return list(session.exec(select(Request).order_by(col(Request.id))))

    def pending(self) -> list[Outbox]:
        with Session(self.engine) as session:
            stmt = select(Outbox).where(col(Outbox.delivered_at).is_(None),
                                        col(Outbox.failed_at).is_(None))  # refused: done
            return list(session.exec(stmt.order_by(col(Outbox.id))))

    def opened_view(self, method: str = "views.open") -> dict[str, Any]:
        """The view of the next views.open (or .update / .push) call not looked at yet."""
        return dict(self.next_call(method)["view"])

    def ephemeral(self, count: int = 1) -> list[dict[str, Any]]:
        """The answers to clicks in conversations (ephemeral, on the click's response_url),
        with the ``channel`` and ``user`` of the click; waits for ``count`` of them."""
        def clicks() -> list[dict[str, Any]]:
            return [c for c in self.fake.calls_to("response_url")
                    if str(c.get("probe", "")).startswith("click.")
                    and c.get("replace_original") is not True]

        wait_until(lambda: len(clicks()) >= count, 5.0, f"{count} click answers")
        out = []
        for call in clicks():
            _, channel, user, _tag = str(call["probe"]).split(".")
            assert call["response_type"] == "ephemeral" and call["replace_original"] is False
            out.append({**call, "channel": channel, "user": user})
        return out


def replaced(fake: FakeSlack) -> list[dict[str, Any]]:
    """Clicked messages rewritten on their response_url (``replace_original``)."""
    return [c for c in fake.calls_to("response_url") if c.get("replace_original") is True]


def answer_posted(fake: FakeSlack, probe: str, timeout: float = 10.0) -> dict[str, Any]:
    """The one answer posted to the response_url tagged ``?probe=<probe>`` (waiting, bounded);
    fails if it was posted twice."""
    def posted() -> dict[str, Any] | None:
        calls = [c for c in fake.calls_to("response_url") if c.get("probe") == probe]
        assert len(calls) <= 1, f"answered {len(calls)} times"
        return calls[0] if calls else None

    reply = wait_until(posted, timeout, "the answer on the response_url")
    time.sleep(0.05)
    posted()  # still once
    assert reply["response_type"] == "ephemeral", reply
    return dict(reply)


def reply_in(body: str | bytes) -> dict[str, Any]:
    """The reply carried by a slash command's ack (Slack shows it to the typer only)."""
    assert body, "the ack carries no reply"
    reply: dict[str, Any] = json.loads(body)
    assert reply["response_type"] == "ephemeral", reply
    return reply


def text_of(blocks_or_body: Any) -> str:
    """All text in a Slack payload (blocks, views, ack bodies), for assertions."""
    if isinstance(blocks_or_body, str):
        try:
            return text_of(json.loads(blocks_or_body))
        except ValueError:
            return blocks_or_body
    if isinstance(blocks_or_body, dict):
        return " ".join(text_of(v) for k, v in blocks_or_body.items() if k != "_ok")
    if isinstance(blocks_or_body, list):
        return " ".join(text_of(v) for v in blocks_or_body)
    return str(blocks_or_body)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """The Web API stand-in on 127.0.0.1, stopped after the test."""
    fake = FakeSlack().start()
    fake.users["U0NEWBIE"] = {"id": "U0NEWBIE", "name": "xiaoming", "locale": "zh-CN",
                              "real_name": "张小明", "profile": {"real_name": "张小明"}}
    fake.users["U0GUEST"] = {"id": "U0GUEST", "name": "pat", "locale": "en-US",
                             "profile": {"real_name": "Pat Guest", "display_name": "pat"}}
    yield fake
    fake.stop()


@pytest.fixture
def http_settings(settings: Settings) -> Settings:
    """The sample company with ``[slack] mode = "http"``."""
    return dataclasses.replace(settings, raw={**settings.raw, "slack": {"mode": "http"}})


@pytest.fixture
def slack(desk_app: DeskApp, http_settings: Settings, fake_slack: FakeSlack, engine: Engine,
          clock: ManualClock) -> Iterator[SlackDesk]:
    """The desk wired to Slack (HTTP mode) against the stand-in; a dispatcher on the test clock."""
    kicks: list[int] = []
    desk_app.wake_dispatcher = lambda: kicks.append(1)
    platform = build_slack(desk_app, http_settings, client_base_url=fake_slack.url, environ=ENV)
    elsewhere = Elsewhere()
    router = SenderRouter(engine, http_settings.catalog, [platform.route()], elsewhere)
    dispatcher = Dispatcher(engine, router, clock, policy=desk_app.desk.policy)
    yield SlackDesk(platform, fake_slack, engine, clock, kicks, elsewhere, router, dispatcher)
    platform.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(slack: SlackDesk) -> Iterator[str]:
    """The shared Starlette app with Slack's routes, served by uvicorn on a free local port."""
    port = _free_port()
    config = uvicorn.Config(build_server(slack.platform.routes()), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, 5.0, "uvicorn to start")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@contextlib.contextmanager
def desk_held(slack: SlackDesk) -> Iterator[None]:
    """Every other writer is kept off the desk's deliveries (a held write lock) until the
    block ends: a command waits on the database."""
    holder = slack.engine.connect()
    holder.begin()  # on SQLite our engine begins IMMEDIATE: the file's writer lock
    try:
        if holder.dialect.name == "sqlite":
            holder.exec_driver_sql("SELECT 1")
        else:
            holder.exec_driver_sql("LOCK TABLE delivery IN EXCLUSIVE MODE")
        yield
    finally:
        holder.rollback()
        holder.close()


@contextlib.contextmanager
def desk_refusing(slack: SlackDesk) -> Iterator[None]:
    """The desk cannot store a command (the deliveries table is away) until the block ends."""
    with slack.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE delivery RENAME TO delivery_away")
    try:
        yield
    finally:
        with slack.engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE delivery_away RENAME TO delivery")
