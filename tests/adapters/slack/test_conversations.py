"""Message events through the real Bolt app: thread replies, DM replies, plain DMs, files.

Payload shapes follow Slack's event docs and slack-bolt's test fixtures (``message`` with
``thread_ts`` and ``channel_type``; ``file_share``; ``message_changed``; ``bot_message``)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, col, select

from bot.adapters.slack.readable import readable
from storage.models import Attachment, Event, Outbox
from tests.adapters.slack.conftest import TEAM, SlackDesk, text_of
from tests.adapters.slack.fake_slack import wait_until

FINANCE = "CFINANCEREQUE"
ALICE_DM = "D0ALICE"


def message(user: str, text: str, channel: str, *, thread_ts: str | None = None,
            channel_type: str = "channel", **more: Any) -> dict[str, Any]:
    """A ``message`` event as Slack sends it (Events API, inner event)."""
    ts = f"1790{uuid.uuid4().int % 10**6:06d}.{uuid.uuid4().int % 10**6:06d}"
    event: dict[str, Any] = {
        "type": "message", "channel": channel, "user": user, "text": text, "ts": ts,
        "event_ts": ts, "channel_type": channel_type, "team": TEAM,
        "client_msg_id": str(uuid.uuid4()),
        "blocks": [{"type": "rich_text", "block_id": "x1", "elements": []}],
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
        event["parent_user_id"] = "U0BOT"
    event.update(more)
    return event


def opened(slack: SlackDesk, user: str = "U0ALICE") -> str:
    """A Finance request by ``user``, its root posted; the root's ts."""
    slack.ask(user, "finance cash-advance taxi 86")  # a service without a form to fill
    slack.drain()
    request = slack.request("FIN-1")
    assert request is not None and request.thread_ref
    return request.thread_ref


def dm_ts(slack: SlackDesk, person: str, ref: str = "FIN-1") -> str:
    """The ts of the first direct message to ``person`` about ``ref``, as delivered."""
    request = slack.request(ref)
    assert request is not None
    with Session(slack.engine) as session:
        row = session.exec(select(Outbox).where(
            col(Outbox.request_id) == request.id, col(Outbox.target) == f"person:{person}",
            col(Outbox.platform_ref).is_not(None)).order_by(col(Outbox.id))).first()
    assert row is not None and row.platform_ref
    return row.platform_ref


def events_of(slack: SlackDesk, ref: str = "FIN-1") -> list[Event]:
    request = slack.request(ref)
    assert request is not None
    with Session(slack.engine) as session:
        return list(session.exec(select(Event).where(col(Event.request_id) == request.id)
                                 .order_by(col(Event.id))))


def with_text(posts: list[dict[str, Any]], words: str) -> list[dict[str, Any]]:
    return [p for p in posts if words in text_of(p.get("blocks")) or words in p["text"]]


def test_a_desk_reply_in_the_thread_reaches_the_requester_once_and_counts_as_first_response(
        slack: SlackDesk) -> None:
    root = opened(slack)
    assert slack.request("FIN-1").first_response_at is None  # type: ignore[union-attr]
    said = message("U0BOB", "please send the invoice photo &amp; receipt, <@U0CAROL> checks "
                   "<https://wiki.example.com/pay|the rules>", FINANCE, thread_ts=root)
    assert slack.event(said, event_id="Ev0REPLY1").status == 200
    retried = slack.event(said, event_id="Ev0REPLY1",
                          headers={"x-slack-retry-num": "1", "x-slack-retry-reason": "timeout"})
    assert retried.status == 200
    slack.drain()

    dms = with_text(slack.fake.posted(ALICE_DM), "please send the invoice photo")
    assert len(dms) == 1, "the requester hears the reply once"
    shown = text_of(dms[0]["blocks"])
    assert "photo &amp; receipt, @刘芳 Carol Liu checks the rules (https://wiki.example.com/pay)" \
        in shown, "stored as typed, shown with names, escaped once"
    assert "<@U0CAROL>" not in shown and "<https://wiki" not in shown
    assert slack.request("FIN-1").first_response_at is not None  # type: ignore[union-attr]
    thread = [p for p in slack.fake.posted(FINANCE) if p.get("thread_ts") == root]
    assert not with_text(thread, "please send the invoice photo"), "not echoed into its thread"
    assert [e.kind for e in events_of(slack)].count("thread_reply") == 1
    assert not slack.fake.calls_to("chat.postEphemeral"), "a desk reply needs no answer"


def test_an_internal_note_in_the_thread_never_reaches_the_requester(slack: SlackDesk) -> None:
    root = opened(slack)
    slack.event(message("U0BOB", "// she filed the same last week", FINANCE, thread_ts=root))
    slack.drain()
    assert not with_text(slack.fake.posted(ALICE_DM), "same last week")
    assert "internal_note" in [e.kind for e in events_of(slack)]


def test_the_requesters_reply_under_the_bots_dm_reaches_the_desk_thread(
        slack: SlackDesk) -> None:
    root = opened(slack)
    under = dm_ts(slack, "alice")
    slack.event(message("U0ALICE", "photo is in the shared drive &lt;3", ALICE_DM,
                        thread_ts=under, channel_type="im"))
    slack.drain()
    thread = [p for p in slack.fake.posted(FINANCE) if p.get("thread_ts") == root]
    posted = with_text(thread, "photo is in the shared drive")
    assert len(posted) == 1 and "drive &lt;3" in text_of(posted[0]["blocks"])
    answers = wait_until(lambda: [p for p in slack.fake.posted(ALICE_DM)
                                  if p.get("thread_ts") == under], 5.0, "the answer")
    assert "FIN-1" in answers[0]["text"], "answered in the DM thread"
    replies = [e for e in events_of(slack) if e.kind == "dm_reply"]
    assert len(replies) == 1 and replies[0].note == "photo is in the shared drive <3"


def test_a_plain_dm_goes_to_the_one_open_request_or_asks_which(slack: SlackDesk) -> None:
    root = opened(slack)
    slack.event(message("U0ALICE", "any news?", ALICE_DM, channel_type="im"))
    slack.drain()
    assert with_text([p for p in slack.fake.posted(FINANCE) if p.get("thread_ts") == root],
                     "any news?")

    slack.ask("U0ALICE", "it laptop screen flickers")
    slack.drain()
    slack.event(message("U0ALICE", "I am away on Friday", ALICE_DM, channel_type="im"))
    slack.drain()
    asked = wait_until(lambda: with_text(slack.fake.posted(ALICE_DM), "/request add "), 5.0,
                       "the question which request")[0]
    choices = {e["value"] for b in asked["blocks"] if b["type"] == "actions"
               for e in b["elements"]}
    assert len(choices) == 2 and all(c.startswith("/request add ") for c in choices), asked
    pick = next(c for c in choices if "IT-1" in c)
    slack.click("U0ALICE", pick, "add", channel=ALICE_DM)
    slack.drain()
    it = slack.request("IT-1")
    assert it is not None and it.thread_ref
    assert with_text([p for p in slack.fake.posted() if p.get("thread_ts") == it.thread_ref],
                     "I am away on Friday"), "the held message reached the chosen desk"


def test_the_bot_never_answers_itself_nor_other_bots_nor_edits(slack: SlackDesk) -> None:
    root = opened(slack)
    before = len(events_of(slack))
    posts = len(slack.fake.posted())
    own = message("U0BOT", "张伟 Bob Zhang 受理了 FIN-1。", FINANCE, thread_ts=root,
                  bot_id="B0BOT", app_id="A0DESK")
    other = message("U0OTHER", "deploy finished", FINANCE, thread_ts=root, bot_id="B0CI",
                    subtype="bot_message")
    own_dm = message("U0BOT", "Your request FIN-1 …", ALICE_DM, channel_type="im",
                     bot_id="B0BOT")
    edited = {"type": "message", "subtype": "message_changed", "channel": FINANCE,
              "hidden": True, "ts": "1790000900.000001", "channel_type": "channel",
              "message": {"type": "message", "user": "U0BOB", "text": "edited",
                          "ts": "1790000800.000001", "thread_ts": root},
              "previous_message": {"type": "message", "user": "U0BOB", "text": "first",
                                   "ts": "1790000800.000001", "thread_ts": root}}
    deleted = {"type": "message", "subtype": "message_deleted", "channel": FINANCE,
               "hidden": True, "ts": "1790000901.000001", "deleted_ts": "1790000800.000001",
               "channel_type": "channel"}
    elsewhere = message("U0BOB", "lunch?", "C0GENERAL")  # a channel message off any thread
    for event in (own, other, own_dm, edited, deleted, elsewhere):
        assert slack.event(event).status == 200
    slack.drain()
    assert len(events_of(slack)) == before
    assert len(slack.fake.posted()) == posts
    assert not slack.fake.calls_to("chat.postEphemeral")


def test_a_file_shared_in_the_thread_comes_with_the_reply(slack: SlackDesk) -> None:
    root = opened(slack)
    shared = message("U0BOB", "here is the form", FINANCE, thread_ts=root,
                     subtype="file_share", upload=False, display_as_bot=False,
                     files=[{"id": "F0FORM123", "created": 1790000000, "timestamp": 1790000000,
                             "name": "form.pdf", "title": "form.pdf",
                             "mimetype": "application/pdf", "filetype": "pdf",
                             "pretty_type": "PDF", "user": "U0BOB", "size": 52331,
                             "mode": "hosted", "is_external": False,
                             "url_private": "https://files.slack.com/files-pri/T0-F0FORM123/form.pdf",
                             "url_private_download": "https://files.slack.com/files-pri/"
                                                     "T0-F0FORM123/download/form.pdf"}])
    assert slack.event(shared).status == 200
    slack.drain()
    assert len(with_text(slack.fake.posted(ALICE_DM), "here is the form")) == 1
    with Session(slack.engine) as session:
        files = list(session.exec(select(Attachment)))
    assert [(f.name, f.mime, f.size, f.source, f.author_id) for f in files] == [
        ("form.pdf", "application/pdf", 52331, "slack:F0FORM123", "bob")]


def test_slack_markup_becomes_readable_text() -> None:
    names = {"U0BOB": "张伟 Bob Zhang"}
    assert readable("hi <@U0BOB> and <@U0NOBODY|pat> in <#C0GEN|general> <!here> "
                    "<mailto:a@b.cn|a@b.cn> <https://x.cn/a?b=1&amp;c=2> "
                    "<https://x.cn|site> <!subteam^S0FIN|@finance> 1 &lt; 2 &amp;&amp; 3 &gt; 2",
                    names.get) == (
        "hi @张伟 Bob Zhang and @pat in #general @here a@b.cn https://x.cn/a?b=1&c=2 "
        "site (https://x.cn) @finance 1 < 2 && 3 > 2")


def test_a_transferred_requests_old_thread_is_told_and_still_reaches_it(
        slack: SlackDesk) -> None:
    root = opened(slack)
    slack.ask("U0BOB", "ack FIN-1")
    slack.drain()
    slack.ask("U0BOB", "transfer FIN-1 it account-access")
    slack.drain()
    request = slack.request("FIN-1")
    assert request is not None and request.department == "it" and request.thread_ref != root
    told = [p for p in with_text(slack.fake.posted(FINANCE), "FIN-1")
            if "IT" in p["text"] or "信息" in p["text"]]
    assert told and told[-1].get("thread_ts") == root, "in the thread the request left"
    before = len(events_of(slack))
    slack.event(message("U0ALICE", "thanks, the rest is still missing", FINANCE,
                        thread_ts=root))
    slack.event(message("U0BOB", "I had paid half of it already", FINANCE, thread_ts=root))
    slack.drain()
    said = [(e.kind, e.actor_id, e.note) for e in events_of(slack)[before:]]
    assert ("thread_reply", "alice", "thanks, the rest is still missing") in said
    assert ("thread_reply", "bob", "I had paid half of it already") in said, "recorded"
    new_thread = [p for p in slack.fake.posted() if p.get("thread_ts") == request.thread_ref]
    assert [p for p in new_thread if "thanks, the rest is still missing" in p["text"]], \
        "the requester's words reach the new desk's thread"
    assert not [p for p in new_thread if "I had paid half" in p["text"]]


def test_the_requesters_answer_in_the_thread_shows_on_the_root_as_back_in_progress(
        slack: SlackDesk) -> None:
    """The desk asked and waits; the requester answers in the desk thread: the request runs
    again, and its root (the channel's view of it) stops showing "waiting"."""
    root = opened(slack)
    slack.ask("U0BOB", "wait FIN-1 which client was it?")
    slack.drain()
    updates = [u for u in slack.fake.calls_to("chat.update") if u["ts"] == root]
    assert updates, "the root shows the wait"
    waiting = text_of(updates[-1]["blocks"])
    slack.event(message("U0ALICE", "it was Acme, the Shanghai office", FINANCE,
                        thread_ts=root))
    before = len(updates)  # the root's update is queued after the event's ack
    wait_until(lambda: slack.drain() is not None and len(
        [u for u in slack.fake.calls_to("chat.update") if u["ts"] == root]) > before,
        what="the root's update")
    assert slack.request("FIN-1").state == "in_progress"  # type: ignore[union-attr]
    updates = [u for u in slack.fake.calls_to("chat.update") if u["ts"] == root]
    now_shown = text_of(updates[-1]["blocks"])
    assert now_shown != waiting, "the root was brought up to date"
    assert "In progress" in now_shown or "处理中" in now_shown, now_shown


def test_a_transferred_requests_old_root_says_where_it_went_and_loses_its_buttons(
        slack: SlackDesk) -> None:
    """Finance's root of a request now with IT would offer Finance buttons that only refuse:
    after the transfer it says where the request went, with no buttons."""
    root = opened(slack)
    slack.ask("U0BOB", "ack FIN-1")
    slack.drain()
    slack.ask("U0BOB", "transfer FIN-1 it account-access")
    slack.drain()
    updates = [u for u in slack.fake.calls_to("chat.update") if u["ts"] == root]
    assert updates, "the old root is rewritten"
    blocks = updates[-1]["blocks"]
    assert not [b for b in blocks if b["type"] == "actions"], "no buttons left on it"
    shown = text_of(blocks)
    assert "FIN-1" in shown, "still the request as posted"
    assert "信息" in shown or "IT" in shown, shown
    assert "转交" in shown or "Transferred" in shown, shown
    assert slack.request("FIN-1").thread_ref != root  # type: ignore[union-attr]
    (new_root,) = [p for p in with_text(slack.fake.posted(), "新请求 FIN-1")
                   if p["channel"] == "it-requests"]
    assert [b for b in new_root["blocks"] if b["type"] == "actions"], \
        "the new desk's root has its buttons"
    assert all([b for b in u["blocks"] if b["type"] == "actions"]
               for u in slack.fake.calls_to("chat.update") if u["ts"] != root)


def test_a_desk_reply_in_a_waiting_requests_thread_leaves_its_root_alone(
        slack: SlackDesk) -> None:
    """Only the requester's answer ends a wait: a desk member's comment (or anyone else's
    words) in the thread of a waiting request changes nothing the root shows, so the root is
    not rewritten; the requester's answer then brings it back to "in progress"."""
    root = opened(slack)
    slack.ask("U0BOB", "wait FIN-1 which client was it?")
    slack.drain()

    def root_updates() -> list[dict[str, Any]]:
        return [u for u in slack.fake.calls_to("chat.update") if u["ts"] == root]

    shown = len(root_updates())
    slack.event(message("U0BOB", "and the date of the trip, please", FINANCE, thread_ts=root))
    slack.event(message("U0NEWBIE", "same question here", FINANCE, thread_ts=root))
    slack.drain()
    assert slack.request("FIN-1").state == "waiting"  # type: ignore[union-attr]
    assert with_text(slack.fake.posted(ALICE_DM), "and the date of the trip"), "told"
    assert len(root_updates()) == shown, "nothing on the root changed: no chat.update"
    slack.event(message("U0ALICE", "Acme, on 3 March", FINANCE, thread_ts=root))
    # the root's update is queued after the event's ack: drain until it went out
    wait_until(lambda: slack.drain() is not None and len(root_updates()) > shown,
               what="the root's update")
    assert slack.request("FIN-1").state == "in_progress"  # type: ignore[union-attr]
    assert len(root_updates()) == shown + 1
    now_shown = text_of(root_updates()[-1]["blocks"])
    assert "In progress" in now_shown or "处理中" in now_shown, now_shown
