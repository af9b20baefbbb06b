"""`crossdesk erase person ID --as ADMIN`: the right to erasure. Refused while the person is
still in the config; otherwise one transaction puts a pseudonym wherever they were, deletes
their own rows and files, and records who erased whom (by pseudonym) and when."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlmodel import Session

from bot.runtime.app import files_policy
from bot.runtime.clock import SystemClock
from bot.runtime.config import Settings
from bot.runtime.plural import count
from storage import erasure, migrate
from storage.engine import make_engine
from storage.models import Person


class EraseError(Exception):
    """The erasure cannot run: the message says why and what to do (exit 1)."""


@dataclass(frozen=True)
class Done:
    """What an erasure changed (or, for a dry run, would change)."""

    pseudonym: str
    counts: dict[str, int]
    files_removed: int
    dry_run: bool


def check_admin(settings: Settings, as_person: str | None, person_id: str) -> None:
    """Only an admin (bot.admins) may erase; EraseError names what to type instead."""
    admins = settings.policy.admins
    example = f"crossdesk erase person {person_id} --as {admins[0] if admins else 'ADMIN'}"
    if as_person is None:
        raise EraseError(f"say who you are (one of bot.admins): {example}")
    if as_person not in admins:
        raise EraseError(f"--as {as_person}: only an admin (bot.admins) may erase a person; "
                         f"ask an admin to run {example}")
    if as_person == person_id:
        raise EraseError(f"an admin cannot erase themselves; ask another admin to run {example}")


def config_lines(path: Path, person_id: str) -> list[str]:
    """The config lines that still name ``person_id`` ("12: id = …"), the [[people]] block's
    id and name first."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    quoted = re.compile(r"""["']""" + re.escape(person_id) + r"""["']""")
    found: list[str] = []
    for number, line in enumerate(lines, start=1):
        if quoted.search(line.split("#", 1)[0]):
            found.append(f"{path}:{number}: {line.strip()}")
            if re.match(r"\s*id\s*=", line) and number < len(lines) and \
                    re.match(r"\s*name\s*=", lines[number]):
                found.append(f"{path}:{number + 1}: {lines[number].strip()}")
    return found


def refuse_if_configured(settings: Settings, path: Path, person_id: str, as_person: str
                         ) -> None:
    """A person still in [[people]] would come back on the next start: refuse, listing the
    lines to remove first."""
    if settings.catalog.person_spec(person_id) is None:
        return
    shown = "\n".join(f"  {line}" for line in config_lines(path, person_id))
    raise EraseError(
        f"{person_id} is still in the config, and would come back on the next start. Remove "
        f"their [[people]] block and every other mention of {person_id} (members, leads, "
        f"manager, approvers, bot.admins) from {path}:\n{shown}\nthen run `crossdesk "
        f"check-config` and `crossdesk erase person {person_id} --as {as_person}` again.")


def _no_tables(shown: str) -> EraseError:
    return EraseError(f"database {shown} has no crossdesk tables; check --database-url")


def _no_person(shown: str, person_id: str) -> EraseError:
    return EraseError(f"no person {person_id} in {shown} (an erased person is not found by "
                      "their old id); check the id")


def check_person(settings: Settings, person_id: str) -> None:
    """EraseError when the database has no crossdesk tables or no such person: checked before
    asking for confirmation."""
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    engine = make_engine(settings.database_url)
    try:
        if migrate.current_revision(engine) is None:
            raise _no_tables(shown)
        with Session(engine) as session:
            if session.get(Person, person_id) is None:
                raise _no_person(shown, person_id)
    finally:
        engine.dispose()


def run(settings: Settings, person_id: str, erased_by: str, dry_run: bool,
        clock: Callable[[], datetime] | None = None) -> Done:
    """Erase ``person_id`` in one transaction, or count what would change (a dry run)."""
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    engine = make_engine(settings.database_url)
    try:
        if migrate.current_revision(engine) is None:
            raise _no_tables(shown)
        now = (clock or SystemClock())()
        with Session(engine) as session:
            outcome = erasure.erase(session, person_id, erased_by, now)
            if outcome is None:
                raise _no_person(shown, person_id)
            if dry_run:
                session.rollback()
                return Done(outcome.pseudonym, outcome.counts(), 0, True)
            session.commit()
    finally:
        engine.dispose()
    return Done(outcome.pseudonym, outcome.counts(), _remove(settings, outcome.files), False)


def _remove(settings: Settings, locations: list[str]) -> int:
    """Delete the erased person's files from the [files] dir (after the commit)."""
    folder = Path(files_policy(settings).dir or settings.path.parent)
    removed = 0
    for name in locations:
        path = folder / name
        if path.is_file():
            path.unlink()
            removed += 1
    return removed


def report(done: Done) -> list[str]:
    """What changed per table, as lines for the terminal."""
    lines = [f"{table.removesuffix(':deleted')}: {count(n, 'row', 'rows')} "
             f"{'deleted' if table.endswith(':deleted') else 'pseudonymised'}"
             for table, n in done.counts.items()]
    head = ("dry run: nothing was changed; erasing would change:" if done.dry_run
            else f"erased: the person is now {done.pseudonym}; changed:")
    tail = [] if done.dry_run else [f"files removed from the files folder: {done.files_removed}"]
    return [head, *(f"  {line}" for line in lines), *tail]
