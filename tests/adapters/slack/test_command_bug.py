"""A bug in a command on Slack: the typer is acked "try again" in their language (the same
guard WeCom uses, ``bot.adapters.command_threads.guarded``), and nothing is stored."""

from __future__ import annotations

import pytest

from handlers.context import Ctx
from handlers.grammar import Command
from handlers.i18n import t
from handlers.messages import Reply
from tests.adapters.slack.conftest import SlackDesk, signed_headers
from tests.adapters.slack.test_http import FORM, post


def boom(_ctx: Ctx, _command: Command) -> Reply:
    """A handler with a bug."""
    raise RuntimeError("a bug in the list handler")


def test_a_bug_is_acked_try_again_in_the_typers_language(
        slack: SlackDesk, live_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(slack.platform.deps.app.router._handlers, "list", boom)
    body = slack.command_body("U0ALICE", "list", probe="bug")
    response = post(live_server, body, signed_headers(body, FORM))
    assert response.status_code == 200
    assert response.json()["text"] == t("en", "err.try_again")
    assert slack.requests() == []
