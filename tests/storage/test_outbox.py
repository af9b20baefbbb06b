"""The outbox: written with the change, delivered once, retried with backoff, never dropped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from bot.runtime.dispatch import DeliveryError, Dispatcher, backoff
from handlers import requests as request_handlers
from handlers.messages import Message
from storage.models import Event, Outbox, Request


class RecordingSender:
    """A fake platform that records messages and can fail on demand."""

    def __init__(self, fail_times: int = 0, retry_after: float | None = None) -> None:
        self.sent: list[tuple[Message, str | None]] = []
        self.fail_times = fail_times
        self.retry_after = retry_after

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        if self.fail_times > 0:
            self.fail_times -= 1
            raise DeliveryError("503 from platform", self.retry_after)
        self.sent.append((message, thread_ref))
        return f"ts-{len(self.sent)}"


def rows(app) -> list[Outbox]:
    with Session(app.desk.engine) as s:
        return list(s.exec(select(Outbox).order_by(col(Outbox.id))))


def test_open_queues_channel_and_requester_rows_in_same_transaction(desk_app):
    desk_app.handle("alice", "/request it laptop broken")
    targets = [r.target for r in rows(desk_app)]
    assert targets == ["dept:it", "person:alice"]


def test_failing_change_leaves_no_outbox_row(desk_app, monkeypatch):
    """A crash after notifications were queued rolls back the request and its notifications."""
    real = request_handlers.notices.opened_to_requester

    def explode(ctx, request):
        real(ctx, request)
        raise RuntimeError("disk full")

    monkeypatch.setattr(request_handlers.notices, "opened_to_requester", explode)
    with pytest.raises(RuntimeError):
        desk_app.handle("alice", "/request it laptop broken")
    with Session(desk_app.desk.engine) as s:
        assert s.exec(select(Outbox)).all() == []
        assert s.exec(select(Request)).all() == []
        assert s.exec(select(Event)).all() == []


def test_failing_sender_keeps_row_and_retries_with_backoff(desk_app, clock):
    desk_app.handle("alice", "/request it laptop broken")
    sender = RecordingSender(fail_times=2)
    dispatcher = Dispatcher(desk_app.desk.engine, lambda _m: sender, clock)
    first = dispatcher.run_once()
    assert (first.delivered, first.failed) == (0, 2)
    pending = rows(desk_app)
    assert all(r.delivered_at is None and r.attempts == 1 for r in pending)
    assert all(r.due_at == clock() + timedelta(seconds=30) for r in pending)
    assert "503" in (pending[0].last_error or "")
    # not due yet: nothing happens
    assert dispatcher.run_once().delivered == 0
    clock.set(clock() + timedelta(seconds=31))
    assert dispatcher.run_once().delivered == 2
    assert dispatcher.run_once().delivered == 0
    assert len(sender.sent) == 2


def test_retry_after_from_platform_is_honoured(desk_app, clock):
    desk_app.handle("alice", "/request it laptop broken")
    sender = RecordingSender(fail_times=1, retry_after=120)
    Dispatcher(desk_app.desk.engine, lambda _m: sender, clock, batch_size=1).run_once(max_batches=1)
    assert rows(desk_app)[0].due_at == clock() + timedelta(seconds=120)


def test_backoff_doubles_and_caps():
    assert [backoff(n, None).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(20, None) == timedelta(hours=1)


def test_thread_reference_is_stored_and_used_for_later_messages(desk_app, clock):
    sender = RecordingSender()
    dispatcher = Dispatcher(desk_app.desk.engine, lambda _m: sender, clock)
    desk_app.handle("alice", "/request it laptop broken")
    dispatcher.run_once()
    desk_app.handle("dave", "/request ack IT-1")
    dispatcher.run_once()
    channel = [(m.text, ref) for m, ref in sender.sent if m.target == "dept:it"]
    assert channel[0][1] is None  # the root message starts the thread
    assert channel[1][1] == "ts-1"  # the acknowledgement is a reply in that thread
    with Session(desk_app.desk.engine) as s:
        request = s.exec(select(Request)).one()
        assert request.thread_ref == "ts-1"


def test_dedupe_key_makes_enqueue_idempotent(engine, clock):
    from storage import outbox

    with Session(engine) as s:
        assert outbox.enqueue(s, "person:a", {"text": "x"}, clock(), dedupe_key="k1")
        assert not outbox.enqueue(s, "person:a", {"text": "x"}, clock(), dedupe_key="k1")
        s.commit()
        assert len(s.exec(select(Outbox)).all()) == 1


class SenderWhileTheDatabaseGoes(RecordingSender):
    """Sends; while sending, the outbox table becomes unreachable (renamed away), as when the
    database goes down between a send and its record."""

    def __init__(self, engine) -> None:
        super().__init__()
        self.engine = engine

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        ref = super().send(message, thread_ref)
        if len(self.sent) == 1:
            with self.engine.begin() as conn:
                conn.exec_driver_sql("ALTER TABLE outbox RENAME TO outbox_away")
        return ref


def test_a_send_the_database_could_not_record_is_recorded_when_it_is_back(desk_app, clock):
    """Sent, then the database went away before the record: the next run records it (no
    second send, and no waiting five minutes for the lease)."""
    engine = desk_app.desk.engine
    desk_app.handle("alice", "/request it laptop broken")
    sender = SenderWhileTheDatabaseGoes(engine)
    dispatcher = Dispatcher(engine, lambda _m: sender, clock)
    with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises for a lost table
        dispatcher.run_once()
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE outbox_away RENAME TO outbox")
    assert all(r.delivered_at is None for r in rows(desk_app))
    stats = dispatcher.run_once()  # same moment: the lease has not run out
    assert stats.delivered == 2
    assert all(r.delivered_at is not None for r in rows(desk_app))
    assert len(sender.sent) == 2, "each message sent once"
