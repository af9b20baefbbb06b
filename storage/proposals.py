"""Proposals of a new date or solution for a request: lookups and the digest's counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from storage.models import Proposal, Request

PENDING = "pending"


def pending(session: Session, request_id: int) -> Proposal | None:
    """The proposal waiting for an answer on a request (one at most), if any."""
    stmt = (select(Proposal).where(Proposal.request_id == request_id, Proposal.state == PENDING)
            .order_by(col(Proposal.id).desc()).limit(1))
    return session.exec(stmt).first()


def pending_kinds(session: Session, request_ids: Collection[int]) -> dict[int, str]:
    """``pending`` of many requests in one query (none for no ids): request id → the kind of
    the proposal waiting on it (desk, or requester for a counter; the latest, should there be
    more); requests with none are left out."""
    if not request_ids:
        return {}
    stmt = (select(col(Proposal.request_id), col(Proposal.kind))
            .where(col(Proposal.request_id).in_(sorted(set(request_ids))),
                   col(Proposal.state) == PENDING)
            .order_by(col(Proposal.id)))
    return {request_id: kind for request_id, kind in session.execute(stmt).all()}


def of_cycle(session: Session, request_id: int, cycle: int) -> list[Proposal]:
    """A request's proposals in one reopen cycle, oldest first."""
    stmt = (select(Proposal).where(Proposal.request_id == request_id, Proposal.cycle == cycle)
            .order_by(col(Proposal.id)))
    return list(session.exec(stmt))


def latest_accepted(session: Session, request_id: int) -> Proposal | None:
    """The agreement in force: the latest accepted proposal."""
    stmt = (select(Proposal).where(Proposal.request_id == request_id,
                                   Proposal.state == "accepted")
            .order_by(col(Proposal.id).desc()).limit(1))
    return session.exec(stmt).first()


def renegotiated(session: Session, start: datetime, end: datetime) -> Counter[str]:
    """Per desk: requests whose date or solution was agreed anew in [start, end)."""
    stmt = (select(col(Proposal.department), func.count(func.distinct(col(Proposal.request_id))))
            .where(col(Proposal.state) == "accepted", col(Proposal.decided_at) >= start,
                   col(Proposal.decided_at) < end)
            .group_by(col(Proposal.department)))
    return Counter({d: int(n) for d, n in session.execute(stmt).all()})


def _fell_due(due: Any, start: datetime, end: datetime) -> Any:
    """A resolution target ``due`` in [start, end) that counts (as the digest's own rule: not
    withdrawn unanswered before it, not paused while the requester is asked)."""
    r = Request
    withdrawn = and_(col(r.resolved_at).is_(None), col(r.closed_at).is_not(None),
                     col(r.closed_at) <= due)
    return and_(due >= start, due < end, ~withdrawn, col(r.state) != "waiting",
                col(r.paused_at).is_(None))


def _met(due: Any) -> Any:
    return case((and_(col(Request.resolved_at).is_not(None), col(Request.resolved_at) <= due),
                 1), else_=0)


def targets(session: Session, start: datetime, end: datetime, *, agreed_only: bool = False,
            original: bool = False) -> dict[str, tuple[int, int]]:
    """Per desk: (met, in all) of the resolution targets that fell due in [start, end): the
    agreed targets only (``agreed_only``), or every request measured against its original
    target, the one before any agreement (``original``)."""
    r = Request
    due = func.coalesce(col(r.original_resolution_due), col(r.resolution_due)) if original \
        else col(r.resolution_due)
    clause = _fell_due(due, start, end)
    if agreed_only:
        clause = and_(clause, col(r.agreed_at).is_not(None))
    stmt = (select(col(r.department), func.sum(_met(due)), func.count())
            .where(clause).group_by(col(r.department)))
    return {d: (int(met or 0), int(n)) for d, met, n in session.execute(stmt).all()}
