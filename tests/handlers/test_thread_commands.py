"""Tests for telling a command typed in a request's thread from a reply."""

from __future__ import annotations

import pytest

from bot.runtime.config import Settings
from handlers.catalog import Catalog
from handlers.thread_commands import thread_command


@pytest.fixture
def catalog(settings: Settings) -> Catalog:
    """The sample company's catalog."""
    return settings.catalog


# ---------------------------------------------------------------------------------------------
# Addressed to the bot (the mention already taken off): always a command


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("", "/request help"),
        ("request", "/request help"),
        ("ack IT-1", "/request ack IT-1"),
        ("request ack IT-1", "/request ack IT-1"),
        ("Request ack IT-1", "/request ack IT-1"),
        ("受理 IT-1", "/request 受理 IT-1"),
        ("/request list", "/request list"),
        ("/suggest finance more coffee", "/suggest finance more coffee"),
        ("请求 受理 IT-1", "请求 受理 IT-1"),
        ("提单 财务 报销 打车 86", "提单 财务 报销 打车 86"),
        ("/ack IT-1", "/ack IT-1"),
        ("what is going on", "/request what is going on"),  # a mistake, answered with its hint
        ("request it from the vendor", "/request it from the vendor"),
    ],
)
def test_addressed_is_always_a_command(catalog: Catalog, text: str, command: str) -> None:
    assert thread_command(text, catalog, addressed=True) == command


# ---------------------------------------------------------------------------------------------
# Not addressed: a command prefix, or the word ``request`` and a valid command


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("request ack IT-1", "/request ack IT-1"),
        ("REQUEST ACK it-1", "/request ACK it-1"),
        ("request resolve IT-1 fixed the printer", "/request resolve IT-1 fixed the printer"),
        ("request list", "/request list"),
        ("request help", "/request help"),
        ("request 受理 IT-1", "/request 受理 IT-1"),
        ("/request ack IT-1", "/request ack IT-1"),
        ("请求 受理 IT-1", "请求 受理 IT-1"),
        ("提单 财务 报销 打车 86", "提单 财务 报销 打车 86"),
        ("/suggest finance more coffee", "/suggest finance more coffee"),
    ],
)
def test_typed_command(catalog: Catalog, text: str, command: str) -> None:
    assert thread_command(text, catalog, addressed=False) == command


@pytest.mark.parametrize(
    "text",
    [
        "",
        "thanks, that works",
        "ack IT-1",  # a subcommand word alone is no command in a thread
        "受理 IT-1",
        "/ack IT-1",
        "request",
        "Request received, checking",  # not a valid command
        "request it from the vendor",
        "request finance reimbursement taxi 86",  # opening a request is not by the word
        "request catalog",
        "request list mine is still broken",  # the command would ignore the words
        "request home office today",
    ],
)
def test_reply(catalog: Catalog, text: str) -> None:
    assert thread_command(text, catalog, addressed=False) is None
