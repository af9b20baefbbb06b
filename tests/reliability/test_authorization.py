"""Scenario 5: authorization is the same on every platform (SQLite and PostgreSQL).

Through the console, Slack (slash commands, buttons, modals) and WeCom (typed commands, card
clicks), with each adapter's own test rig: someone outside the owning department cannot
change a request, a requester cannot see another person's request, and whoever resolved a
request cannot rate it. Every refusal is answered, and nothing changes."""

from __future__ import annotations

import json
import uuid
from typing import Any, Protocol

import pytest
from sqlmodel import Session, col, func, select

from bot.runtime.app import DeskApp
from storage.models import Event, Outbox, Rating, Request
from tests.adapters.slack.conftest import SlackDesk

REFUSED = ("Nothing was changed", "未做任何更改", "can't find request", "找不到",
           "can't rate it", "不能给自己评分")
SLACK_IDS = {"alice": "U0ALICE", "bob": "U0BOB", "henry": "U0HENRY", "kevin": "U0KEVIN",
             "carol": "U0CAROL"}
WECOM_IDS = {"alice": "wangli", "bob": "zhangwei", "henry": "lihua", "kevin": "xukai",
             "carol": "liufang"}


class Speaker(Protocol):
    """A person typing a command, or pressing a button that stands for it."""

    def say(self, person: str, line: str) -> str: ...
    def click(self, person: str, line: str) -> str: ...


class Console:
    def __init__(self, chat: Any) -> None:
        self.chat = chat

    def say(self, person: str, line: str) -> str:
        """What the console answered the speaker (``[reply]`` blocks, not ``[to …]`` ones)."""
        kept, keep = [], False
        for printed in str(self.chat(f"{person}> {line}")).splitlines():
            if printed.startswith("["):
                keep = printed.startswith("[reply]")
            if keep:
                kept.append(printed)
        return "\n".join(kept)

    click = say  # the console prints buttons as the commands they stand for


class Slack:
    def __init__(self, slack: SlackDesk) -> None:
        self.slack = slack
        self.clicks = 0

    def say(self, person: str, line: str) -> str:
        answer = self.slack.ask(SLACK_IDS[person], line.removeprefix("/request "))
        return str(answer["text"])

    def click(self, person: str, line: str) -> str:
        """A button whose value is ``line`` (as rendered, or forged by a client)."""
        action = line.split()[1]
        self.slack.click(SLACK_IDS[person], line, action, channel="CITREQUESTS")
        self.clicks += 1
        return str(self.slack.ephemeral(self.clicks)[self.clicks - 1]["text"])

    def modal(self, person: str, line: str, slot: str, value: str) -> str:
        """A button with a placeholder opens a modal; submit it; the modal's answer."""
        self.slack.click(SLACK_IDS[person], line, line.split()[1], channel="CITREQUESTS")
        view = self.slack.opened_view()
        response = self.slack.submit(SLACK_IDS[person], view, {
            f"slot.{slot}": {"value": {"type": "plain_text_input", "value": value}}})
        body = json.loads(response.body or "{}")
        assert body.get("response_action") == "errors", body
        return " ".join(body["errors"].values())


class WeCom:
    def __init__(self, wecom: Any) -> None:
        self.wecom = wecom

    def say(self, person: str, line: str) -> str:
        userid = WECOM_IDS[person]
        before = len(self.wecom.replies_to(userid))
        self.wecom.say(userid, line)
        replies = self.wecom.replies_to(userid)
        assert len(replies) > before, f"{person} got no answer to {line!r}"
        return str(replies[-1])

    def click(self, person: str, line: str) -> str:
        userid = WECOM_IDS[person]
        before = len(self.wecom.replies_to(userid))
        ref = line.split()[2] if len(line.split()) > 2 else "x"
        self.wecom.click(userid, f"cmd:{line}", f"cd_{ref}_{uuid.uuid4().hex}",
                         f"rc-{uuid.uuid4().hex[:6]}")
        replies = self.wecom.replies_to(userid)
        assert len(replies) > before, f"{person} got no answer to the {line!r} button"
        return str(replies[-1])


@pytest.fixture(params=["console", "slack", "wecom"])
def speaker(request: pytest.FixtureRequest) -> Speaker:
    if request.param == "console":
        return Console(request.getfixturevalue("chat"))
    if request.param == "slack":
        return Slack(request.getfixturevalue("slack"))
    return WeCom(request.getfixturevalue("wecom"))


def snapshot(app: DeskApp) -> tuple[Any, ...]:
    """Everything a refused command must leave as it was."""
    with Session(app.desk.engine) as s:
        requests = [(r.ref, r.state, r.assignee_id, r.department, r.resolver_id)
                    for r in s.exec(select(Request).order_by(col(Request.id)))]
        # the speaker's own answers (WeCom's go through the outbox) are no change
        notices = sum(1 for row in s.exec(select(Outbox))
                      if not row.payload.get("extra", {}).get("answer"))
        return (tuple(requests), notices,
                *(int(s.exec(select(func.count()).select_from(m)).one()) for m in (Event, Rating)))


def refused(answer: str) -> bool:
    return any(marker in answer for marker in REFUSED)


def opened(app: DeskApp, person: str, line: str) -> str:
    reply = app.handle(person, line)
    assert reply.ok and reply.request_ref, reply.text
    return reply.request_ref


STAFF_ACTIONS = ["/request ack {ref}", "/request assign {ref} bob", "/request wait {ref} why?",
                 "/request resolve {ref} done", "/request transfer {ref} finance",
                 "/request comment {ref} hello", "/request snooze {ref} 2h"]


def test_outsiders_cannot_change_a_request(speaker: Speaker, desk_app: DeskApp) -> None:
    ref = opened(desk_app, "alice", "/request it laptop broken screen")
    before = snapshot(desk_app)
    for template in STAFF_ACTIONS:
        line = template.format(ref=ref)
        for how in (speaker.say, speaker.click):
            answer = how("bob", line)  # bob serves Finance, not IT
            assert refused(answer), (line, answer)
            assert snapshot(desk_app) == before, f"{line!r} by bob changed something"
    for line in (f"/request cancel {ref}", f"/request confirm {ref}"):
        assert refused(speaker.click("bob", line))
    assert snapshot(desk_app) == before


def test_a_requester_cannot_do_the_desks_work(speaker: Speaker, desk_app: DeskApp) -> None:
    ref = opened(desk_app, "alice", "/request it laptop broken screen")
    before = snapshot(desk_app)
    for template in STAFF_ACTIONS[:5]:
        line = template.format(ref=ref)
        assert refused(speaker.click("alice", line)), line
    assert snapshot(desk_app) == before


def test_a_requester_cannot_see_another_persons_request(speaker: Speaker,
                                                        desk_app: DeskApp) -> None:
    mine = opened(desk_app, "alice", "/request it laptop mine")
    theirs = opened(desk_app, "henry", "/request it laptop secret salary file")
    before = snapshot(desk_app)
    listed = speaker.say("alice", "/request list")
    assert mine in listed and theirs not in listed and "secret salary" not in listed
    for line in (f"/request show {theirs}", f"/request comment {theirs} hi",
                 f"/request cancel {theirs}", f"/request confirm {theirs}",
                 f"/request reopen {theirs} again", f"/request rate {theirs} 1"):
        answer = speaker.say("alice", line)
        assert refused(answer) and "secret salary" not in answer, (line, answer)
        assert refused(speaker.click("alice", line)), line
    assert snapshot(desk_app) == before


def test_the_resolver_cannot_rate_their_own_work(speaker: Speaker, desk_app: DeskApp) -> None:
    # alice works in Marketing and asks Marketing for something, then resolves it herself
    ref = opened(desk_app, "alice", "/request marketing promotion-plan spring sale")
    for line in (f"/request ack {ref}", f"/request resolve {ref} done it myself",
                 f"/request confirm {ref}"):
        assert desk_app.handle("alice", line).ok, line
    before = snapshot(desk_app)
    for how in (speaker.say, speaker.click):
        for stars in (5, 1):
            answer = how("alice", f"/request rate {ref} {stars}")
            assert refused(answer), answer
    assert snapshot(desk_app) == before
    # and an admin who resolved a request they opened cannot rate it either
    ref = opened(desk_app, "root", "/request it software licence")
    for line in (f"/request resolve {ref} granted", f"/request confirm {ref}"):
        assert desk_app.handle("root", line).ok, line
    before = snapshot(desk_app)
    assert refused(desk_app.handle("root", f"/request rate {ref} 5").text)
    assert snapshot(desk_app) == before


def test_a_slack_modal_cannot_smuggle_a_refused_command(slack: SlackDesk,
                                                        desk_app: DeskApp) -> None:
    ref = opened(desk_app, "alice", "/request it laptop broken screen")
    before = snapshot(desk_app)
    speaker = Slack(slack)
    for line, slot in ((f"/request resolve {ref} <note>", "note"),
                       (f"/request wait {ref} <question>", "question")):
        assert refused(speaker.modal("bob", line, slot, "forged text")), line
        assert refused(speaker.modal("alice", line, slot, "forged text")), line
    assert snapshot(desk_app) == before


def test_a_wecom_card_click_that_is_refused_does_not_update_the_card(wecom: Any,
                                                                     desk_app: DeskApp) -> None:
    ref = opened(desk_app, "alice", "/request it laptop broken screen")
    before = snapshot(desk_app)
    speaker = WeCom(wecom)
    for line in (f"/request ack {ref}", f"/request assign {ref} me",
                 f"/request resolve {ref} done"):
        assert refused(speaker.click("bob", line)), line
    assert wecom.api.delivered("message/update_template_card") == []
    assert snapshot(desk_app) == before
