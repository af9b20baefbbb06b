"""People the config once listed and lists no more who still have open requests: a rename or
a removal in ``[[people]]`` that would leave those requests with nobody to act on them."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, literal_column, or_, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col

from storage.models import Person, Request
from storage.request_store import DONE_STATES

_STEP = SQLModel.metadata.tables["approval_step"]
_VOTE = SQLModel.metadata.tables["approval_vote"]
_REQUEST = SQLModel.metadata.tables["request"]


@dataclass(frozen=True)
class Unlisted:
    """A person from the config no longer in it, with their open requests by role."""

    id: str
    name: str
    slack_id: str | None
    wecom_id: str | None
    requested: int  # open requests they asked for
    assigned: int  # open requests assigned to them
    approving: int = 0  # approval steps waiting for their decision


def with_open_requests(session: Session, listed: Iterable[str]) -> list[Unlisted]:
    """Everyone stored from the config (``source = config``) whose id is not in ``listed``
    and who asked for, is assigned, or is yet to approve a request not done; by id (two
    queries, whatever the number of people)."""
    known = set(listed)
    approving = Counter(who for who in _undecided_approvers(session) if who not in known)
    live = col(Request.state).not_in(DONE_STATES)
    roles = union_all(
        sa_select(col(Request.requester_id).label("who"), literal_column("1").label("asked"))
        .where(live),
        sa_select(col(Request.assignee_id).label("who"), literal_column("0").label("asked"))
        .where(live, col(Request.assignee_id).is_not(None)),
    ).subquery()
    counts = (sa_select(roles.c.who, func.sum(roles.c.asked).label("asked"),
                        func.count().label("all")).group_by(roles.c.who).subquery())
    person = (col(Person.id), col(Person.name), col(Person.slack_id), col(Person.wecom_id))
    stmt = (sa_select(*person, func.coalesce(counts.c.asked, 0), func.coalesce(counts.c.all, 0))
            .outerjoin(counts, counts.c.who == col(Person.id))
            .where(col(Person.source) == "config", col(Person.id).not_in(list(known)),
                   or_(counts.c.who.is_not(None), col(Person.id).in_(list(approving))))
            .order_by(col(Person.id)))
    return [Unlisted(pid, name, slack, wecom, int(asked), int(every) - int(asked),
                     approving[pid])
            for pid, name, slack, wecom, asked, every in session.connection().execute(stmt)]


def _undecided_approvers(session: Session) -> list[str]:
    """Each approver of a pending step (of a request awaiting approval) who has not decided
    it yet, once per step."""
    step, vote = _STEP.c, _VOTE.c
    stmt = (sa_select(step.id, step.approvers, vote.person_id)
            .join(_REQUEST, _REQUEST.c.id == step.request_id)
            .outerjoin(_VOTE, vote.step_id == step.id)
            .where(step.state == "pending", _REQUEST.c.state == "pending_approval"))
    approvers: dict[int, list[str]] = {}
    voted: defaultdict[int, set[str]] = defaultdict(set)
    for step_id, ids, voter in session.connection().execute(stmt):
        approvers[step_id] = list(ids or [])
        if voter is not None:
            voted[step_id].add(voter)
    return [who for step_id, ids in approvers.items() for who in dict.fromkeys(ids)
            if who not in voted[step_id]]
