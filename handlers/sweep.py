"""The sweep: find what is due now, claim it once, and queue batched nudges and prompts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from handlers import lifecycle as lc
from handlers import sweep_notices as notes
from handlers.context import Ctx
from handlers.desk import Desk
from handlers.sweep_rules import DESK_NUDGES, Rule, ladder, recipient_calendar, rules_for
from storage.engine import transaction
from storage.models import Breach, NudgeClaim, Person, Rating, Request

SYSTEM_ACTOR = "crossdesk"
SWEEP_LOCK = 0x6372_6F73  # "cros": one sweeper at a time on PostgreSQL
STATE_CHANGES = ("auto_close", "auto_confirm")


@dataclass
class SweepStats:
    """What one sweep did."""

    requests: int = 0
    claimed: int = 0
    skipped: bool = False


def sweep(desk: Desk, now: datetime, limit: int = 5000) -> SweepStats:
    """Evaluate requests whose next check is due; each rule is acted on exactly once."""
    with transaction(desk.engine) as session:
        if desk.engine.dialect.name == "postgresql":
            locked = session.execute(select(func.pg_try_advisory_xact_lock(SWEEP_LOCK))).scalar()
            if not locked:
                return SweepStats(skipped=True)
        stmt = (
            select(Request)
            .where(col(Request.next_sweep_at) <= now)
            .order_by(col(Request.next_sweep_at))
            .limit(limit)
        )
        if desk.engine.dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        rows = list(session.exec(stmt))
        actor = Person(id=SYSTEM_ACTOR, name="crossdesk", created_at=now)
        ctx = Ctx(desk=desk, session=session, actor=actor, now=now, locale=desk.policy.locale)
        due = _collect(ctx, rows)
        fresh = _claim(session, due, now)
        _act(ctx, fresh)
        return SweepStats(requests=len(rows), claimed=len(fresh))


def _collect(ctx: Ctx, rows: list[Request]) -> list[tuple[Request, Rule]]:
    """Rules due now whose recipients are within working hours; set each next check."""
    desk, now = ctx.desk, ctx.now
    ladders: dict[str, list[list[str]]] = {}
    due: list[tuple[Request, Rule]] = []
    for request in rows:
        policy = desk.service.nudges_for(request.department)
        if request.department not in ladders:
            ladders[request.department] = ladder(
                ctx.session, desk, request.department, policy.escalation_depth)
        upcoming: list[datetime] = []
        for rule in rules_for(desk, request, ladders[request.department]):
            if rule.when > now:
                upcoming.append(rule.when)
                continue
            if rule.kind == "breach":
                _record_breach(ctx, request, rule)
            if rule.kind not in STATE_CHANGES:
                calendar = recipient_calendar(desk, request, rule.recipient)
                if not calendar.is_open(now):
                    upcoming.append(calendar.next_opening(now))
                    continue
            due.append((request, rule))
        request.next_sweep_at = min(upcoming) if upcoming else None
        ctx.session.add(request)
    return due


def _record_breach(ctx: Ctx, request: Request, rule: Rule) -> None:
    """A missed target, recorded once for the digest."""
    assert request.id is not None
    module = postgresql if ctx.session.get_bind().dialect.name == "postgresql" else sqlite
    values = {"request_id": request.id, "department": request.department,
              "target": rule.target, "due_at": rule.due, "detected_at": ctx.now}
    ctx.session.execute(module.insert(Breach).values(**values).on_conflict_do_nothing())


def _claim(session: Session, due: list[tuple[Request, Rule]], now: datetime
           ) -> list[tuple[Request, Rule]]:
    """Insert a claim per rule; only rules this sweep claimed first are acted on."""
    if not due:
        return []
    keys = {rule.key(request.id or 0): (request, rule) for request, rule in due}
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    claimed: set[str] = set()
    items = list(keys.items())
    for start in range(0, len(items), 500):
        chunk = items[start:start + 500]
        values = [{"key": k, "request_id": r.id, "claimed_at": now} for k, (r, _) in chunk]
        stmt = module.insert(NudgeClaim).values(values).on_conflict_do_nothing()
        claimed.update(session.execute(stmt.returning(NudgeClaim.key)).scalars())
    return [keys[k] for k in keys if k in claimed]


def _act(ctx: Ctx, fresh: list[tuple[Request, Rule]]) -> None:
    """Change states, then queue one batched nudge per recipient and the single prompts."""
    batches: dict[str, list[tuple[Request, Rule]]] = defaultdict(list)
    rated = _rated(ctx.session, [r.id for r, rule in fresh if rule.kind == "rate_reminder"])
    for request, rule in fresh:
        if rule.kind in DESK_NUDGES:
            batches[rule.recipient].append((request, rule))
        elif rule.kind == "auto_close":
            request.closed_at = ctx.now
            request.paused_at = None
            lc.transition(ctx, request, "closed", "auto_closed")
            notes.auto_closed(ctx, request, rule)
        elif rule.kind == "auto_confirm":
            request.closed_at = ctx.now
            lc.transition(ctx, request, "closed", "auto_confirmed")
            notes.auto_confirmed(ctx, request, rule)
        elif rule.kind == "rate_reminder" and request.id not in rated:
            notes.rating_reminder(ctx, request, rule)
        elif rule.kind in ("remind_waiting", "thanks", "thanks_helper"):
            notes.single(ctx, request, rule)
    for recipient, items in batches.items():
        notes.batched_nudge(ctx, recipient, items)


def _rated(session: Session, ids: list[int | None]) -> set[int]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return set()
    stmt = select(Rating.request_id).where(col(Rating.request_id).in_(wanted))
    return set(session.exec(stmt))


def due_count(session: Session, now: datetime) -> int:
    """How many requests are waiting for a sweep."""
    stmt = select(func.count()).select_from(Request).where(col(Request.next_sweep_at) <= now)
    return int(session.exec(stmt).one())
