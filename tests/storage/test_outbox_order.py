"""The outbox hands out a target's rows in order, and finds them by index among thousands
(how long a claim takes as the outbox grows: bench/outbox_claim.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, insert, text
from sqlmodel import Session, select

from storage import outbox
from storage.engine import transaction
from storage.models import Outbox


def _fill(engine, now, held: int, free: int) -> None:
    """``held`` rows to #big behind a head that is waiting out a 429; ``free`` rows elsewhere."""
    rows = [{"target": "dept:big", "payload": {"text": f"big {n}"}, "created_at": now,
             "due_at": now, "attempts": 0} for n in range(held)]
    rows += [{"target": f"person:p{n}", "payload": {"text": "hi"}, "created_at": now,
              "due_at": now, "attempts": 0} for n in range(free)]
    with transaction(engine) as s:
        s.connection().execute(insert(Outbox), rows)
        head = s.exec(select(func.min(Outbox.id)).where(Outbox.target == "dept:big")).one()
        outbox.lease(s, [head], now + timedelta(minutes=1), now)  # then a 429 kept it back


def test_a_held_target_gives_out_none_of_its_rows_and_others_flow(engine, clock):
    now = clock()
    _fill(engine, now, held=3000, free=20)
    with transaction(engine) as s:
        claimed = outbox.claim_due(s, now, 50)
    assert sorted(r.target for r in claimed) == sorted(f"person:p{n}" for n in range(20))


def test_the_head_comes_back_first_and_its_followers_after_it(engine, clock):
    now = clock()
    _fill(engine, now, held=5, free=0)
    later = now + timedelta(minutes=2)
    with transaction(engine) as s:
        claimed = outbox.claim_due(s, later, 3)
    assert [r.payload["text"] for r in claimed] == ["big 0", "big 1", "big 2"]


def test_the_order_check_reads_outbox_by_index_only_on_sqlite(engine, clock):
    if engine.dialect.name != "sqlite":
        return
    now = clock()
    _fill(engine, now, held=10, free=10)
    with Session(engine) as s:
        stmt = outbox._claim_statement(now, 50)  # noqa: SLF001 - the plan of the real query
        sql = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(r[-1]) for r in s.connection().execute(
            text(f"EXPLAIN QUERY PLAN {sql}")))
    assert "SCAN outbox" not in plan and "ix_outbox_pending" in plan, plan
