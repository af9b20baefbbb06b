"""A desk action offered as its button (what a Slack reaction that needs text gets): the
button ``/request show`` gives the person, or a word that nothing changed (``handlers.offer``)."""

from __future__ import annotations

from collections.abc import Callable

from bot.runtime.app import DeskApp
from handlers.messages import Reply
from handlers.offer import offer


def as_(app: DeskApp, person: str) -> Callable[[str], Reply]:
    return lambda text: app.handle(person, text)


def test_the_desk_is_offered_the_requests_own_button(desk_app: DeskApp) -> None:
    desk_app.handle("alice", "/request finance cash-advance taxi 86")
    offered = offer(as_(desk_app, "bob"), "FIN-1", "resolve", "zh-CN")
    assert offered.ok
    (message,) = offered.messages
    assert [b.command for b in message.buttons] == ["/request resolve FIN-1 <note>"]
    assert message.text == "FIN-1：请点击下方的“解决…”并填写内容。"


def test_an_action_not_open_to_them_now_changes_nothing_and_says_so(desk_app: DeskApp) -> None:
    desk_app.handle("alice", "/request finance cash-advance taxi 86")
    for person, action in (("alice", "resolve"), ("bob", "resume")):  # not staff; not waiting
        offered = offer(as_(desk_app, person), "FIN-1", action, "zh-CN")
        assert not offered.ok
        (message,) = offered.messages
        assert message.kind == "error" and not message.buttons
        assert message.text.startswith("您的表情未做任何更改") and "FIN-1" in message.text


def test_a_request_they_cannot_see_gets_the_refusal_show_gives(desk_app: DeskApp) -> None:
    offered = offer(as_(desk_app, "bob"), "FIN-9", "resolve", "en")
    refused = desk_app.handle("bob", "/request show FIN-9")
    assert not offered.ok and offered.text == refused.text
