"""Request ids are PREFIX-n per department, without gaps or duplicates, even concurrently."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlmodel import Session, select

from storage.models import Request
from tests.conftest import PG_URL


def test_concurrent_opens_get_gapless_unique_numbers(desk_app, clock):
    """Eight threads open 25 requests each in two departments at once."""
    threads, per_thread = 8, 25
    errors: list[str] = []
    start = threading.Barrier(threads)

    def worker(n: int) -> None:
        start.wait()
        dept = "finance reimbursement amount=86" if n % 2 else "it laptop"
        for i in range(per_thread):
            reply = desk_app.handle("alice", f"/request {dept} t{n}-{i}",
                                    clock() + timedelta(seconds=i))
            if not reply.ok:
                errors.append(reply.text)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert errors == []
    with Session(desk_app.desk.engine) as s:
        rows = s.exec(select(Request)).all()
    by_dept: dict[str, list[int]] = {}
    for r in rows:
        by_dept.setdefault(r.department, []).append(r.number)
        assert r.ref == f"{'FIN' if r.department == 'finance' else 'IT'}-{r.number}"
    half = threads // 2 * per_thread
    assert sorted(by_dept["finance"]) == list(range(1, half + 1))
    assert sorted(by_dept["it"]) == list(range(1, half + 1))


def test_refused_open_does_not_burn_a_number(desk_app):
    desk_app.handle("alice", "/request it laptop " + "x" * 5000)
    desk_app.handle("alice", "/request it laptop ok")
    with Session(desk_app.desk.engine) as s:
        assert [r.ref for r in s.exec(select(Request))] == ["IT-1"]


def test_runs_on_configured_backend(desk_app):
    """The suite runs on PostgreSQL when CROSSDESK_TEST_DATABASE_URL is set."""
    expected = "postgresql" if PG_URL else "sqlite"
    assert desk_app.desk.engine.dialect.name == expected
