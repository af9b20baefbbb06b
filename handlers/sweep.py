"""The sweep: find what is due now, claim it once, and queue batched nudges and prompts."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select

from handlers import approval_sweep, due_times, negotiation_sweep
from handlers import lifecycle as lc
from handlers import sweep_notices as notes
from handlers.context import Ctx
from handlers.desk import Desk
from handlers.sweep_rules import (
    DESK_NUDGES,
    Rule,
    covered,
    ladder,
    prompt_key,
    recipient_calendar,
    rules_for,
)
from storage import breaches as breaches_store
from storage.engine import transaction
from storage.models import Person, Rating, Request

log = logging.getLogger(__name__)
SYSTEM_ACTOR = "crossdesk"
SWEEP_LOCK = 0x7377_6565  # "swee": one sweeper at a time per schema on PostgreSQL
STATE_CHANGES = ("auto_close", "auto_confirm", "proposal_lapse")
EPSILON = timedelta(microseconds=1)
RETRY_FAILED = timedelta(hours=1)  # a request whose rules could not be worked out
CLAIMS = SQLModel.metadata.tables["nudge_claim"]


@dataclass
class SweepStats:
    """What one sweep did."""

    requests: int = 0
    claimed: int = 0
    skipped: bool = False


CHUNK = 200  # requests a rescheduling transaction looks at


def sweep(desk: Desk, now: datetime, limit: int = 5000) -> SweepStats:
    """Evaluate requests whose next check is due; each rule is acted on exactly once.

    Most requests due for a check have nothing to say yet (a burst of new requests is due
    for its first check at once): those are rescheduled first, ``CHUNK`` to a short
    transaction, so that commands never wait long for SQLite's one writer. What is due then
    goes out in one transaction, one batched message per recipient."""
    quiet = _reschedule_quiet(desk, now, limit)
    if quiet.skipped:
        return quiet
    acted = _act_on_due(desk, now, limit)
    return SweepStats(requests=quiet.requests + acted.requests, claimed=acted.claimed,
                      skipped=acted.skipped)


def _locked(session: Session, desk: Desk) -> bool:
    """On PostgreSQL, this schema's sweep lock for the transaction (False: another has it)."""
    if desk.engine.dialect.name != "postgresql":
        return True
    schema_key = func.hashtext(func.coalesce(func.current_schema(), ""))
    return bool(session.execute(
        select(func.pg_try_advisory_xact_lock(SWEEP_LOCK, schema_key))).scalar())


def _due(session: Session, desk: Desk, now: datetime, limit: int,
         after: int | None = None) -> list[Request]:
    """Requests due for a check (locked on PostgreSQL; others' locked rows skipped): the most
    overdue first, or with ``after`` in id order from there (for chunks)."""
    stmt = select(Request).where(col(Request.next_sweep_at) <= now)
    if after is None:
        stmt = stmt.order_by(col(Request.next_sweep_at))
    else:
        stmt = stmt.where(col(Request.id) > after).order_by(col(Request.id))
    stmt = stmt.limit(limit)
    if desk.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.exec(stmt))


def _system_ctx(desk: Desk, session: Session, now: datetime) -> Ctx:
    """The sweep acts as crossdesk itself, in the desk's language."""
    actor = Person(id=SYSTEM_ACTOR, name="crossdesk", created_at=now)
    return Ctx(desk=desk, session=session, actor=actor, now=now, locale=desk.policy.locale)


def _reschedule_quiet(desk: Desk, now: datetime, limit: int) -> SweepStats:
    """Set the next check of due requests with no rule due now, chunk by chunk; the ones
    with something due are left for ``_act_on_due``."""
    after, quiet = 0, 0
    while after >= 0:
        with transaction(desk.engine) as session:
            if not _locked(session, desk):
                return SweepStats(skipped=True)
            rows = _due(session, desk, now, min(CHUNK, limit), after=after)
            ctx = _system_ctx(desk, session, now)
            with session.no_autoflush:
                due, breaches = _collect(ctx, rows)
            busy = {r.id for r, _ in due}
            for row in rows:
                if row.id in busy:
                    session.expunge(row)  # unchanged: _act_on_due looks at it again
            _record_breaches(session, {k: v for k, v in breaches.items()
                                       if k[0] not in busy}, now)
            quiet += len(rows) - len(busy)
        after = (rows[-1].id or 0) if len(rows) == min(CHUNK, limit) else -1
    return SweepStats(requests=quiet)


def _act_on_due(desk: Desk, now: datetime, limit: int) -> SweepStats:
    """The requests with a rule due now: claim each rule once and send what it says."""
    with transaction(desk.engine) as session:
        if not _locked(session, desk):
            return SweepStats(skipped=True)
        rows = _due(session, desk, now, limit)
        ctx = _system_ctx(desk, session, now)
        with session.no_autoflush:
            due, breaches = _collect(ctx, rows)
        _record_breaches(session, breaches, now)
        fresh = _claim(session, due, now)
        ctx.prefetch_names([r.requester_id for r, _ in fresh])
        ctx.prefetch_names([r.assignee_id for r, _ in fresh])
        _act(ctx, fresh)
        return SweepStats(requests=len(rows), claimed=len(fresh))


Missed = dict[tuple[int, str], tuple[str, int, datetime]]  # (request, target) → desk, cycle, due


def _collect(ctx: Ctx, rows: list[Request]) -> tuple[list[tuple[Request, Rule]], Missed]:
    """Rules due now whose recipients are within working hours, and the missed targets;
    sets each request's next check."""
    desk, now = ctx.desk, ctx.now
    ladders: dict[str, list[list[str]]] = {}
    due: list[tuple[Request, Rule]] = []
    breaches: Missed = {}
    worked: list[tuple[Request, list[Rule]]] = []
    prompted = _prompted(ctx.session, rows)
    for request in rows:
        try:
            worked.append((request, _rules(ctx, request, ladders, prompted.get(request.id))))
        except Exception:  # noqa: BLE001 - one bad request never stops the sweep for the rest
            log.exception("sweep: skipped request %s; looked at again in %s", request.ref,
                          RETRY_FAILED)
            request.next_sweep_at = now + RETRY_FAILED
            ctx.session.add(request)
    # looked at again (swept_until cleared by a transition or a config change): its rules in
    # the past were mostly claimed before; those need no claiming, nor the writer, again
    claimed = _claimed(ctx.session, [request.id for request, rules in worked
                                     if request.swept_until is None
                                     and any(rule.when <= now for rule in rules)])
    for request, rules in worked:
        upcoming: list[datetime] = []
        deferred: list[datetime] = []
        seen_until = request.swept_until
        for rule in rules:
            if rule.when > now:
                upcoming.append(rule.when)
                continue
            if seen_until is not None and rule.when <= seen_until:
                continue  # acted on (or recorded) by an earlier sweep
            if rule.kind == "warn" and rule.due <= now:
                continue  # a warning before a target that has passed: the breach says it

            if rule.kind == "breach" and request.id is not None:
                breaches[(request.id, rule.target)] = (request.department, request.cycle,
                                                       rule.due)
            if seen_until is None and rule.key(request.id or 0) in claimed:
                continue  # acted on before the request was looked at again
            if rule.kind not in STATE_CHANGES and not rule.urgent:
                calendar = recipient_calendar(desk, request, rule.recipient)
                if not calendar.is_open(now):
                    upcoming.append(calendar.next_opening(now))
                    deferred.append(rule.when)
                    continue
            due.append((request, rule))
        request.next_sweep_at = min(upcoming) if upcoming else None
        # rules up to here are done, except those waiting for their recipient's hours
        request.swept_until = min(deferred) - EPSILON if deferred else now
        ctx.session.add(request)
    return due, breaches


def _prompted(session: Session, rows: list[Request]) -> dict[int | None, datetime]:
    """When the rating prompt after their latest close was sent, for the closed requests of
    ``rows`` it was (its claim's time: its reminder is timed from it)."""
    keys = {prompt_key(r, r.closed_at): r.id for r in rows
            if r.state == "closed" and r.closed_at is not None}
    if not keys:
        return {}
    stmt = sa_select(CLAIMS.c.key, CLAIMS.c.claimed_at).where(CLAIMS.c.key.in_(list(keys)))
    return {keys[key]: at for key, at in session.connection().execute(stmt)}


def _rules(ctx: Ctx, request: Request, ladders: dict[str, list[list[str]]],
           prompted: datetime | None = None) -> list[Rule]:
    """Every rule of one request (the department's ladder computed once per sweep;
    ``prompted``: when its rating prompt was sent)."""
    if request.state == "pending_approval":  # the approvers are nudged, not the desk
        return list(approval_sweep.rules(ctx, request))
    policy = ctx.desk.service.nudges_for(request.department)
    if request.department not in ladders:
        ladders[request.department] = covered(ctx.session, ladder(
            ctx.session, ctx.desk, request.department, policy.escalation_depth), ctx.now)
    rules = list(rules_for(ctx.desk, request, ladders[request.department], ctx.now,
                           prompted))
    return negotiation_sweep.timed(ctx, request, rules)  # a proposal lapses by its date


def _dialect_insert(session: Session, table: Any) -> Any:
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing()


def _record_breaches(session: Session, breaches: Missed, now: datetime) -> None:
    """Missed targets, each recorded once per desk and reopen cycle for the digest (one
    statement for all): a due time moved after the miss records nothing new."""
    breaches_store.record(session, [
        {"request_id": rid, "department": dep, "target": target, "due_at": due,
         "cycle": cycle, "detected_at": now}
        for (rid, target), (dep, cycle, due) in breaches.items()])


def _claimed(session: Session, ids: list[int | None]) -> set[str]:
    """The claim keys of the requests ``ids`` (none asked: none)."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return set()
    stmt = sa_select(CLAIMS.c.key).where(CLAIMS.c.request_id.in_(wanted))
    return set(session.connection().execute(stmt).scalars())


def _claim(session: Session, due: list[tuple[Request, Rule]], now: datetime
           ) -> list[tuple[Request, Rule]]:
    """Insert a claim per rule; only rules this sweep claimed first are acted on."""
    if not due:
        return []
    keys = {rule.key(request.id or 0): (request, rule) for request, rule in due}
    values = [{"key": k, "request_id": r.id, "claimed_at": now} for k, (r, _) in keys.items()]
    stmt = _dialect_insert(session, CLAIMS).returning(CLAIMS.c.key)
    claimed = set(session.connection().execute(stmt, values).scalars())
    return [keys[k] for k in keys if k in claimed]


def _act(ctx: Ctx, fresh: list[tuple[Request, Rule]]) -> None:
    """Change states, then queue the single prompts and one batched nudge per recipient
    (a lead's daily "still overdue" line included)."""
    batches: dict[str, list[tuple[Request, Rule]]] = defaultdict(list)
    rated = _rated(ctx.session, [r.id for r, rule in fresh
                                 if rule.kind in ("rate_reminder", "thanks")])
    for request, rule in fresh:
        if rule.kind in DESK_NUDGES:
            batches[rule.recipient].append((request, rule))
        else:
            _guarded(ctx, request.ref, partial(_act_one, ctx, request, rule, rated))
    for recipient, items in batches.items():
        _guarded(ctx, recipient, partial(notes.batched_nudge, ctx, recipient, items))


def _guarded(ctx: Ctx, what: str, work: Callable[[], None]) -> None:
    """Run one action in a savepoint: if it fails it is logged and undone, the rest go on."""
    try:
        with ctx.session.begin_nested():
            work()
    except Exception:  # noqa: BLE001 - one bad request never stops the sweep for the rest
        log.exception("sweep: could not act for %s; skipped", what)


def _act_one(ctx: Ctx, request: Request, rule: Rule, rated: set[int]) -> None:
    """A state change or a single prompt for one request."""
    if rule.kind == "auto_close":  # at its due moment, however late the sweep (downtime)
        at = min(max(rule.when, rule.due), ctx.now)
        request.closed_at = at
        due_times.end_pause(replace(ctx, now=at), request)  # the desk waited: no miss
        lc.transition(ctx, request, "closed", "auto_closed", at=at)
        notes.auto_closed(ctx, request, rule)
    elif rule.kind == "auto_confirm":
        request.closed_at = ctx.now
        lc.transition(ctx, request, "closed", "auto_confirmed")
        notes.auto_confirmed(ctx, request, rule)
    elif rule.kind in approval_sweep.KINDS:
        approval_sweep.act(ctx, request, rule)
    elif rule.kind in negotiation_sweep.KINDS:
        negotiation_sweep.act(ctx, request, rule)
    elif rule.kind == "rate_reminder" and request.id not in rated:
        notes.rating_reminder(ctx, request, rule)
    elif rule.kind in ("remind_waiting", "thanks", "thanks_helper"):
        notes.single(ctx, request, rule, rated=request.id in rated)


def _rated(session: Session, ids: list[int | None]) -> set[int]:
    """The requests among ``ids`` rated since their latest resolution."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return set()
    stmt = (select(Rating.request_id).join(Request, col(Request.id) == col(Rating.request_id))
            .where(col(Rating.request_id).in_(wanted),
                   or_(col(Request.resolved_at).is_(None),
                       col(Rating.updated_at) >= col(Request.resolved_at))))
    return set(session.exec(stmt))


def due_count(session: Session, now: datetime) -> int:
    """How many requests are waiting for a sweep."""
    stmt = select(func.count()).select_from(Request).where(col(Request.next_sweep_at) <= now)
    return int(session.exec(stmt).one())
