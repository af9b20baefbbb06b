"""A slash command's reply of several messages that needs more than Slack's 50 blocks a
message: ``/request home`` typed by someone whose desks are busy (each request of their
queues is one message: a section, its buttons and a divider, 3 blocks). The ack carried the
first 50 blocks and the rest was cut without a word. Now the ack carries the first messages
that fit, the rest follow in order on the command's response_url (at most 5 posts), and what
has no room even there ends the last post as text."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from bot.adapters.slack import runtime
from bot.runtime.app import DeskApp
from handlers.inbound import Inbound
from tests.adapters.slack.conftest import SlackDesk, desk_held, reply_in, text_of
from tests.adapters.slack.fake_slack import blocks_problems, wait_until

# a service of each desk, and what henry asks of it
ASKS = {"FIN": "/request finance reimbursement taxi ride {n}, 86 CNY",
        "PRD": "/request production schedule line {n} plan",
        "MNT": "/request mnt repair press {n} down",
        "QA": "/request qa inspection incoming lot {n}"}
MAX_BLOCKS = 50
POSTS = 5  # the uses Slack allows of one response_url


def opened(desk_app: DeskApp, prefix: str, count: int) -> list[str]:
    """``count`` requests henry opens at the desk of ``prefix``; their ids."""
    refs = []
    for n in range(1, count + 1):
        reply = desk_app.run(Inbound(platform="console", person_id="henry",
                                     text=ASKS[prefix].format(n=n)))
        assert reply.ok and reply.request_ref, reply.text
        refs.append(reply.request_ref)
    return refs


def posts(slack: SlackDesk, probe: str, count: int) -> list[dict[str, Any]]:
    """The ``count`` posts on the response_url tagged ``probe``, in the order they came (and
    no more after a moment)."""
    def tagged() -> list[dict[str, Any]]:
        return [c for c in slack.fake.calls_to("response_url") if c.get("probe") == probe]

    wait_until(lambda: len(tagged()) >= count, 10.0, f"{count} posts on the response_url")
    time.sleep(0.2)  # a further post would be in by now
    found = tagged()
    assert len(found) == count, f"{len(found)} posts, {count} expected"
    for post in found:
        assert post["response_type"] == "ephemeral" and post["replace_original"] is False
        assert post["_ok"], "Slack took it"
    return found


def blocks_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """A body's blocks, as Slack gets them (a response_url post may carry them as JSON)."""
    blocks = body["blocks"]
    return list(json.loads(blocks) if isinstance(blocks, str) else blocks)


def checked(bodies: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Each body's blocks, each within Slack's limits."""
    out = []
    for body in bodies:
        blocks = blocks_of(body)
        assert 0 < len(blocks) <= MAX_BLOCKS, len(blocks)
        assert blocks_problems(blocks) == []
        assert blocks[0]["type"] != "divider", "a message begins with its content"
        out.append(blocks)
    return out


def order_of(refs: list[str], text: str) -> list[str]:
    """The ids of ``refs`` in ``text``, in the order they first appear."""
    found = [(text.find(f"{ref} "), ref) for ref in refs]
    return [ref for at, ref in sorted(found) if at >= 0]


def buttons_of(blocks: list[dict[str, Any]]) -> set[str]:
    """The refs the buttons of ``blocks`` act on."""
    return {e["value"].split()[2] for b in blocks if b["type"] == "actions"
            for e in b["elements"] if len(e["value"].split()) > 2}


def test_a_busy_desks_home_reaches_its_reader_whole_in_order(slack: SlackDesk,
                                                            desk_app: DeskApp) -> None:
    """bob's desk has 45 open requests: his overview shows 40 of them (and says how to see
    the rest), 44 messages in 127 blocks. The ack carries the first, the rest follow."""
    refs = opened(desk_app, "FIN", 45)
    ack = slack.slash("U0BOB", "home", probe="home")
    first = reply_in(ack.body)
    rest = posts(slack, "home", 2)  # 127 blocks: the ack and two posts
    bodies = checked([first, *rest])
    text = " ".join(text_of(b) for b in bodies)
    shown = refs[:40]  # the desk's queue, most urgent first: here in the order they came
    assert order_of(refs, text) == shown, "every request of the overview, in order"
    assert "/request queue finance" in text_of(bodies[-1]), "the overview's last line"
    assert set().union(*map(buttons_of, bodies)) == set(shown), "each with its buttons"
    assert len(bodies[0]) > MAX_BLOCKS - 3, "the ack is as full as whole messages allow"


def test_what_five_posts_cannot_carry_ends_the_last_as_text(slack: SlackDesk,
                                                            desk_app: DeskApp) -> None:
    """ivan serves three desks of 41 open requests each: his overview is 128 messages in
    375 blocks, more than the ack and five posts hold with their buttons. The last post ends
    with the rest as text (each with its id, to type); nothing is cut."""
    refs = [ref for prefix in ("PRD", "MNT", "QA") for ref in opened(desk_app, prefix, 41)]
    first = reply_in(slack.slash("U0IVAN", "home", probe="ivan").body)
    bodies = checked([first, *posts(slack, "ivan", POSTS)])
    text = " ".join(text_of(b) for b in bodies)
    shown = [r for r in refs if int(r.split("-")[1]) <= 40]
    assert order_of(refs, text) == shown, "every request of the overview, in order"
    for prefix, desk in (("PRD", "production"), ("MNT", "maintenance"), ("QA", "quality")):
        assert f"/request queue {desk}" in text, f"how to see the rest of {prefix}"
    with_buttons = set().union(*map(buttons_of, bodies))
    assert with_buttons == set(shown[:len(with_buttons)]), "buttons until the room ran out"
    assert len(with_buttons) > 90
    last = text_of(bodies[-1])
    assert all(ref in last for ref in shown[len(with_buttons):]), "the rest as text"


def test_a_long_reply_after_still_working_comes_in_order_on_the_response_url(
        slack: SlackDesk, desk_app: DeskApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """A slow database: the ack says "still working", and the whole overview follows on the
    response_url, in order, each post within 50 blocks."""
    refs = opened(desk_app, "FIN", 45)
    monkeypatch.setattr(runtime, "ACK_BUDGET_SECONDS", 0.3)
    with desk_held(slack):
        working = reply_in(slack.slash("U0BOB", "home", probe="slow").body)
        assert "处理" in working["text"] and "稍后" in working["text"]
    bodies = checked(posts(slack, "slow", 3))
    text = " ".join(text_of(b) for b in bodies)
    assert order_of(refs, text) == refs[:40]
    assert set().union(*map(buttons_of, bodies)) == set(refs[:40])


def test_a_short_reply_of_several_messages_is_one_ack_as_before(slack: SlackDesk,
                                                                desk_app: DeskApp) -> None:
    """An overview that fits in 50 blocks is the ack alone: no post on the response_url."""
    refs = opened(desk_app, "FIN", 3)
    answer = reply_in(slack.slash("U0BOB", "home", probe="short").body)
    assert order_of(refs, text_of(answer["blocks"])) == refs
    assert buttons_of(answer["blocks"]) == set(refs)
    assert not slack.fake.calls_to("response_url")
