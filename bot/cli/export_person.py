"""`crossdesk export --person ID --as ADMIN`: the right of access. Everything stored about
one person as one JSON document; the export itself is recorded (a ``person_export``
disclosure: who and when; the person is not named there, so an erasure has nothing to
find)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlmodel import Session

from bot.cli.export import ExportError
from bot.runtime.clock import SystemClock
from bot.runtime.config import Settings
from storage import migrate, person_export
from storage.engine import make_engine, transaction
from storage.models import Disclosure

KIND = "person_export"


def check_admin(settings: Settings, as_person: str | None, person_id: str) -> str:
    """``--as`` must name an admin (the export records who ran it): the admin's id, or
    ValueError (exit 2) saying what to type."""
    admins = settings.policy.admins
    example = f"crossdesk export --person {person_id} --as {admins[0] if admins else 'ADMIN'}"
    if as_person is None:
        raise ValueError(f"--person needs --as ADMIN: only an admin (bot.admins) exports a "
                         f"person's data, and the export records who did; type {example}")
    if as_person not in admins:
        raise ValueError(f"--as {as_person}: only an admin (bot.admins) exports a person's "
                         f"data; ask an admin to run {example}")
    return as_person


def write_person(settings: Settings, person_id: str, output: Path | None, as_person: str,
                 clock: Callable[[], datetime] | None = None) -> None:
    """Write the person's data as JSON (stdout, or ``output``) and record the export;
    ExportError when there is no such person or no database."""
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    engine = make_engine(settings.database_url)
    try:
        if migrate.current_revision(engine) is None:
            raise ExportError(f"database {shown} has no crossdesk tables; run `crossdesk db "
                              "upgrade` or check --database-url")
        with Session(engine) as session:
            data = person_export.collect(session, person_id)
        if data is None:
            raise ExportError(f"no person {person_id} in {shown} (an erased person is not found "
                              "by their old id); check the id")
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        with transaction(engine) as session:
            session.add(Disclosure(actor_id=as_person, kind=KIND,
                                   created_at=(clock or SystemClock())()))
    finally:
        engine.dispose()
