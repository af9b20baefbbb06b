"""`check-config` warnings: what a valid config would do to the database it points at, and
holiday data missing for this year (or, from October, next year)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.runtime.config import Settings
from bot.runtime.holiday_check import holiday_gaps

if TYPE_CHECKING:
    from storage.people import Move
    from storage.unlisted import Unlisted


def _sqlite_file_missing(url: str) -> bool:
    """True for a SQLite URL whose file does not exist yet (nothing to compare with)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return False
    return not parsed.database or parsed.database == ":memory:" or not Path(
        parsed.database).exists()


def database_warnings(settings: Settings) -> list[str]:
    """Open requests the config would orphan, people it would merge and people it drops
    who have open requests; never raises."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session

    from handlers.orphans import open_orphans
    from storage import people, unlisted
    from storage.engine import make_engine

    if _sqlite_file_missing(settings.database_url):
        return []
    out: list[str] = []
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            moves = people.plan_moves(
                session, [(p.id, p.slack, p.wecom) for p in settings.catalog.people])
            orphans = open_orphans(session, settings.catalog)
            dropped = unlisted.with_open_requests(
                session, [p.id for p in settings.catalog.people])
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        return [f"could not compare with the database ({reason}); run `crossdesk db upgrade` "
                "or check --database-url"]
    finally:
        engine.dispose()
    out.extend(_people_warnings(moves))
    merged = {move.holder for move in moves if move.merge}
    out.extend(_dropped_warning(person) for person in dropped if person.id not in merged)
    for request in orphans:
        dep = settings.catalog.department(request.department)
        what = (f"department {request.department!r}" if dep.gone
                else f"service {request.department}/{request.category}")
        out.append(f"departments: open request {request.ref} belongs to {what}, which this "
                   "config removes; admins see it in `/request queue` and can transfer or "
                   "cancel it")
    return out


def _people_warnings(moves: list[Move]) -> list[str]:
    """One line per person merged (naming each platform id that brings it about), and one
    per platform id that moves between two configured people."""
    merged: dict[tuple[str, str], list[str]] = {}
    out: list[str] = []
    for move in moves:
        if move.merge:
            merged.setdefault((move.holder, move.to), []).append(
                f"{move.platform} id {move.handle}")
        else:
            out.append(f"people: {move.platform} id {move.handle} moves from {move.holder!r} "
                       f"to {move.to!r}")
    merges = [f"people: {holder!r} (who has {' and '.join(ids)}) will be merged into {to!r}: "
              "their requests, ratings and comments move to them"
              for (holder, to), ids in merged.items()]
    return merges + out


def _dropped_warning(person: Unlisted) -> str:
    """A person the config no longer lists who still has open requests, and the ways out:
    a new id takes a person's history over only through the slack or wecom id they have."""
    roles = ", ".join(f"{n} as {role}" for n, role in (
        (person.requested, "requester"), (person.assigned, "assignee"),
        (person.approving, "approver")) if n)
    handles = [f'{key} = "{value}"' for key, value in (("slack", person.slack_id),
                                                       ("wecom", person.wecom_id)) if value]
    merge = (f", or give the new entry {' or '.join(handles)} so their history is merged "
             "into it" if handles else "")
    left = [what for n, what in (
        (person.assigned, "`/request assign` the requests assigned to them to someone else"),
        (person.requested, "resolve or `/request cancel` those they asked for")) if n]
    if_left = f"; if they left, first {' and '.join(left)}" if left else ""
    steps = ("; an approval step with none of its approvers left in the config is decided by "
             "an admin" if person.approving else "")
    return (f"people: {person.id!r} ({person.name}) is no longer in [[people]] but has open "
            f"requests ({roles}): if they were renamed, keep the old id (id = "
            f"\"{person.id}\"){merge}{if_left}{steps}")


def warnings(settings: Settings, today: date) -> list[str]:
    """Every warning for ``check-config`` (the config is valid; these need a look)."""
    return [*database_warnings(settings), *(str(g) for g in holiday_gaps(settings, today))]
