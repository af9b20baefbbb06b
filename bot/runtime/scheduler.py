"""APScheduler with in-memory jobs only: the sweep every minute (and, once a day, the check
for missing holiday data), the dispatcher's loop and the nightly retention job."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.runtime.app import DeskApp
from bot.runtime.config_fingerprint import fingerprint
from bot.runtime.dispatch import Dispatcher, DispatchStats
from bot.runtime.holiday_check import holiday_gaps
from bot.runtime.plural import count
from handlers import form_chat, retention
from handlers.digest_post import post_due
from handlers.sweep import SweepStats, sweep
from storage import deliveries, fingerprints, request_store, send_log
from storage.engine import transaction

log = logging.getLogger(__name__)
KEEP_DELIVERIES = timedelta(days=1)  # far past every platform's retry and replay window
KEEP_SENDS = timedelta(hours=1, minutes=5)  # past WeCom's longest pacing window (1 h)
KICK_DELAY = timedelta(milliseconds=250)  # after a pass, kicks within this share the next one
RETENTION_AT = {"hour": 3, "minute": 30}  # the calendar's local time: a quiet hour
SWEEP_SCOPE = "sweep"  # the config the stored next checks (next_sweep_at) were worked out under


@dataclass
class TickResult:
    """What one sweep and one dispatch did."""

    sweep: SweepStats
    dispatch: DispatchStats
    seconds: float


def tick(app: DeskApp, dispatcher: Dispatcher, now: datetime | None = None) -> TickResult:
    """One sweep at ``now`` (default: the app's clock), then deliver what is due."""
    started = time.perf_counter()
    moment = now or app.clock()
    swept = sweep(app.desk, moment)
    post_due(app.desk, moment, app.settings.digest, app.attach_chart)
    forget_old_deliveries(app, moment)
    expire_forms(app, moment)
    delivered = dispatcher.run_once()
    return TickResult(swept, delivered, time.perf_counter() - started)


@dataclass(frozen=True)
class Rescheduled:
    """What a config the database had not seen did: live requests made due for the sweep."""

    seen: Literal["changed", "first"]  # another config was seen before, or none
    count: int

    def __str__(self) -> str:
        """What it did, not what the sweep will find: a changed config may move no due time
        (a person's id, a desk's name), so the line says the requests will be looked at."""
        what = "config changed" if self.seen == "changed" else "config first seen"
        requests = count(self.count, "open request", "open requests")
        return f"{what}: {requests} will be looked at again by the next sweep"

    def worth_telling(self) -> bool:
        """A person running a command would want to hear of it (not a new database's first
        run, which had nothing to reschedule)."""
        return self.seen == "changed" or self.count > 0


def reschedule_if_config_changed(app: DeskApp, now: datetime) -> Rescheduled | None:
    """When the config (or the code's ``SCHEDULE_VERSION``) is not the one the database last
    saw, make every live request due for the sweep at ``now``, once, with every rule looked
    at again, so its checks follow the new config (a reminder moved earlier, a rule added,
    even before the request's last sweep); what was already sent stays claimed. What it did
    (also logged), or None when the config is the one seen."""
    with transaction(app.desk.engine) as session:
        seen = fingerprints.record(session, SWEEP_SCOPE, fingerprint(app.settings), now)
        if seen == "same":
            return None
        done = Rescheduled(seen, request_store.sweep_all_again(session, now))
    log.info("%s", done)
    return done


def forget_old_deliveries(app: DeskApp, now: datetime) -> int:
    """Delete delivery claims older than ``KEEP_DELIVERIES``, and sends older than every
    pacing window; how many claims went."""
    with transaction(app.desk.engine) as session:
        send_log.prune(session, now - KEEP_SENDS)
        return deliveries.prune(session, now - KEEP_DELIVERIES)


def purge_expired(app: DeskApp, now: datetime) -> retention.Outcome:
    """Blank what [retention] says has been kept long enough (nothing when it is unset)."""
    return retention.run(app.desk, app.settings.retention, now)


def expire_forms(app: DeskApp, now: datetime) -> int:
    """Drop chat forms left unfinished for a day, telling each owner once."""
    with transaction(app.desk.engine) as session:
        return form_chat.expire(app.desk, session, now)


class Scheduler:
    """Runs the sweep and the dispatcher in the background; jobs are idempotent sweeps."""

    def __init__(self, app: DeskApp, dispatcher: Dispatcher, sweep_seconds: int = 60,
                 dispatch_seconds: int = 5,
                 on_sweep: Callable[[float], None] | None = None) -> None:
        self.app = app
        self.dispatcher = dispatcher
        self.scheduler = BackgroundScheduler(timezone=UTC)
        self.last_sweep: datetime | None = None
        self.sweep_seconds = sweep_seconds
        self.on_sweep = on_sweep
        self.scheduler.add_job(self._sweep, "interval", seconds=sweep_seconds, id="sweep",
                               replace_existing=True, coalesce=True, max_instances=1,
                               misfire_grace_time=sweep_seconds)
        # Two instances: a run that comes round during a long pass (the interval's, a kick's)
        # finds the pass going on and leaves it a kick (``_dispatch``), where APScheduler
        # would skip it with a warning, and its turn would be lost.
        self.scheduler.add_job(self._dispatch, "interval", seconds=dispatch_seconds,
                               id="dispatch", replace_existing=True, coalesce=True,
                               max_instances=2, misfire_grace_time=dispatch_seconds)
        if app.settings.retention.ages():
            self.scheduler.add_job(
                self._retention, CronTrigger(**RETENTION_AT, timezone=app.desk.policy.tz),
                id="retention", replace_existing=True, coalesce=True, max_instances=1,
                misfire_grace_time=3600)
        self._passing = threading.Lock()   # held while a dispatch pass (or its reruns) goes on
        self._kicked = threading.Event()   # rows were queued since the pass began
        self._scheduled = threading.Event()  # a kicked pass is already on APScheduler's list
        self._last_pass = 0.0  # time.monotonic() when the last dispatch pass ended
        self.holidays_checked: date | None = None  # the local day of the last holiday check

    def check_holidays(self) -> None:
        """Warn in the log of each year the desk counts in whose holiday data is missing
        (``holiday_check``), once a local day at most: at start, then from the sweep (a desk
        serving from September hears of next year's from 1 October on)."""
        today = self.app.clock().astimezone(self.app.desk.policy.tz).date()
        if today == self.holidays_checked:
            return
        self.holidays_checked = today  # also when it fails: tried again tomorrow, not nonstop
        try:
            for gap in holiday_gaps(self.app.settings, today):
                log.warning("%s", gap)
        except Exception:  # noqa: BLE001 - a warning that cannot be worked out stops nothing
            log.exception("holiday data check failed")

    def _sweep(self) -> None:
        self.check_holidays()
        try:
            now = self.app.clock()
            started = time.perf_counter()
            sweep(self.app.desk, now)
            if self.on_sweep:
                self.on_sweep(time.perf_counter() - started)
            post_due(self.app.desk, now, self.app.settings.digest, self.app.attach_chart)
            forget_old_deliveries(self.app, now)
            expire_forms(self.app, now)
            self.last_sweep = now
        except Exception:  # noqa: BLE001 - a failed sweep is retried next minute
            log.exception("sweep failed")
        self._dispatch()

    def _retention(self) -> None:
        try:
            purge_expired(self.app, self.app.clock())
        except Exception:  # noqa: BLE001 - what is left is found again the next night
            log.exception("retention failed")

    def _dispatch(self) -> None:
        """One dispatch pass; kicks that came in during it get the next one, ``KICK_DELAY``
        after it ends (a burst of commands is served by a few passes a second, not one pass
        after another). A pass already going on (the sweep's, the timer's) takes a kick over
        instead of a second pass."""
        self._scheduled.clear()
        if not self._passing.acquire(blocking=False):
            self._kicked.set()
            return
        try:
            self._kicked.clear()
            try:
                self.dispatcher.run_once()
            except Exception:  # noqa: BLE001 - rows stay in the outbox for the next run
                log.exception("dispatch failed")
        finally:
            self._last_pass = time.monotonic()
            self._passing.release()
        if self._kicked.is_set():  # rows were queued during the pass
            self.kick()

    def start(self) -> None:
        """Start the jobs, sweeping once at once (a process that was down catches up); warn
        of missing holiday data now."""
        self.check_holidays()
        self.scheduler.start()
        self.scheduler.modify_job("sweep", next_run_time=datetime.now(UTC))

    def kick(self) -> None:
        """Deliver soon: a command just queued notifications. A kick after a quiet spell runs
        a pass at once; kicks during a pass or within ``KICK_DELAY`` of its end share the next
        one, ``KICK_DELAY`` after it (a burst of commands does not start a pass each, nor log
        APScheduler's "skipped" warning for each)."""
        self._kicked.set()
        if self._passing.locked() or self._scheduled.is_set() or not self.scheduler.running:
            return
        self._scheduled.set()
        rested = timedelta(seconds=time.monotonic() - self._last_pass)
        delay = max(timedelta(0), KICK_DELAY - rested)  # a lone kick runs at once
        self.scheduler.modify_job("dispatch", next_run_time=datetime.now(UTC) + delay)

    def alive(self) -> bool:
        """True while the scheduler runs and the last sweep is recent."""
        if not self.scheduler.running:
            return False
        if self.last_sweep is None:
            return True
        return (self.app.clock() - self.last_sweep).total_seconds() < 3 * self.sweep_seconds

    def shutdown(self) -> None:
        """Stop the jobs, waiting for the running ones to finish."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
