"""Hostile words never become live Slack markup on their way to the other side: a desk
member's thread reply reaching the requester's DM, a requester's DM reply reaching the desk's
thread, a help-channel message and its thread answer, and shared file names. What the Slack
stand-in received must hold no mention (``<!channel>``, ``<@U…>``, ``<!subteam^…>``), channel
link or URL link made of what a person typed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.runtime.app import DeskApp
from bot.runtime.clock import ManualClock
from bot.runtime.config import Settings
from tests.adapters.slack.conftest import SlackDesk
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.test_conversations import ALICE_DM, FINANCE, dm_ts, message, opened
from tests.adapters.slack.test_files import JPEG, shared
from tests.adapters.slack.test_intake import HELP, with_help_channel

# As Slack delivers them: real mentions and links (encoded), and the same typed literally.
HOSTILE = [
    "<!channel> <!here> <!everyone> pay now <@U0CAROL> <#C0GENERAL|general> "
    "<!subteam^S0FIN|@finance> <https://evil.example/pay|the form> <mailto:x@evil.example|mail>",
    "&lt;!channel&gt; &lt;@U0CAROL&gt; &lt;https://evil.example|click&gt; &amp;lt;!here&amp;gt;",
    "[click](https://evil.example) <a href=\"https://evil.example\">x</a> @all @所有人",
]
LIVE = re.compile(r"<(?:!|@|#|https?://evil|mailto:x@evil)")


@pytest.fixture
def slack(desk_app: DeskApp, settings: Settings, fake_slack: FakeSlack, engine: Engine,
          clock: ManualClock) -> Iterator[SlackDesk]:
    yield from with_help_channel(desk_app, settings, fake_slack, engine, clock)


def received(calls: list[dict[str, Any]]) -> str:
    return json.dumps(calls, ensure_ascii=False)


def desk_reply(slack: SlackDesk, text: str) -> list[dict[str, Any]]:
    root = opened(slack)
    slack.event(message("U0BOB", f"about the form: {text}", FINANCE, thread_ts=root))
    slack.drain()
    return [p for p in slack.fake.posted(ALICE_DM) if "about the form" in p["text"]]


def requester_reply(slack: SlackDesk, text: str) -> list[dict[str, Any]]:
    root = opened(slack)
    slack.event(message("U0ALICE", f"about the form: {text}", ALICE_DM,
                        thread_ts=dm_ts(slack, "alice"), channel_type="im"))
    slack.drain()
    return [p for p in slack.fake.posted(FINANCE)
            if p.get("thread_ts") == root and "about the form" in p["text"]]


def intake(slack: SlackDesk, text: str) -> list[dict[str, Any]]:
    said = message("U0ALICE", f"about the form: {text}", HELP)
    slack.event(said)
    slack.drain()
    request = slack.requests()[0]
    assert "about the form" in request.details
    slack.event(message("U0BOB", f"re: {text}", HELP, thread_ts=said["ts"]))
    slack.drain()
    return [*slack.fake.posted(HELP), *slack.fake.posted(ALICE_DM)]


def file_name(slack: SlackDesk, text: str) -> list[dict[str, Any]]:
    root = opened(slack)
    name = re.sub(r"[/\\]", "_", text)[:200] + ".jpg"
    file = slack.fake.share_file("F0HOSTILE1", name, "image/jpeg", JPEG, "U0BOB")
    shared(slack, "U0BOB", FINANCE, file, channel_type="channel", thread_ts=root)
    slack.drain()
    notices = [p for p in slack.fake.posted(ALICE_DM) if "📎" in p["text"]]
    (upload,) = slack.fake.calls_to("files.completeUploadExternal")
    assert upload["files"][0]["title"].endswith(".jpg"), "a file title is plain text in Slack"
    return notices


PATHS: dict[str, Callable[[SlackDesk, str], list[dict[str, Any]]]] = {
    "thread reply → requester DM": desk_reply,
    "requester DM reply → desk thread": requester_reply,
    "help channel message → its thread": intake,
    "file name → requester DM": file_name,
}


@pytest.mark.parametrize("text", HOSTILE, ids=["mentions", "typed-literally", "other-markup"])
@pytest.mark.parametrize("path", list(PATHS))
def test_hostile_words_arrive_inert(slack: SlackDesk, path: str, text: str) -> None:
    calls = PATHS[path](slack, text)
    assert calls, f"{path}: nothing arrived"
    shown = received(calls)
    assert not LIVE.findall(shown), f"{path}: live markup in {shown[:2000]}"
    assert "evil.example" in shown or path == "help channel message → its thread", \
        "the words still arrive, as text"
