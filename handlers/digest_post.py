"""Post weekly digests (and the company scorecard) once per department and week."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from handlers import approval_digest, negotiation_digest
from handlers.desk import Desk
from handlers.digest import WEEK, Digest, bounds, build_all, company, week_label, week_start
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

BACKFILL_WEEKS = 8  # how far back a missed week is still posted


def _posted(session: Session, prefixes: list[str], weeks: list[date]) -> set[str]:
    """Which of the claim keys ``<prefix>:<week>`` exist (one query)."""
    keys = [f"{prefix}:{week_label(m)}" for prefix in prefixes for m in weeks]
    return set(session.exec(select(col(NudgeClaim.key)).where(col(NudgeClaim.key).in_(keys))))


def _weeks_to_post(posted: set[str], prefix: str, weeks: list[date]) -> list[date]:
    """The weeks (oldest first) after the last one posted under ``prefix`` among ``weeks``;
    with none posted there, only the latest (a new desk gets no back-filled history)."""
    done = [m for m in weeks if f"{prefix}:{week_label(m)}" in posted]
    if not done:
        return weeks[-1:]
    return [m for m in weeks if m > max(done)]


def post_due(desk: Desk, now: datetime, policy: DigestPolicy,
             attach: Attach | None = None) -> list[str]:
    """Queue every digest that is due and not yet posted; returns the claim keys posted.

    Every finished week since the last one posted (up to ``BACKFILL_WEEKS`` back) gets its
    digest, oldest first, once: a posting day inside a closure longer than a week (Spring
    Festival) or a process that was down never skips a week."""
    latest = week_start(now.astimezone(desk.policy.tz).date()) - WEEK
    recent = [latest - WEEK * k for k in range(BACKFILL_WEEKS - 1, -1, -1)]
    posted: list[str] = []
    prefixes = [f"digest:{d.key}" for d in desk.catalog.departments] + ["scorecard"]
    with transaction(desk.engine) as session:
        done = _posted(session, prefixes, recent)
        plan: dict[date, list[str]] = {}
        for d in desk.catalog.departments:
            for monday in _weeks_to_post(done, f"digest:{d.key}", recent):
                if now >= due_moment(desk, d.key, monday, policy):
                    plan.setdefault(monday, []).append(d.key)
        for monday in sorted(plan):
            label = week_label(monday)
            fresh = [k for k in plan[monday] if claim_post(session, f"digest:{k}:{label}", now)]
            if not fresh:
                continue
            digests = build_all(session, desk, monday, now)
            for key in fresh:
                if digests[key].is_quiet():
                    continue  # nothing happened: no message to a quiet channel
                queue_digest(session, desk, digests[key], now, attach)
                posted.append(f"digest:{key}:{label}")
        admin = desk.policy.admin_channel
        if admin:
            for monday in _weeks_to_post(done, "scorecard", recent):
                posted += _post_scorecard(session, desk, monday, now, policy, admin)
    return posted


def _post_scorecard(session: Session, desk: Desk, monday: date, now: datetime,
                    policy: DigestPolicy, admin: str) -> list[str]:
    """The company scorecard of one week to the admin channel, once, when due and not empty."""
    label = week_label(monday)
    if now < due_moment(desk, None, monday, policy) or not claim_post(
            session, f"scorecard:{label}", now):
        return []
    week, previous = company(session, desk, monday)
    if week["*"].received == week["*"].closed == week["*"].open_at_end == 0:
        return []
    message = scorecard(desk, week, previous, label, desk.policy.locale,
                        policy.timeliness_weight,
                        negotiation_digest.figures(session, desk, *bounds(desk, monday)),
                        approval_digest.figures(session, desk, *bounds(desk, monday)))
    target = f"channel:{admin}"
    outbox.enqueue(session, target, _with_target(message, target), now)
    return [f"scorecard:{label}"]


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
