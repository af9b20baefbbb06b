"""On PostgreSQL a migration holds an advisory lock: a second process waits its turn (and
gives up with a clear error after its bound), then finds the schema current."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from storage import migrate
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="advisory locks are PostgreSQL's")


def test_an_upgrade_waits_for_the_lock_and_gives_up_with_a_clear_error(engine: Engine) -> None:
    with engine.begin() as holder:
        holder.execute(text("SELECT pg_advisory_xact_lock(:cls, hashtext(current_schema()))"),
                       {"cls": migrate.LOCK_CLASS})
        with pytest.raises(migrate.MigrationLockTimeout, match="another process"):
            migrate.upgrade(engine, lock_wait=0.5)
    migrate.upgrade(engine, lock_wait=0.5)  # released with the holder's transaction
    assert migrate.current_revision(engine) == migrate.head_revision()
