"""The one inbound path: a delivery's key is claimed with its change in one transaction, a
delivery seen before is answered as before and never runs twice, the answer can go to the
outbox in the same transaction, and a failure leaves neither change nor claim."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, select

from bot.runtime.app import DeskApp
from bot.runtime.clock import ManualClock
from bot.runtime.scheduler import forget_old_deliveries
from handlers.inbound import Inbound, Replayed
from handlers.messages import Message, person
from storage.models import Delivery, Outbox, Request, SeenNonce

OPEN = "/request finance reimbursement taxi 86 CNY"


def requests(app: DeskApp) -> list[str]:
    with Session(app.desk.engine) as session:
        return [r.ref for r in session.exec(select(Request).order_by(col(Request.id)))]


def outbox_targets(app: DeskApp) -> list[str]:
    with Session(app.desk.engine) as session:
        return [r.target for r in session.exec(select(Outbox).order_by(col(Outbox.id)))]


def said(key: str | None, text: str = OPEN, who: str = "henry", **kw: object) -> Inbound:
    return Inbound(platform="slack", person_id=who, text=text, delivery_key=key, **kw)  # type: ignore[arg-type]


def test_a_delivery_seen_before_is_answered_as_before_and_runs_once(desk_app: DeskApp) -> None:
    first = desk_app.run(said("trig-1"))
    again = desk_app.run(said("trig-1"))
    assert first.ok and first.request_ref == "FIN-1" and not first.repeat
    assert again.repeat and again.text == first.text, "the first answer, word for word"
    assert requests(desk_app) == ["FIN-1"]
    assert outbox_targets(desk_app).count("dept:finance") == 1, "notified once"


def test_a_redelivered_ack_gets_its_first_answer_not_already_acknowledged(
        desk_app: DeskApp) -> None:
    """The key is claimed last: the redelivery runs into the state its first run left
    (already acknowledged), is rolled back whole, and is given the first answer."""
    desk_app.run(said("t-open"))
    first = desk_app.run(said("t-ack", "/request ack FIN-1", who="bob"))
    again = desk_app.run(said("t-ack", "/request ack FIN-1", who="bob"))
    assert first.ok and again.ok and again.repeat and again.text == first.text
    with Session(desk_app.desk.engine) as session:
        kinds = session.exec(text("SELECT kind FROM event ORDER BY id")).scalars().all()
    assert kinds.count("acknowledged") == 1, kinds


def test_keys_are_per_platform_and_a_new_key_runs(desk_app: DeskApp) -> None:
    desk_app.run(said("same"))
    other_platform = Inbound(platform="wecom", person_id="henry", text=OPEN,
                             delivery_key="same")
    assert not desk_app.run(other_platform).repeat
    assert not desk_app.run(said("different")).repeat
    assert requests(desk_app) == ["FIN-1", "FIN-2", "FIN-3"]


def test_a_refusal_is_remembered_too(desk_app: DeskApp) -> None:
    desk_app.run(said("t-open"))
    refused = desk_app.run(said("t-ack", "/request ack FIN-1"))  # henry is no Finance member
    assert not refused.ok
    desk_app.run(said(None, "/request ack FIN-1", who="bob"))
    again = desk_app.run(said("t-ack", "/request ack FIN-1"))
    assert again.repeat and again.text == refused.text and not again.ok


def test_a_failed_transaction_leaves_no_claim_and_a_retry_runs(desk_app: DeskApp) -> None:
    engine = desk_app.desk.engine
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE department_counter RENAME TO counter_away"))
    try:
        failed = desk_app.run(said("trig-x"))
    finally:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE counter_away RENAME TO department_counter"))
    assert not failed.ok and "稍后再试" in failed.text
    with Session(engine) as session:
        assert session.exec(select(Delivery)).all() == [], "rolled back with the change"
    retried = desk_app.run(said("trig-x"))
    assert retried.ok and not retried.repeat and requests(desk_app) == ["FIN-1"]


def test_the_answer_goes_to_the_outbox_in_the_same_transaction(desk_app: DeskApp) -> None:
    greyed = Message(text="card", target=person("henry"), kind="card_update",
                     extra={"via": "wecom"})
    reply = desk_app.run(said("m-1", answer_to=person("henry"), via="wecom",
                              on_success=(greyed,)))
    assert len(reply.answer_rows) == 2
    with Session(desk_app.desk.engine) as session:
        rows = [session.get(Outbox, i) for i in reply.answer_rows]
    assert [r.target for r in rows if r] == ["person:henry", "person:henry"]
    assert rows[0] is not None and rows[0].payload["extra"]["via"] == "wecom"
    assert "FIN-1" in rows[0].payload["text"]
    assert rows[1] is not None and rows[1].payload["kind"] == "card_update"
    again = desk_app.run(said("m-1", answer_to=person("henry"), via="wecom"))
    assert again.repeat and again.answer_rows == (), "a redelivery writes no second answer"


def test_a_failed_command_sends_only_its_answer(desk_app: DeskApp) -> None:
    greyed = Message(text="card", target=person("henry"), kind="card_update")
    reply = desk_app.run(said("m-2", "/request ack FIN-9", answer_to=person("henry"),
                              on_success=(greyed,)))
    assert not reply.ok and len(reply.answer_rows) == 1


def test_a_chat_message_that_is_no_command_gets_the_help(desk_app: DeskApp) -> None:
    reply = desk_app.run(said("m-3", "hello there", chat=True))
    assert reply.messages[0].kind == "help" and "/request" in reply.text
    plain = desk_app.run(said("m-4", "hello there"))
    assert plain.messages[0].kind == "error"


def test_two_deliveries_of_one_key_at_once_run_once(desk_app: DeskApp) -> None:
    """Two replicas (threads here) take the same delivery at the same moment."""
    replies = []
    start = threading.Barrier(4)

    def deliver() -> None:
        start.wait()
        replies.append(desk_app.run(said("race")))

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert requests(desk_app) == ["FIN-1"]
    assert sorted(r.repeat for r in replies) == [False, True, True, True]
    assert len({r.text for r in replies}) == 1


def test_a_long_key_is_claimed_hashed(desk_app: DeskApp) -> None:
    assert not desk_app.run(said("k" * 500)).repeat
    assert desk_app.run(said("k" * 500)).repeat
    assert not desk_app.run(said("k" * 499 + "x")).repeat


def test_old_claims_are_forgotten_by_the_sweep(desk_app: DeskApp, clock: ManualClock) -> None:
    desk_app.run(said("old"))
    clock.set(clock() + timedelta(days=2))
    desk_app.run(said("new"))
    assert forget_old_deliveries(desk_app, clock()) == 1
    with Session(desk_app.desk.engine) as session:
        assert [d.key for d in session.exec(select(Delivery))] == ["slack:new"]


def test_a_replayed_nonce_is_refused_in_the_commands_transaction(desk_app: DeskApp) -> None:
    assert desk_app.run(said("trig-n1", nonce="n-1")).request_ref == "FIN-1"
    with pytest.raises(Replayed):  # the same request again, even as another delivery
        desk_app.run(said("trig-n2", nonce="n-1"))
    assert requests(desk_app) == ["FIN-1"]
    assert desk_app.run(said("trig-n1", nonce="n-2")).repeat, "a retry: new nonce, same key"


def test_old_nonces_are_forgotten_by_the_sweep(desk_app: DeskApp, clock: ManualClock) -> None:
    desk_app.run(said("k-old", nonce="old"))
    clock.set(clock() + timedelta(days=2))
    desk_app.run(said("k-new", nonce="new"))
    forget_old_deliveries(desk_app, clock())
    with Session(desk_app.desk.engine) as session:
        assert [n.nonce for n in session.exec(select(SeenNonce))] == ["new"]
