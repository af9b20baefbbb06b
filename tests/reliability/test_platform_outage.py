"""Scenario 2: Slack fails for two minutes (first 500s, then 429 with Retry-After), then
recovers; meanwhile people keep working. Every queued message arrives, in order per request
thread and per person, none lost, none doubled, and the dispatcher backs off meanwhile.

Driven in-process: bot.runtime.dispatch.Dispatcher with a ManualClock and the real Slack sender
against the local Web API stand-in (the SlackDesk rig of tests/adapters/slack), one
dispatcher pass per simulated second, as ``dispatch_seconds = 1`` would run it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from bot.adapters.slack.blocks import fallback_text
from bot.runtime.app import DeskApp
from handlers.messages import Message
from storage.models import Outbox, Person, Request
from tests.adapters.slack.conftest import SlackDesk
from tests.reliability.conftest import pg_only, report

pytestmark = pg_only

OUTAGE_500 = 60        # seconds of HTTP 500 from every Web API method
OUTAGE_429 = 60        # then seconds of 429 with Retry-After
RETRY_AFTER = 7
DRAIN_LIMIT = 900      # simulated seconds allowed after recovery
SIDE_METHODS = ("chat.postMessage", "chat.update", "chat.getPermalink")

# (department, category, staff) per story; requesters rotate.
DESKS = [("finance", "reimbursement amount=86", "bob"),  # its form needs the amount
         ("it", "laptop", "kevin"),
         ("hr", "training", "nick"), ("admin", "travel", "mia"),
         ("logistics", "shipment", "leo")]
REQUESTERS = ["alice", "henry", "emma", "grace", "ivan", "jack", "kate"]
STORIES = 30
STEPS = [(0, "open"), (5, "ack"), (9, "comment"), (14, "resolve"), (21, "confirm")]


def schedule() -> list[tuple[int, int, int, str]]:
    """(second, story, step, what): stories start every 4 s from 20 s before the outage."""
    out = []
    for story in range(STORIES):
        start = -20 + 4 * story
        out += [(start + offset, story, n, what) for n, (offset, what) in enumerate(STEPS)]
    return sorted(out)


class Traffic:
    """People using the desk while Slack is away (commands straight into DeskApp.handle)."""

    def __init__(self, app: DeskApp) -> None:
        self.app = app
        self.refs: dict[int, str] = {}
        self.refused: list[tuple[str, str, str]] = []

    def run(self, story: int, what: str) -> None:
        dep, cat, staff = DESKS[story % len(DESKS)]
        requester = REQUESTERS[story % len(REQUESTERS)]
        ref = self.refs.get(story, "")
        actor, line = {
            "open": (requester, f"/request {dep} {cat} story {story} 第{story}号"),
            "ack": (staff, f"/request ack {ref}"),
            "comment": (requester, f"/request comment {ref} note {story} from the requester"),
            "resolve": (staff, f"/request resolve {ref} done for story {story}"),
            "confirm": (requester, f"/request confirm {ref}"),
        }[what]
        reply = self.app.handle(actor, line)
        if what == "open" and reply.request_ref:
            self.refs[story] = reply.request_ref
        if not reply.ok:
            self.refused.append((actor, line, reply.text))


def expected_by_channel(slack: SlackDesk) -> dict[str, list[tuple[int, str, str | None]]]:
    """Slack channel → [(outbox id, fallback text, request ref)] in outbox order."""
    with Session(slack.engine) as session:
        rows = list(session.exec(select(Outbox).order_by(col(Outbox.id))))
        slack_ids = {p.id: p.slack_id for p in session.exec(select(Person))}
    channels = slack.platform.config.channels
    out: dict[str, list[tuple[int, str, str | None]]] = defaultdict(list)
    for row in rows:
        message = Message.from_dict(row.payload)
        if message.kind in ("root_update", "settle"):  # chat.update of earlier posts, no post
            continue
        kind, who = message.target_kind, message.target_id
        channel = channels[who] if kind == "dept" else str(slack_ids[who])
        assert row.id is not None
        out[slack.fake.channel_id(channel)].append((row.id, fallback_text(message),
                                                    message.request_ref))
    return out


def test_slack_outage_then_recovery_loses_nothing_doubles_nothing_keeps_order(
        slack: SlackDesk, desk_app: DeskApp) -> None:
    fake, clock = slack.fake, slack.clock
    traffic = Traffic(desk_app)
    start = clock()
    second = -20
    calls_at: dict[str, int] = {}
    phases: list[tuple[int, Callable[[], None], str]] = [
        (0, lambda: setattr(fake, "down_status", 500), "outage_500"),
        (OUTAGE_500, lambda: _rate_limited(fake), "outage_429"),
        (OUTAGE_500 + OUTAGE_429, fake.recover, "recovered"),
    ]
    plan = schedule()
    backlog_peak = 0
    while True:
        now = start + timedelta(seconds=second)
        clock.set(now)
        for at, switch, name in phases:
            if at == second:
                switch()
                calls_at[name] = len(fake.calls_to("chat.postMessage"))
                calls_at[f"{name}_accepted"] = len(fake.posted())
        while plan and plan[0][0] <= second:
            _, story, _, what = plan.pop(0)
            traffic.run(story, what)
        slack.deliver()
        pending = len(slack.pending())
        backlog_peak = max(backlog_peak, pending)
        if second == OUTAGE_500 + OUTAGE_429 - 1:
            calls_at["end_of_outage"] = len(fake.calls_to("chat.postMessage"))
            assert pending > 0
            assert len(fake.posted()) == calls_at["outage_500_accepted"], \
                "nothing got through the outage"
        if second >= OUTAGE_500 + OUTAGE_429 and not plan and not pending:
            break
        assert second < OUTAGE_500 + OUTAGE_429 + DRAIN_LIMIT, f"{pending} still undelivered"
        second += 1
    drained_after = second - (OUTAGE_500 + OUTAGE_429)

    assert not traffic.refused, traffic.refused[:3]
    expected = expected_by_channel(slack)
    posted = fake.posted()
    attempts_500 = calls_at["outage_429"] - calls_at["outage_500"]
    attempts_429 = calls_at["end_of_outage"] - calls_at["outage_429"]
    report("scenario 2: Slack outage (500 then 429) and recovery",
           simulated_outage_seconds=OUTAGE_500 + OUTAGE_429,
           messages_queued=sum(len(v) for v in expected.values()),
           backlog_peak=backlog_peak, channels=len(expected),
           post_attempts_during_500=attempts_500, post_attempts_during_429=attempts_429,
           seconds_to_drain_after_recovery=drained_after,
           accepted_posts=len(posted))

    # none lost, none doubled: the same (channel, text) multiset on both sides
    want = Counter((ch, text) for ch, rows in expected.items() for _, text, _ in rows)
    got = Counter((fake.channel_id(str(p["channel"])), str(p["text"])) for p in posted)
    assert got == want

    # in order per person and per request thread
    for channel, rows in expected.items():
        texts = [str(p["text"]) for p in posted if fake.channel_id(str(p["channel"])) == channel]
        if channel.startswith("D"):
            assert texts == [text for _, text, _ in rows], f"DMs to {channel} out of order"
            continue
        for ref in {r for _, _, r in rows}:
            _assert_thread(slack, channel, ref, [t for _, t, r in rows if r == ref], posted)

    # the dispatcher backed off instead of hammering Slack: per conversation, 500s back off
    # 15 s doubling and 429s wait Retry-After
    conversations = len(expected)
    assert attempts_500 <= conversations * 4
    assert attempts_429 <= conversations * (OUTAGE_429 // RETRY_AFTER + 2)


def _rate_limited(fake: Any) -> None:
    fake.down_status = None
    for method in SIDE_METHODS:
        fake.fail(method, 429, times=10**6, retry_after=RETRY_AFTER)


def _assert_thread(slack: SlackDesk, channel: str, ref: str | None, texts: list[str],
                   posted: list[dict[str, Any]]) -> None:
    """The request's root came first, then its replies in its thread, in outbox order."""
    request = slack.request(str(ref))
    assert isinstance(request, Request) and request.thread_ref
    in_channel = [p for p in posted if slack.fake.channel_id(str(p["channel"])) == channel]
    thread = [p for p in in_channel
              if p.get("thread_ts") == request.thread_ref or str(p["text"]) == texts[0]]
    assert [str(p["text"]) for p in thread] == texts, f"{ref}: thread out of order"
    assert "thread_ts" not in thread[0], f"{ref}: the root was posted as a reply"
    assert all(p.get("thread_ts") == request.thread_ref for p in thread[1:]), \
        f"{ref}: a reply was posted outside the request's thread"
