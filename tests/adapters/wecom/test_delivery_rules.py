"""WeCom delivery rules: one member's messages keep their order, refusals for good are not
retried (the admins hear of them once), a rejected token is refreshed once per call, and
pacing is counted in the database so every replica shares it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.adapters.wecom import WeComPlatform, build_wecom
from bot.adapters.wecom.client import WeComClient
from bot.adapters.wecom.token_store import DatabaseStorage
from bot.runtime.dispatch import Dispatcher, DispatchStats
from handlers.messages import Message
from storage import outbox
from storage.engine import reader_for, transaction
from storage.models import Outbox, PlatformToken
from tests.adapters.wecom.conftest import AGENT_ID, CORP_ID, WeCom, outbox_rows


def queue(wecom: WeCom, *texts: str, target: str = "person:bob") -> None:
    with transaction(wecom.app.desk.engine) as s:
        for text in texts:
            outbox.enqueue(s, target, Message(text=text, target=target).to_dict(), wecom.clock())


def texts_to(wecom: WeCom, userid: str) -> list[str]:
    return wecom.replies_to(userid)


def dispatch(wecom: WeCom, platform: WeComPlatform | None = None, **kw: int) -> DispatchStats:
    sender = (platform or wecom.platform).sender
    batch = kw.pop("batch_size", 50)
    return Dispatcher(wecom.app.desk.engine, lambda _m: sender, wecom.clock, batch_size=batch,
                      policy=wecom.app.desk.policy).run_once(**kw)


def later(wecom: WeCom, seconds: float) -> None:
    wecom.clock.set(wecom.clock() + timedelta(seconds=seconds))


@pytest.fixture
def replica(wecom: WeCom, settings, wecom_env) -> Iterator[WeComPlatform]:
    """A second serving process on the same database and WeCom app."""
    other = build_wecom(wecom.app, settings, api_base_url=wecom.api.base_url, environ=wecom_env)
    yield other
    other.stop()


# --- order


def test_a_busy_answer_holds_the_members_later_messages_in_their_order(wecom):
    queue(wecom, "1 opened", "2 acknowledged")
    wecom.api.fail("message/send", -1, errmsg="system busy")  # no wait given
    stats = dispatch(wecom)
    assert stats.delivered == 0, "the second message must not overtake the first"
    later(wecom, 31)
    dispatch(wecom)
    assert texts_to(wecom, "zhangwei") == ["1 opened", "2 acknowledged"]


def test_a_rate_limited_message_is_not_overtaken_by_a_newer_one_on_another_replica(
        wecom, replica):
    queue(wecom, "1 opened")
    wecom.api.fail("message/send", 45009, errmsg="api freq out of limit")
    assert dispatch(wecom).failed == 1
    later(wecom, 5)
    queue(wecom, "2 acknowledged")  # due now, while the first waits for 55 s more
    assert dispatch(wecom, replica).delivered == 0
    assert texts_to(wecom, "zhangwei") == []
    later(wecom, 56)
    dispatch(wecom, replica)
    assert texts_to(wecom, "zhangwei") == ["1 opened", "2 acknowledged"]


def test_a_message_scheduled_for_later_does_not_hold_newer_ones(wecom):
    with transaction(wecom.app.desk.engine) as s:
        outbox.enqueue(s, "person:bob", Message(text="tomorrow", target="person:bob").to_dict(),
                       wecom.clock(), due_at=wecom.clock() + timedelta(hours=20))
    queue(wecom, "now")
    assert dispatch(wecom).delivered == 1
    assert texts_to(wecom, "zhangwei") == ["now"]


# --- refusals for good


def refused(wecom: WeCom) -> list[Outbox]:
    return [r for r in outbox_rows(wecom.app) if r.failed_at is not None]


def notices_to_admin(wecom: WeCom) -> list[str]:
    return [t for t in texts_to(wecom, "root") if "not be retried" in t]


def test_content_too_long_fails_the_row_once_and_later_messages_still_go(wecom):
    queue(wecom, "1 too long for WeCom", "2 fine")
    wecom.api.fail("message/send", 40058, errmsg="content exceed max length")
    stats = dispatch(wecom)
    assert (stats.delivered, stats.refused) == (2, 1)  # "2 fine" and the admin's notice
    assert texts_to(wecom, "zhangwei") == ["2 fine"]
    [row] = refused(wecom)
    assert row.failed_reason == "wecom:40058" and "40058" in (row.last_error or "")
    [notice] = notices_to_admin(wecom)
    assert "person:bob" in notice and "wecom:40058" in notice
    later(wecom, 7200)
    assert dispatch(wecom).delivered == 0, "never tried again"
    assert len(wecom.api.to("message/send")) == 3
    assert len(notices_to_admin(wecom)) == 1, "the admins hear of it once"


def test_no_recipient_in_the_visible_range_is_a_refusal_for_good(wecom):
    wecom.api.invalid_users.add("zhangwei")
    queue(wecom, "hello")
    dispatch(wecom)
    [row] = refused(wecom)
    assert row.failed_reason == "wecom:81013"
    later(wecom, 3600)
    dispatch(wecom)
    assert len([c for c in wecom.api.to("message/send")
                if c.body and c.body.get("touser") == "zhangwei"]) == 1


def test_a_refused_notice_to_the_admins_causes_no_other(wecom):
    wecom.api.invalid_users.update({"zhangwei", "root"})
    queue(wecom, "hello")
    for _ in range(3):
        dispatch(wecom)
        later(wecom, 60)
    rows = outbox_rows(wecom.app)
    assert [r.target for r in rows] == ["person:bob", "person:root"]
    assert all(r.failed_reason == "wecom:81013" for r in rows)


def test_the_admins_notice_is_written_in_their_language(wecom):
    queue(wecom, "hello")
    wecom.api.fail("message/send", 40058)
    dispatch(wecom)
    [notice] = [t for t in texts_to(wecom, "root") if "person:bob" in t]
    assert notice.startswith("⚠️ A message could not be delivered")  # root reads English


# --- the access token


def test_a_token_wecom_keeps_refusing_is_refreshed_once_and_the_message_waits(wecom):
    wecom.api.refuse_tokens(42001)
    queue(wecom, "hello")
    stats = dispatch(wecom)
    assert len(wecom.api.to("gettoken")) <= 2, "one refresh, not one per retry"
    assert len(wecom.api.to("message/send")) <= 2, "one more try, not a loop"
    assert (stats.delivered, stats.failed, stats.refused) == (0, 1, 0)
    [row] = outbox_rows(wecom.app)
    assert row.delivered_at is None and row.failed_at is None, "waits in the outbox"
    assert "42001" in (row.last_error or "")
    wecom.api.refuse_tokens(None)
    later(wecom, 31)
    assert dispatch(wecom).delivered == 1
    assert texts_to(wecom, "zhangwei") == ["hello"]


def test_an_expired_token_is_replaced_once_and_the_call_goes_through(wecom):
    queue(wecom, "first")
    dispatch(wecom)
    wecom.api.fail("message/send", 40014, errmsg="invalid access_token")
    queue(wecom, "second")
    assert dispatch(wecom).delivered == 1
    assert len(wecom.api.to("gettoken")) == 2
    assert texts_to(wecom, "zhangwei") == ["first", "second"]


def test_a_short_lived_token_is_used_not_stored_as_expired(wecom):
    wecom.api.token_lifetime = 120  # shorter than the five-minute safety margin
    queue(wecom, "one", "two", "three")
    assert dispatch(wecom).delivered == 3
    assert len(wecom.api.to("gettoken")) == 1
    tokens = {c.query.get("access_token") for c in wecom.api.to("message/send")}
    assert tokens == {"TOKEN-1"}


def test_the_stored_tokens_key_names_corp_and_app_and_holds_no_secret(wecom):
    engine = wecom.app.desk.engine
    store = DatabaseStorage(engine, wecom.clock, reader_for(engine))
    secret = "Zq8sV1-very-secret-value"
    client = WeComClient(CORP_ID, secret, session=store, api_base_url=wecom.api.base_url,
                         agent_id=AGENT_ID)
    try:
        client.user.get("newbie")
        store.flush()
    finally:
        client.close()
    with Session(engine) as s:
        [row] = s.exec(select(PlatformToken)).all()
    assert CORP_ID in row.key and str(AGENT_ID) in row.key
    assert not any(secret[:n] in row.key for n in range(3, len(secret) + 1))


# --- pacing shared by replicas


def test_two_replicas_send_at_most_29_a_minute_to_one_member_in_order(wecom, replica):
    texts = [f"reminder {n:02d}" for n in range(40)]
    queue(wecom, *texts)
    for _ in range(4):  # the replicas take turns, ten rows a pass
        for platform in (wecom.platform, replica):
            dispatch(wecom, platform, batch_size=10, max_batches=1)
    assert len(texts_to(wecom, "zhangwei")) == 29, "WeCom drops what exceeds 30 a minute"
    for _ in range(3):
        later(wecom, 61)
        for platform in (wecom.platform, replica):
            dispatch(wecom, platform, batch_size=10)
    assert texts_to(wecom, "zhangwei") == texts, "the rest later, in order, none lost or twice"


class Killed(BaseException):
    """The process died (SIGKILL): nothing after this point runs, nothing is recorded."""


class Racing:
    """A replica's real sender; just before its first send, ``meanwhile`` runs: another
    replica's pass at the same moment. ``die``: the process is killed right after its send
    went out, before the outcome is recorded."""

    def __init__(self, platform: WeComPlatform, meanwhile: Callable[[], object] | None = None,
                 die: bool = False) -> None:
        self.sender = platform.sender
        self.meanwhile = meanwhile
        self.die = die

    def pace(self, session: Session, messages: list[Message], now: datetime) -> list[Any]:
        return self.sender.pace(session, messages, now)

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        if self.meanwhile is not None:
            run, self.meanwhile = self.meanwhile, None
            run()
        ref = self.sender.send(message, thread_ref)
        if self.die:
            raise Killed
        return ref


def fill_minute(wecom: WeCom, sends: int) -> None:
    queue(wecom, *[f"earlier {n:02d}" for n in range(sends)])
    dispatch(wecom)
    assert len(texts_to(wecom, "zhangwei")) == sends


def answer_row(wecom: WeCom, text: str) -> int:
    with transaction(wecom.app.desk.engine) as s:
        return outbox.add_answer(s, "person:bob", Message(text=text, target="person:bob").to_dict(),
                                 wecom.clock())


def test_two_replicas_sending_at_the_same_moment_share_the_last_slot_of_the_minute(
        wecom, replica):
    fill_minute(wecom, 28)  # one slot left under 29 a minute
    queue(wecom, "a notice")  # replica B's pass sends it …
    answer = answer_row(wecom, "your answer")  # … while replica A sends this answer
    engine, clock = wecom.app.desk.engine, wecom.clock
    other = Dispatcher(engine, lambda _m: Racing(replica), clock)
    first = Dispatcher(engine, lambda _m: Racing(wecom.platform, other.run_once), clock)
    first.deliver([answer])
    assert len(texts_to(wecom, "zhangwei")) == 29, "WeCom drops what exceeds 30 a minute"
    later(wecom, 61)
    dispatch(wecom, replica)
    assert sorted(texts_to(wecom, "zhangwei")[28:]) == ["a notice", "your answer"]


def test_a_replica_killed_after_sending_has_its_send_counted_and_resends_it_once(
        wecom, replica):
    fill_minute(wecom, 28)
    queue(wecom, "a notice")
    engine, clock = wecom.app.desk.engine, wecom.clock
    with pytest.raises(Killed):  # the notice went out; its outcome was never recorded
        Dispatcher(engine, lambda _m: Racing(wecom.platform, die=True), clock).run_once()
    answer = answer_row(wecom, "your answer")
    Dispatcher(engine, lambda _m: replica.sender, clock).deliver([answer])
    assert len(texts_to(wecom, "zhangwei")) == 29, "the dead replica's send still counts"
    later(wecom, 5 * 60)  # its lease ends: the notice goes again (once), then the answer
    dispatch(wecom, replica)
    assert texts_to(wecom, "zhangwei")[28:] == ["a notice", "a notice", "your answer"]
