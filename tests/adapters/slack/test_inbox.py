"""The inbox: slash commands stored before the ack, leased by a worker, run once."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.adapters.slack import worker as worker_mod
from bot.adapters.slack import worker_host
from bot.adapters.slack.worker_host import WorkerThread
from handlers.messages import Reply
from storage import inbox
from storage.engine import transaction
from storage.models import InboxItem
from tests.adapters.slack.conftest import SlackDesk, reply_in


def stored_rows(slack: SlackDesk) -> list[InboxItem]:
    with Session(inbox.engine_for(slack.engine)) as session:
        return list(session.exec(select(InboxItem).order_by(InboxItem.id)))  # type: ignore[arg-type]


def test_a_command_held_by_a_dead_worker_runs_once_its_lease_runs_out(slack: SlackDesk) -> None:
    """A worker leased the command and died before running it: nobody runs it while the
    lease holds; afterwards it runs, is answered, and only once."""
    worker = slack.platform.worker
    assert isinstance(worker, WorkerThread)
    store = inbox.engine_for(slack.engine)
    worker.stop()  # this replica's worker is gone: the row stays where the dead one left it
    ack = slack.dispatch(slack.command_body("U0HENRY", "finance reimbursement taxi 86",
                                            probe="orphan"))
    assert ack.status == 200 and not ack.body
    with transaction(store) as session:  # the worker that died had leased it
        assert len(inbox.lease(session, slack.clock(), worker_mod.LEASE, 10)) == 1
    survivor = worker_mod.CommandWorker(slack.platform.deps, slack.platform.worker.worker.seen)
    try:
        assert survivor.run_waiting() == 0, "leased: not run again yet"
        assert slack.requests() == []
        slack.clock.set(slack.clock() + worker_mod.LEASE + timedelta(seconds=1))
        assert survivor.run_waiting() == 1
        assert "FIN-1" in slack.answer("orphan")["text"]
        assert [r.ref for r in slack.requests()] == ["FIN-1"]
        [row] = stored_rows(slack)
        assert row.done_at is not None and row.attempts == 2
        assert survivor.run_waiting() == 0, "done: never again"
    finally:
        survivor.close()


def test_a_command_run_twice_changes_the_desk_once_and_is_answered_once(
        slack: SlackDesk) -> None:
    """The worker ran the command, then died before marking it done: run again after the
    lease, it finds its delivery claimed and neither changes nor answers anything."""
    slack.ask("U0HENRY", "finance reimbursement taxi 86")
    [row] = stored_rows(slack)
    with transaction(inbox.engine_for(slack.engine)) as session:  # as if never marked done
        stored = session.get(InboxItem, row.id)
        assert stored is not None
        stored.done_at = None
        session.add(stored)
    answers_before = len(slack.fake.calls_to("response_url"))
    slack.settle()
    assert [r.ref for r in slack.requests()] == ["FIN-1"]
    assert len(slack.fake.calls_to("response_url")) == answers_before


def test_storing_a_command_does_not_wait_for_a_running_one(slack: SlackDesk) -> None:
    """The desk's database is busy with a long write: the slash command is still stored and
    acked at once (on SQLite the inbox is a file of its own), and answered afterwards."""
    holder = slack.engine.connect()
    holder.begin()  # on SQLite our engine begins IMMEDIATE: the desk's single writer lock
    if slack.engine.dialect.name == "sqlite":
        holder.exec_driver_sql("SELECT 1")
    else:
        holder.exec_driver_sql("LOCK TABLE request IN EXCLUSIVE MODE")
    try:
        started = time.monotonic()
        ack = slack.dispatch(slack.command_body("U0HENRY", "finance reimbursement taxi 86",
                                                probe="busy-db"))
        took = time.monotonic() - started
        assert ack.status == 200 and not ack.body, reply_in(ack.body) if ack.body else ""
        assert took < 1.0, f"the ack waited {took:.1f} s for the desk's lock"
        assert len(stored_rows(slack)) == 1
    finally:
        holder.rollback()
        holder.close()
    assert slack.answer("busy-db")["text"].startswith("已提交 FIN-1")


def test_done_commands_are_pruned_after_slacks_replay_window(slack: SlackDesk) -> None:
    slack.ask("U0HENRY", "finance reimbursement taxi 86")
    assert len(stored_rows(slack)) == 1
    with transaction(inbox.engine_for(slack.engine)) as session:
        assert inbox.prune(session, slack.clock() - worker_mod.KEEP_DONE) == 0
        assert inbox.prune(session, slack.clock() + timedelta(seconds=1)) == 1
    assert stored_rows(slack) == []


def test_a_stopping_worker_leaves_the_backlog_to_the_next_one(
        slack: SlackDesk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Told to stop, a worker finishes the batch in hand and no more; its last round of what
    is waiting is bounded too (a worker whose server died has nobody else to stop it). What
    it left waits in the inbox, whole, for the next worker."""
    slack.platform.worker.stop()
    waiting = worker_mod.BATCH + 8
    for n in range(waiting):
        slack.dispatch(slack.command_body("U0HENRY", f"finance reimbursement taxi {n}"))
    answered: list[str] = []

    def slow_answer(url: str, reply: Reply) -> None:
        time.sleep(0.02)
        answered.append(url)

    worker = worker_mod.CommandWorker(slack.platform.deps, slack.platform.worker.worker.seen,
                                      answer=slow_answer)
    try:
        asked = iter([False, True])
        assert worker.run_waiting(stop=lambda: next(asked)) == worker_mod.BATCH
        monkeypatch.setattr(worker_host, "STOP_SECONDS", 0.0)
        started = time.monotonic()
        worker_host.work_until(lambda: True, lambda _seconds: False, worker)
        assert time.monotonic() - started < 5.0
    finally:
        worker.close()
    assert len(answered) == worker_mod.BATCH, "the stopped worker ran only its batch"
    assert sum(row.done_at is None for row in stored_rows(slack)) == 8
    survivor = worker_mod.CommandWorker(slack.platform.deps, slack.platform.worker.worker.seen)
    try:
        assert survivor.run_waiting() == 8
    finally:
        survivor.close()
    assert len(slack.requests()) == waiting

