"""Commands waiting for a slot are served in the order they came, and a wait that runs out
leaves no trace."""

from __future__ import annotations

import threading
import time

from bot.adapters.slack.slots import FairSlots


def _waiting(slots: FairSlots) -> int:
    return len(slots._waiters)


def test_a_freed_slot_goes_to_the_longest_waiter() -> None:
    slots = FairSlots(1)
    assert slots.acquire()
    served: list[str] = []

    def wait_turn(name: str) -> None:
        assert slots.acquire(timeout=10)
        served.append(name)

    threads = []
    for n, name in enumerate("abc", start=1):
        thread = threading.Thread(target=wait_turn, args=(name,))
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + 5
        while _waiting(slots) < n and time.monotonic() < deadline:
            time.sleep(0.001)
    assert not slots.acquire(blocking=False), "a newcomer may not pass the queue"
    for expected in range(1, 4):
        slots.release()
        deadline = time.monotonic() + 5
        while len(served) < expected and time.monotonic() < deadline:
            time.sleep(0.001)
    for thread in threads:
        thread.join(5)
    assert served == ["a", "b", "c"]


def test_a_wait_that_runs_out_gives_up_its_place() -> None:
    slots = FairSlots(1)
    assert slots.acquire()
    started = time.monotonic()
    assert not slots.acquire(timeout=0.05)
    assert time.monotonic() - started >= 0.05
    assert _waiting(slots) == 0
    slots.release()
    assert slots.acquire(blocking=False), "the slot is free again, not held for a ghost"


def test_at_most_size_holders_at_once() -> None:
    slots = FairSlots(3)
    holding = 0
    most = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal holding, most
        for _ in range(50):
            assert slots.acquire(timeout=10)
            with lock:
                holding += 1
                most = max(most, holding)
            time.sleep(0.0005)
            with lock:
                holding -= 1
            slots.release()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert most == 3
    assert [slots.acquire(blocking=False) for _ in range(4)] == [True, True, True, False]


def test_a_released_slot_is_handed_over_before_a_newcomer_can_take_it() -> None:
    slots = FairSlots(1)
    assert slots.acquire()
    got: list[bool] = []
    waiter = threading.Thread(target=lambda: got.append(slots.acquire(timeout=10)))
    waiter.start()
    deadline = time.monotonic() + 5
    while _waiting(slots) < 1 and time.monotonic() < deadline:
        time.sleep(0.001)
    slots.release()
    assert not slots.acquire(blocking=False), "the newcomer barged in ahead of the waiter"
    waiter.join(5)
    assert got == [True]
