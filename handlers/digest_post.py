"""Post weekly digests (and the company scorecard) once per department and week."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from handlers.desk import Desk
from handlers.digest import WEEK, Digest, build_all, company, week_label, week_start
from handlers.digest_render import render, scorecard
from handlers.i18n import normalize_locale
from handlers.messages import Message, dept
from storage import outbox, people
from storage.engine import transaction
from storage.models import NudgeClaim

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class DigestPolicy:
    """When digests go out: a weekday and local time, per department overridable."""

    day: int = 0
    at: time = time(9, 30)
    overrides: dict[str, tuple[int, time]] | None = None
    timeliness_weight: float = 0.5
    charts_dir: str | None = None

    def slot(self, department: str) -> tuple[int, time]:
        """The (weekday, time) a department's digest is due."""
        return (self.overrides or {}).get(department, (self.day, self.at))


def due_moment(desk: Desk, department: str | None, monday: date,
               policy: DigestPolicy) -> datetime:
    """When the digest of the week starting ``monday`` is due: the configured slot of the
    following week, moved to the next working day when that day is closed."""
    weekday, at = policy.slot(department or "*")
    calendar = desk.calendar_for(department) if department else desk.calendar
    day = monday + WEEK + timedelta(days=weekday)
    for _ in range(30):
        if calendar.is_workday(day):
            break
        day += timedelta(days=1)
    return datetime.combine(day, at, desk.policy.tz)


def claim_post(session: Session, key: str, now: datetime) -> bool:
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = module.insert(NudgeClaim).values(key=key, request_id=0, claimed_at=now)
    stmt = stmt.on_conflict_do_nothing().returning(NudgeClaim.key)
    return session.execute(stmt).scalar_one_or_none() is not None


Attach = Callable[[Session, Desk, Digest], str | None]


def post_due(desk: Desk, now: datetime, policy: DigestPolicy,
             attach: Attach | None = None) -> list[str]:
    """Queue every digest that is due and not yet posted; returns the claim keys posted.

    Only the latest finished week is considered: a process that was down posts it late,
    once; older weeks are not back-filled."""
    monday = week_start(now.astimezone(desk.policy.tz).date()) - WEEK
    label = week_label(monday)
    due = [d.key for d in desk.catalog.departments
           if now >= due_moment(desk, d.key, monday, policy)]
    posted: list[str] = []
    with transaction(desk.engine) as session:
        fresh = [k for k in due if claim_post(session, f"digest:{k}:{label}", now)]
        if fresh:
            digests = build_all(session, desk, monday, now)
            for key in fresh:
                if digests[key].is_quiet():
                    continue  # nothing happened: no message to a quiet channel
                queue_digest(session, desk, digests[key], now, attach)
                posted.append(f"digest:{key}:{label}")
        admin = desk.policy.admin_channel
        if admin and now >= due_moment(desk, None, monday, policy) and claim_post(
                session, f"scorecard:{label}", now):
            week, previous = company(session, desk, monday)
            if week["*"].received == week["*"].closed == week["*"].open_at_end == 0:
                return posted
            message = scorecard(desk, week, previous, label, desk.policy.locale,
                                policy.timeliness_weight)
            target = f"channel:{admin}"
            outbox.enqueue(session, target, _with_target(message, target), now)
            posted.append(f"scorecard:{label}")
    return posted


def queue_digest(session: Session, desk: Desk, digest: Digest, now: datetime,
                 attach: Attach | None = None) -> None:
    """Render one digest in its channel's language and queue it."""
    department = desk.catalog.department(digest.department)
    locale = normalize_locale(department.locale, desk.policy.locale)
    ids = [r.assignee_id for r in digest.overdue if r.assignee_id]
    ids += [s.author_id for s in digest.suggestions if not s.anonymous]
    message = render(desk, digest, locale, people.names(session, ids))
    image = attach(session, desk, digest) if attach else None
    if image:
        message = replace(message, extra={**message.extra, "image": image})
    target = dept(department.key)
    outbox.enqueue(session, target, _with_target(message, target), now)


def _with_target(message: Message, target: str) -> dict[str, object]:
    data = message.to_dict()
    data["target"] = target
    return data
