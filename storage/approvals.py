"""Approval steps, votes and people away: the queries the approval flow and its views need."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from storage.models import ApprovalStepRow, ApprovalVote, Away, Person, Request


def add_round(session: Session, request_id: int, round_: int,
              steps: Sequence[tuple[list[str], str]]) -> list[ApprovalStepRow]:
    """One round of steps, each ``(configured approvers, mode)``, all waiting to start."""
    rows = [ApprovalStepRow(request_id=request_id, round=round_, position=i, spec=list(spec),
                            approvers=[], mode=mode, state="waiting")
            for i, (spec, mode) in enumerate(steps)]
    session.add_all(rows)
    session.flush()
    return rows


def next_round(session: Session, request_id: int) -> int:
    """The number of the request's next round (0 for its first)."""
    stmt = select(func.max(ApprovalStepRow.round)).where(
        col(ApprovalStepRow.request_id) == request_id)
    latest = session.exec(stmt).one()
    return 0 if latest is None else int(latest) + 1


def steps_of(session: Session, request_id: int, round_: int | None = None
             ) -> list[ApprovalStepRow]:
    """The request's steps of ``round_`` (default: its latest round), in order."""
    if round_ is None:
        round_ = next_round(session, request_id) - 1
    stmt = (select(ApprovalStepRow)
            .where(col(ApprovalStepRow.request_id) == request_id,
                   col(ApprovalStepRow.round) == round_)
            .order_by(col(ApprovalStepRow.position)))
    return list(session.exec(stmt))


def current(session: Session, request_id: int) -> ApprovalStepRow | None:
    """The step waiting for a decision now, if any."""
    return next((s for s in steps_of(session, request_id) if s.state == "pending"), None)


def current_approvers(session: Session, request_id: int) -> list[str]:
    """Who the request waits for now: the current step's approvers who have not yet said yes."""
    step = current(session, request_id)
    if step is None or step.id is None:
        return []
    voted = {v.person_id for v in votes_of(session, step.id)}
    return [p for p in step.approvers if p not in voted]


def involves(session: Session, request_id: int, person_id: str) -> bool:
    """Whether ``person_id`` is or was an approver of the request: named on a step of any
    round (a delegate holding one too) or having decided one (one query)."""
    stmt = (select(ApprovalStepRow.approvers, ApprovalVote.person_id)
            .outerjoin(ApprovalVote, col(ApprovalVote.step_id) == col(ApprovalStepRow.id))
            .where(col(ApprovalStepRow.request_id) == request_id))
    return any(person_id in (named or []) or voter == person_id
               for named, voter in session.exec(stmt))


def vote(session: Session, step_id: int, person_id: str, decision: str, at: datetime) -> None:
    """Record one approver's decision on a step."""
    session.add(ApprovalVote(step_id=step_id, person_id=person_id, decision=decision, at=at))
    session.flush()


def votes_of(session: Session, step_id: int) -> list[ApprovalVote]:
    """The decisions given on a step, oldest first."""
    stmt = select(ApprovalVote).where(col(ApprovalVote.step_id) == step_id).order_by(
        col(ApprovalVote.id))
    return list(session.exec(stmt))


def pending_for(session: Session, person_id: str) -> list[tuple[ApprovalStepRow, Request]]:
    """Steps waiting for ``person_id`` (as an approver who has not decided), with requests."""
    stmt = (select(ApprovalStepRow, Request)
            .join(Request, col(Request.id) == col(ApprovalStepRow.request_id))
            .where(col(ApprovalStepRow.state) == "pending",
                   col(Request.state) == "pending_approval")
            .order_by(col(ApprovalStepRow.id)))
    out = []
    for step, request in session.exec(stmt):
        if person_id in step.approvers and step.id is not None and person_id not in {
                v.person_id for v in votes_of(session, step.id)}:
            out.append((step, request))
    return out


def pending_requests(session: Session, departments: Sequence[str]) -> list[Request]:
    """Requests to ``departments`` still awaiting approval, oldest first (the desk's
    "coming" list)."""
    stmt = (select(Request)
            .where(col(Request.department).in_(list(departments)),
                   col(Request.state) == "pending_approval")
            .order_by(col(Request.created_at), col(Request.id)))
    return list(session.exec(stmt))


def away_of(session: Session, person_id: str, now: datetime) -> Away | None:
    """The person's absence if it covers ``now``."""
    row = session.get(Away, person_id)
    return row if row is not None and row.since <= now < row.until else None


def delegates_at(session: Session, person_ids: Sequence[str], now: datetime) -> dict[str, str]:
    """Each of ``person_ids`` away at ``now``, with their delegate (one query)."""
    if not person_ids:
        return {}
    stmt = select(Away.person_id, Away.delegate_id).where(
        col(Away.person_id).in_(list(set(person_ids))), col(Away.since) <= now,
        col(Away.until) > now)
    return {pid: delegate for pid, delegate in session.exec(stmt)}


def covered_by(session: Session, delegate_id: str, now: datetime) -> list[Away]:
    """The absences ``delegate_id`` covers at ``now``, the soonest back first."""
    stmt = select(Away).where(col(Away.delegate_id) == delegate_id, col(Away.since) <= now,
                              col(Away.until) > now).order_by(col(Away.until))
    return list(session.exec(stmt))


def manages_someone(session: Session, person_id: str) -> bool:
    """Whether anyone has ``person_id`` as their manager (who approves for a requester)."""
    stmt = select(Person.id).where(col(Person.manager_id) == person_id).limit(1)
    return session.exec(stmt).first() is not None


def covers_for(session: Session, person_id: str, now: datetime) -> bool:
    """Whether ``person_id`` is the delegate of someone away at ``now``."""
    stmt = select(Away.person_id).where(col(Away.delegate_id) == person_id,
                                        col(Away.since) <= now, col(Away.until) > now).limit(1)
    return session.exec(stmt).first() is not None


def set_away(session: Session, person_id: str, delegate_id: str, since: datetime,
             until: datetime) -> None:
    """Record (or replace) the person's absence."""
    row = session.get(Away, person_id)
    if row is None:
        row = Away(person_id=person_id, delegate_id=delegate_id, since=since, until=until)
    else:
        row.delegate_id, row.since, row.until = delegate_id, since, until
    session.add(row)
    session.flush()


def clear_away(session: Session, person_id: str) -> bool:
    """End the person's absence; False when none was recorded."""
    result = session.execute(delete(Away).where(col(Away.person_id) == person_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def approval_spans(session: Session, start: datetime, end: datetime
                   ) -> list[tuple[str, str, datetime, datetime]]:
    """(department, service, began, ended) for each round whose last step was approved in
    [start, end): from the round's first step starting to its last approval."""
    recent = select(ApprovalStepRow.request_id, ApprovalStepRow.round).where(
        col(ApprovalStepRow.state) == "approved", col(ApprovalStepRow.decided_at) >= start,
        col(ApprovalStepRow.decided_at) < end).distinct()
    rounds = {(rid, rnd) for rid, rnd in session.exec(recent)}
    if not rounds:
        return []
    ids = sorted({rid for rid, _ in rounds})
    steps: dict[tuple[int, int], list[ApprovalStepRow]] = {}
    for step in session.exec(select(ApprovalStepRow).where(
            col(ApprovalStepRow.request_id).in_(ids))):
        steps.setdefault((step.request_id, step.round), []).append(step)
    owners = {r.id: (r.department, r.category)
              for r in session.exec(select(Request).where(col(Request.id).in_(ids)))}
    out = []
    for key in sorted(rounds):
        chain = steps.get(key, [])
        if not chain or any(s.state != "approved" for s in chain):
            continue
        began = min(s.started_at for s in chain if s.started_at is not None)
        ended = max(s.decided_at for s in chain if s.decided_at is not None)
        if start <= ended < end and key[0] in owners:
            out.append((*owners[key[0]], began, ended))
    return out
