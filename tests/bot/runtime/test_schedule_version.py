"""A code upgrade that changes how the schedule is worked out (``SCHEDULE_VERSION``) has every
live request looked at again at the first start, as a config change does; the same code and
config again reschedule nothing."""

from __future__ import annotations

from sqlmodel import Session

from bot.runtime.config_fingerprint import SCHEDULE_VERSION, fingerprint
from bot.runtime.scheduler import SWEEP_SCOPE, Rescheduled, reschedule_if_config_changed
from handlers.sweep import sweep
from storage import fingerprints, request_store
from storage.engine import transaction
from tests.conftest import local


def test_another_schedule_version_gives_another_fingerprint(settings):
    assert fingerprint(settings, SCHEDULE_VERSION + 1) != fingerprint(settings)
    assert fingerprint(settings, SCHEDULE_VERSION) == fingerprint(settings)


def test_a_database_last_seen_by_another_schedule_version_is_rescheduled(desk_app, clock):
    desk_app.handle("henry", "/request finance reimbursement taxi 86 CNY")
    now = local("2026-11-23T11:30")
    sweep(desk_app.desk, now)  # FIN-1's next check: its warning at 75 % (12:00, then 13:30)
    with transaction(desk_app.desk.engine) as session:  # what the older code left
        fingerprints.record(session, SWEEP_SCOPE,
                            fingerprint(desk_app.settings, SCHEDULE_VERSION - 1), now)
    later = local("2026-11-23T11:40")
    assert reschedule_if_config_changed(desk_app, later) == Rescheduled("changed", 1)
    with Session(desk_app.desk.engine) as session:
        row = request_store.by_ref(session, "FIN-1")
        assert row is not None and row.next_sweep_at == later and row.swept_until is None
    assert reschedule_if_config_changed(desk_app, local("2026-11-23T11:50")) is None
