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


def _sqlite_file_missing(url: str) -> bool:
    """True for a SQLite URL whose file does not exist yet (nothing to compare with)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return False
    return not parsed.database or parsed.database == ":memory:" or not Path(
        parsed.database).exists()


def database_warnings(settings: Settings) -> list[str]:
    """Open requests the config would orphan and people it would merge; never raises."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session

    from handlers.orphans import open_orphans
    from storage import people
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
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        return [f"could not compare with the database ({reason}); run `crossdesk db upgrade` "
                "or check --database-url"]
    finally:
        engine.dispose()
    out.extend(_people_warnings(moves))
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


def warnings(settings: Settings, today: date) -> list[str]:
    """Every warning for ``check-config`` (the config is valid; these need a look)."""
    return [*database_warnings(settings), *(str(g) for g in holiday_gaps(settings, today))]
