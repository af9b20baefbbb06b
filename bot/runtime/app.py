"""Build a Desk from settings: engine, schema check, people, counters, calendars, router."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Engine

from bot.runtime.config import Settings
from bot.runtime.metrics import ReplyObserver, timed
from bot.runtime.schema import UPGRADE, require_head
from handlers import build_router
from handlers.desk import Clock, Desk
from handlers.digest_post import Attach
from handlers.inbound import Inbound
from handlers.messages import Reply
from handlers.policy import FilePolicy
from handlers.router import Router, run
from storage import migrate, people, request_store
from storage.engine import make_engine, transaction

log = logging.getLogger(__name__)


@dataclass
class DeskApp:
    """A running desk: what adapters call into."""

    settings: Settings
    desk: Desk
    router: Router
    clock: Clock
    attach_chart: Attach | None = None
    metrics: ReplyObserver | None = None
    wake_dispatcher: Callable[[], None] | None = None  # serve: deliver queued rows soon

    def run(self, inbound: Inbound, now: datetime | None = None) -> Reply:
        """The one inbound path: run a delivery from any platform (``handlers.router.run``),
        then wake the dispatcher when it queued notifications."""
        moment = now or self.clock()
        reply = timed(lambda: run(self.desk, self.router, inbound, moment), self.metrics)
        if (reply.queued or reply.answer_rows) and self.wake_dispatcher is not None:
            try:
                self.wake_dispatcher()
            except Exception:  # noqa: BLE001 - the rows wait in the outbox for the next tick
                log.exception("could not wake the dispatcher")
        return reply

    def handle(self, actor_id: str, text: str, now: datetime | None = None) -> Reply:
        """Run one typed line as ``actor_id``, as the console does."""
        return self.run(Inbound(platform="console", person_id=actor_id, text=text), now)


def build(settings: Settings, clock: Clock, engine: Engine | None = None,
          upgrade: bool = True) -> DeskApp:
    """Wire everything. With ``upgrade`` (the default) the schema is readied first as
    ``ready_schema`` does: created in an empty database, never migrated from an older one
    (SchemaMismatch says what to run); without it the caller has checked it (serve)."""
    engine = engine or make_engine(settings.database_url)
    if upgrade:
        ready_schema(engine)
    sync_directory(settings, engine, clock())
    desk = Desk(
        catalog=settings.catalog, engine=engine, policy=settings.policy,
        calendar=settings.calendar(), department_calendars=settings.department_calendars(),
        service=replace(settings.service, timeliness_weight=settings.digest.timeliness_weight),
        files=files_policy(settings),
    )
    attach = None
    if settings.digest.charts_dir:
        from bot.runtime.charts import (
            attach_chart,  # matplotlib loads only when charts are configured
        )

        attach = attach_chart(settings.path.parent / settings.digest.charts_dir)
    return DeskApp(settings=settings, desk=desk, router=build_router(), clock=clock,
               attach_chart=attach)


def ready_schema(engine: Engine, command: str = UPGRADE, create: bool = True) -> None:
    """The one schema check of the commands that do not migrate (all but `db upgrade`, `init`
    and `serve --upgrade`): an empty database gets the tables when ``create`` (a first run;
    else it is left to the caller), any other must be at this code's head and is never
    migrated here: SchemaMismatch names ``command`` when behind, the release when ahead."""
    if migrate.current_revision(engine) is None:
        if create:
            migrate.upgrade(engine)
        return
    require_head(engine, command)


def files_policy(settings: Settings) -> FilePolicy:
    """[files] with its folder (if any) resolved beside the config file."""
    policy = settings.files
    if policy.dir is None:
        return policy
    return replace(policy, dir=str((settings.path.parent / policy.dir).resolve()))


def sync_directory(settings: Settings, engine: Engine, now: datetime) -> None:
    """Bring configured people and department counters into the database. A platform id the
    config now gives someone else moves to them; when its holder is no longer configured (a
    rename, or someone registered on first contact now listed) their history follows."""
    with transaction(engine) as session:
        moves = people.plan_moves(
            session, [(p.id, p.slack, p.wecom) for p in settings.catalog.people])
        for move in moves:
            people.release(session, move.holder, move.platform)
            log.info("%s id %s moves from %r to %r%s", move.platform, move.handle, move.holder,
                     move.to, " (history merged)" if move.merge else "")
        for spec in settings.catalog.people:
            people.upsert(
                session, spec.id, spec.name, now, locale=spec.locale, slack_id=spec.slack,
                wecom_id=spec.wecom, manager_id=spec.manager,
            )
        for old_id, new_id in dict.fromkeys((m.holder, m.to) for m in moves if m.merge):
            people.merge(session, old_id, new_id)
        request_store.ensure_counters(session, {d.key: d.prefix
                                                for d in settings.catalog.departments})
