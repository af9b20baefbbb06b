"""Through the real Bolt app: a desk member's internal note written in their DM stays inside
the desk; a forwarded (shared) message sent to the bot carries its words to the request; and
in a desk thread, where Slack runs no slash command, a reply that starts by mentioning the bot
(or with the word ``request`` and a valid command) runs as a command.

A shared message's payload follows Slack's message events: ``attachments[]`` with
``is_share`` / ``is_msg_unfurl``, ``text``, ``fallback``, ``author_name``, ``author_id``,
``channel_name``, ``from_url``, ``ts``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.runtime.app import DeskApp
from bot.runtime.clock import ManualClock
from bot.runtime.config import Settings
from storage.models import Attachment
from tests.adapters.slack.conftest import SlackDesk, text_of
from tests.adapters.slack.fake_slack import FakeSlack, wait_until
from tests.adapters.slack.test_conversations import (
    ALICE_DM,
    FINANCE,
    dm_ts,
    events_of,
    message,
    opened,
    with_text,
)
from tests.adapters.slack.test_intake import HELP, with_help_channel

BOB_DM = "D0BOB"
NICK_DM = "D0NICK"


def shown_to(slack: SlackDesk, channel: str) -> str:
    return " ".join(text_of(p.get("blocks")) + " " + str(p.get("text"))
                    for p in slack.fake.posted(channel))


def ephemerals(slack: SlackDesk, user: str) -> list[dict[str, Any]]:
    """The answers shown to ``user`` alone (after the ack: waiting, bounded, for one)."""
    def shown() -> list[dict[str, Any]]:
        return [c for c in slack.fake.calls_to("chat.postEphemeral") if c.get("user") == user]

    return wait_until(shown, 5.0, f"an answer to {user} alone")


# --- S3: an internal note in the desk member's DM --------------------------------------------

def test_a_note_in_the_assignees_dm_never_reaches_the_requester(slack: SlackDesk) -> None:
    root = opened(slack)
    slack.ask("U0CAROL", "assign FIN-1 bob")
    slack.drain()
    under = dm_ts(slack, "bob")  # "刘芳 Carol Liu assigned FIN-1 to you"
    before = len(slack.fake.posted(ALICE_DM))
    slack.event(message("U0BOB", "// checking stock first", BOB_DM, thread_ts=under,
                        channel_type="im"))
    slack.drain()
    assert not with_text(slack.fake.posted(ALICE_DM)[before:], "checking stock"), \
        "the requester never hears an internal note"
    notes = [e for e in events_of(slack) if e.kind == "internal_note"]
    assert [(n.actor_id, n.note) for n in notes] == [("bob", "checking stock first")]
    answer = [p for p in slack.fake.posted(BOB_DM) if p.get("thread_ts") == under]
    assert answer and "内部备注" in answer[-1]["text"], "told it is an internal note"
    thread = [p for p in slack.fake.posted(FINANCE) if p.get("thread_ts") == root]
    assert with_text(thread, "checking stock first"), "the desk sees it in its thread"
    assert slack.request("FIN-1").first_response_at is None  # type: ignore[union-attr]


def test_hr_staffs_note_in_their_dm_on_a_confidential_request_stays_inside_hr(
        slack: SlackDesk) -> None:
    slack.ask("U0ALICE", "hr complaint my manager shouts at me")
    slack.drain()
    slack.ask("U0MIA", "assign HR-1 nick")
    slack.drain()
    under = dm_ts(slack, "nick", "HR-1")
    before = len(slack.fake.posted(ALICE_DM))
    slack.event(message("U0NICK", "(internal) talk to her manager's lead", NICK_DM,
                        thread_ts=under, channel_type="im"))
    slack.drain()
    assert not with_text(slack.fake.posted(ALICE_DM)[before:], "manager's lead")
    assert "manager's lead" not in " ".join(text_of(p.get("blocks")) + str(p.get("text"))
                                            for p in slack.fake.posted("CHRREQUESTS"))
    assert [e.kind for e in events_of(slack, "HR-1")].count("internal_note") == 1


# --- S5: a forwarded message ------------------------------------------------------------------

SHARE = {"is_share": True, "is_msg_unfurl": True, "author_id": "U0GUEST",
         "author_name": "Pat Guest", "author_subname": "pat", "channel_id": "C0GENERAL",
         "channel_name": "general",
         "text": "The new VPN config is at <https://wiki.acme.com/vpn|wiki>; keyboard model "
                 "is K-120",
         "fallback": "[November 23rd, 2026 9:01 AM] pat: The new VPN config is at…",
         "from_url": "https://acme.slack.com/archives/C0GENERAL/p1790000050000100",
         "ts": "1790000050.000100", "mrkdwn_in": ["text"], "footer": "Posted in #general",
         "id": 1, "color": "D0D0D0"}


def test_a_forwarded_message_alone_reaches_the_request_with_its_author_and_link(
        slack: SlackDesk) -> None:
    root = opened(slack)
    assert slack.event(message("U0ALICE", "", ALICE_DM, channel_type="im",
                               attachments=[SHARE])).status == 200
    slack.drain()
    (reply,) = [e for e in events_of(slack) if e.kind == "dm_reply"]
    assert reply.actor_id == "alice" and reply.note is not None
    assert "Pat Guest" in reply.note and "#general" in reply.note
    assert "The new VPN config is at wiki (https://wiki.acme.com/vpn); keyboard model is " \
           "K-120" in reply.note, "readable, as people saw it"
    assert "https://acme.slack.com/archives/C0GENERAL/p1790000050000100" in reply.note
    thread = [p for p in slack.fake.posted(FINANCE) if p.get("thread_ts") == root]
    assert with_text(thread, "K-120"), "the desk sees the forwarded words"
    assert "FIN-1" in slack.fake.posted(ALICE_DM)[-1]["text"], "she is answered"


def test_a_forwarded_message_goes_with_the_persons_own_words(slack: SlackDesk) -> None:
    opened(slack)
    slack.event(message("U0ALICE", "see this", ALICE_DM, channel_type="im",
                        attachments=[SHARE]))
    slack.drain()
    (reply,) = [e for e in events_of(slack) if e.kind == "dm_reply"]
    assert reply.note is not None and reply.note.startswith("see this\n")
    assert "Pat Guest" in reply.note and "K-120" in reply.note


def test_a_link_preview_is_no_forward_and_a_forwarded_file_comes_along(
        slack: SlackDesk) -> None:
    opened(slack)
    preview = {"service_name": "Wiki", "title": "VPN", "title_link": "https://wiki.acme.com",
               "text": "All about the VPN", "from_url": "https://wiki.acme.com", "id": 1}
    slack.event(message("U0ALICE", "<https://wiki.acme.com>", ALICE_DM, channel_type="im",
                        attachments=[preview]))
    with_file = {**SHARE, "text": "the invoice", "files": [
        {"id": "F0INV1234", "name": "invoice.pdf", "title": "invoice.pdf",
         "mimetype": "application/pdf", "size": 2048, "mode": "hosted"}]}
    slack.event(message("U0ALICE", "", ALICE_DM, channel_type="im", attachments=[with_file]))
    slack.drain()
    notes = [e.note for e in events_of(slack) if e.kind == "dm_reply"]
    assert notes[0] == "https://wiki.acme.com", "a link's preview adds nothing"
    with Session(slack.engine) as session:
        files = list(session.exec(select(Attachment).order_by(col(Attachment.id))))
    assert [(f.name, f.source) for f in files] == [("invoice.pdf", "slack:F0INV1234")]


# --- S6: commands in a desk thread ------------------------------------------------------------

def test_a_reply_mentioning_the_bot_first_runs_as_a_command(slack: SlackDesk) -> None:
    root = opened(slack)
    before = len(slack.fake.posted(ALICE_DM))
    slack.event(message("U0BOB", "<@U0BOT> ack FIN-1", FINANCE, thread_ts=root))
    slack.drain()
    assert slack.request("FIN-1").state == "acknowledged"  # type: ignore[union-attr]
    kinds = [e.kind for e in events_of(slack)]
    assert "thread_reply" not in kinds and "acknowledged" in kinds
    assert not with_text(slack.fake.posted(ALICE_DM)[before:], "ack FIN-1"), \
        "the command is not sent to the requester as a reply"
    (answer,) = ephemerals(slack, "U0BOB")
    assert answer["channel"] == FINANCE and answer["thread_ts"] == root
    assert "FIN-1" in answer["text"], "the command's answer, to its typer in the thread"


def test_the_word_request_runs_a_valid_command_and_anything_else_is_a_reply(
        slack: SlackDesk) -> None:
    root = opened(slack)
    slack.event(message("U0BOB", "Request received, checking", FINANCE, thread_ts=root))
    slack.drain()
    assert with_text(slack.fake.posted(ALICE_DM), "Request received, checking"), \
        "words that read as no command are a reply"
    slack.event(message("U0BOB", "request resolve FIN-1 paid out in cash", FINANCE,
                        thread_ts=root))
    slack.drain()
    assert slack.request("FIN-1").state == "resolved"  # type: ignore[union-attr]
    assert not with_text(slack.fake.posted(ALICE_DM), "request resolve FIN-1")
    assert [e.kind for e in events_of(slack)].count("thread_reply") == 1


def test_a_mention_of_the_bot_with_no_command_gets_a_hint_not_a_reply(
        slack: SlackDesk) -> None:
    root = opened(slack)
    before = len(slack.fake.posted(ALICE_DM))
    slack.event(message("U0BOB", "<@U0BOT> can you look at the receipt?", FINANCE,
                        thread_ts=root))
    slack.drain()
    assert len(slack.fake.posted(ALICE_DM)) == before, "nothing reaches the requester"
    (answer,) = ephemerals(slack, "U0BOB")
    assert answer["thread_ts"] == root
    assert "thread_reply" not in [e.kind for e in events_of(slack)]


def test_someone_elses_mention_opens_a_reply_as_before(slack: SlackDesk) -> None:
    root = opened(slack)
    slack.event(message("U0BOB", "<@U0CAROL> ack FIN-1 please", FINANCE, thread_ts=root))
    slack.drain()
    assert slack.request("FIN-1").state == "open"  # type: ignore[union-attr]
    assert "thread_reply" in [e.kind for e in events_of(slack)]


# --- the help channel: a new message addressed to the bot, or forwarded there -----------------

def test_a_help_channel_message_to_the_bot_or_forwarded_there_is_a_request(
        desk_app: DeskApp, settings: Settings, fake_slack: FakeSlack, engine: Engine,
        clock: ManualClock) -> None:
    for slack in with_help_channel(desk_app, settings, fake_slack, engine, clock):
        slack.event(message("U0ALICE", "<@U0BOT> taxi refund, 86 CNY", HELP))
        slack.event(message("U0HENRY", "", HELP, attachments=[SHARE]))
        slack.event(message("U0ALICE", "<@U0BOT> thanks!", HELP))  # small talk, still
        slack.drain()
        first, second = slack.requests()
        assert first.title == "taxi refund, 86 CNY", "the mention of the bot is no content"
        assert second.requester_id == "henry" and "K-120" in second.details
        assert "Pat Guest · #general" in second.details
        assert len(slack.requests()) == 2
