"""Two sweepers at once over 1,000 due items: every reminder is delivered exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from bot.runtime.dispatch import Dispatcher
from handlers.messages import Message
from handlers.sweep import sweep
from tests.conftest import local


class Recorder:
    """Records every delivered message (thread-safe)."""

    def __init__(self) -> None:
        self.sent: list[Message] = []
        self.lock = threading.Lock()

    def send(self, message: Message, thread_ref: str | None) -> str | None:
        with self.lock:
            self.sent.append(message)
        return None


def test_two_sweepers_deliver_each_due_item_once(desk_app, clock):
    opened = local("2026-11-23T09:00")
    for i in range(1000):
        reply = desk_app.handle("henry", f"/request finance reimbursement amount=86 item {i}",
                                opened + timedelta(milliseconds=i))
        assert reply.ok
    recorder = Recorder()
    drain = Dispatcher(desk_app.desk.engine, lambda _m: Recorder(), clock, batch_size=500)
    drain.run_once()  # the "new request" notices are not what this test counts
    now = local("2026-11-23T14:45")  # every first response is 15 minutes overdue
    clock.set(now)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def sweeper() -> None:
        start.wait()
        try:
            for _ in range(3):
                sweep(desk_app.desk, now)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    dispatchers = [Dispatcher(desk_app.desk.engine, lambda _m: recorder, clock, batch_size=50)
                   for _ in range(2)]
    delivery = [threading.Thread(target=d.run_once) for d in dispatchers]
    for t in delivery:
        t.start()
    for t in delivery:
        t.join(timeout=300)
    nudges = [m for m in recorder.sent if m.kind == "nudge"]
    listed = Counter(ref for m in nudges for ref in m.extra["refs"])
    assert len(listed) == 1000
    assert set(listed.values()) == {1}
    assert [m.target for m in nudges] == ["dept:finance"]
