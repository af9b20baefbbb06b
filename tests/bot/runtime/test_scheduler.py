"""The APScheduler wiring: jobs run sweeps and deliveries in the background, and stop cleanly."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from bot.runtime.dispatch import Dispatcher
from bot.runtime.scheduler import Scheduler, tick
from handlers.messages import Message
from storage import outbox
from storage.engine import transaction
from tests.conftest import local


class Recorder:
    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        self.sent.append(message)
        return None


def test_scheduler_sweeps_at_start_and_delivers_then_shuts_down(desk_app, clock):
    desk_app.handle("henry", "/request finance reimbursement taxi 86 CNY")
    clock.set(local("2026-11-23T15:00"))  # the first response is overdue
    recorder = Recorder()
    scheduler = Scheduler(desk_app, Dispatcher(desk_app.desk.engine, lambda _m: recorder, clock),
                          sweep_seconds=3600, dispatch_seconds=3600)
    scheduler.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(m.kind == "nudge" for m in recorder.sent):
            time.sleep(0.05)
        assert scheduler.alive()
    finally:
        scheduler.shutdown()
    assert not scheduler.alive()
    kinds = [m.kind for m in recorder.sent]
    assert "new_request" in kinds and "nudge" in kinds


def test_tick_sweeps_then_dispatches_once(desk_app, clock):
    desk_app.handle("henry", "/request finance reimbursement taxi 86 CNY")
    recorder = Recorder()
    dispatcher = Dispatcher(desk_app.desk.engine, lambda _m: recorder, clock)
    clock.set(local("2026-11-23T15:00"))
    first = tick(desk_app, dispatcher)
    # two on open and the nudge; no weekly digest (due Monday 09:30): the request is this
    # week's, and last week Finance had nothing to report
    assert first.sweep.claimed >= 1 and first.dispatch.delivered == 3
    assert [m.kind for m in recorder.sent][-1:] == ["nudge"]
    again = tick(desk_app, dispatcher)
    assert again.sweep.claimed == 0 and again.dispatch.delivered == 0


class Holding(Recorder):
    """A platform that holds its first send until released (a slow API call)."""

    def __init__(self) -> None:
        super().__init__()
        self.sending = threading.Event()
        self.release = threading.Event()

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        if not self.sent:
            self.sending.set()
            self.release.wait(10)
        return super().send(message, thread_ref)


def queue(desk_app, clock, text: str) -> None:
    with transaction(desk_app.desk.engine) as session:
        outbox.enqueue(session, "person:henry", Message(text=text).to_dict(), clock())


@contextmanager
def holding_pass(desk_app, clock) -> Iterator[tuple[Scheduler, Holding]]:
    """A running scheduler whose pass is held sending "first"; "second" is queued meanwhile.
    Leaving it releases the send and waits (5 s at most) for both to be delivered."""
    platform = Holding()
    scheduler = Scheduler(desk_app, Dispatcher(desk_app.desk.engine, lambda _m: platform, clock),
                          sweep_seconds=3600, dispatch_seconds=3600)
    scheduler.start()
    try:
        time.sleep(0.5)  # the start-up sweep and its pass (nothing to send)
        queue(desk_app, clock, "first")
        for _ in range(50):
            scheduler.kick()
        assert platform.sending.wait(5), "a kick starts a pass at once"
        queue(desk_app, clock, "second")  # queued while the pass is busy sending
        yield scheduler, platform
        platform.release.set()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(platform.sent) < 2:
            time.sleep(0.02)
    finally:
        scheduler.shutdown()


def test_a_kick_delivers_soon_and_one_during_a_pass_makes_it_go_again(desk_app, clock):
    """Commands wake the dispatcher (no waiting for its interval); many wake-ups share one
    pass, and rows queued while a pass sends are delivered by a rerun, not an hour later."""
    with holding_pass(desk_app, clock) as (scheduler, platform):
        scheduler.kick()
    assert [m.text for m in platform.sent] == ["first", "second"]


def test_the_dispatch_job_firing_during_a_long_pass_is_no_warning(desk_app, clock, caplog):
    """In a burst a pass can outlast the next run APScheduler has on its list (the interval,
    or a kick's): that run gives its turn to the pass going on, and the log stays quiet."""
    with (holding_pass(desk_app, clock) as (scheduler, platform),
          caplog.at_level("WARNING", logger="apscheduler")):
        for _ in range(3):  # the job comes round while the pass still sends
            scheduler.scheduler.modify_job("dispatch", next_run_time=datetime.now(UTC))
            time.sleep(0.3)
    assert [m.text for m in platform.sent] == ["first", "second"]
    assert not [r for r in caplog.records if "skipped" in r.getMessage()]
