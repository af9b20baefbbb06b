"""`crossdesk export`: requests, events, ratings or suggestions as CSV or JSON lines; a
request's rows (events, comments, ratings, attachments) name it by ``ref`` too; the senders of
anonymous suggestions stay hidden unless an admin asks to see them; no CSV cell starts a
spreadsheet formula."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, col, func, select

from bot.cli import export_fields, progress
from bot.cli.export_fields import FormColumns
from bot.runtime.clock import SystemClock
from bot.runtime.config import Settings
from handlers import suggestions
from handlers.requests import COMMENT_KINDS
from storage import migrate, request_fields
from storage.engine import BATCH_LIMITS, make_engine, transaction
from storage.models import Attachment, Event, Rating, Request, Suggestion


class ExportError(Exception):
    """The database cannot be exported (missing, or never initialised)."""


TABLES: dict[str, type[SQLModel]] = {
    "requests": Request, "events": Event, "ratings": Rating, "suggestions": Suggestion,
    "comments": Event, "attachments": Attachment,
}
# ``comments``: the events that are comments, with author (actor_id) and kind (commented,
# thread_reply, dm_reply, internal_note). ``attachments``: the files shared on requests (name,
# type, size, who, state; their bytes stay in the store).
WHERE: dict[str, Any] = {"comments": col(Event.kind).in_(COMMENT_KINDS)}
BATCH = 1000
REF = "ref"  # a request's row: its request's ref (FIN-12) right after request_id
# A spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(…), +cmd|…).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def format_for(output: Path | None) -> str:
    """The format an export without --format is written in: CSV for a ``.csv`` file, else
    JSON lines."""
    return "csv" if output is not None and output.suffix.lower() == ".csv" else "jsonl"


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: user text that would start a formula gets a
    leading single quote; numbers, dates and other text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def reveal_for(settings: Settings, what: str, reveal: bool, as_person: str | None) -> bool:
    """Whether anonymous senders may be shown; ValueError (exit 2) says what to type instead."""
    admins = settings.policy.admins
    example = f"--reveal-anonymous --as {admins[0]}" if admins else \
        "--reveal-anonymous --as PERSON (after adding PERSON to bot.admins)"
    if not reveal:
        if as_person is not None:
            raise ValueError(f"--as only goes with --reveal-anonymous; type {example}")
        return False
    if what != "suggestions":
        raise ValueError("--reveal-anonymous applies to suggestions only; type --what "
                         f"suggestions {example}")
    if as_person is None:
        raise ValueError("--reveal-anonymous shows who sent anonymous suggestions, which only "
                         f"an admin (bot.admins) may see; say who you are: {example}")
    if settings.catalog.person_spec(as_person) is None:
        raise ValueError(f"--as {as_person}: no such person in [[people]]; type {example}")
    if as_person not in admins:
        raise ValueError(f"--as {as_person}: {as_person} is not an admin (bot.admins), and only "
                         "admins may see who sent anonymous suggestions; export without "
                         f"--reveal-anonymous, or ask an admin to run {example}")
    return True


def _plain(value: Any) -> Any:
    """A value as the export gives it: datetimes ISO; lists and dicts (a rating's tags) stay
    JSON arrays and objects (CSV writes them as JSON text, ``_cell``)."""
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _cell(value: Any) -> Any:
    """A CSV cell: lists and dicts as JSON text, nothing a spreadsheet runs as a formula."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return safe_cell(value)


def _number(value: Any) -> Any:
    """A form's number in JSON: a plain number."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def columns(what: str) -> list[str]:
    """A table's export columns: a request's rows carry its ``ref`` right after request_id."""
    names = list(TABLES[what].model_fields)
    if "request_id" in names:
        names.insert(names.index("request_id") + 1, REF)
    return names


def _refs(session: Session, chunk: Sequence[Any]) -> dict[int, str]:
    """The refs of these rows' requests (one query), as the requests export writes them: a
    transferred request keeps its ref, and a purged one too."""
    request_ids = {item.request_id for item in chunk}
    stmt = select(col(Request.id), col(Request.ref)).where(col(Request.id).in_(request_ids))
    return {i: ref for i, ref in session.exec(stmt) if i is not None}


def rows(session: Session, what: str, batch: int = BATCH, reveal: bool = False,
         form: FormColumns | None = None) -> Iterator[dict[str, Any]]:
    """Rows of one table as plain dicts, in id order, read in batches; anonymous suggestions
    without their author unless ``reveal``; requests with their ``form`` columns, a request's
    rows with its ``ref`` (one query per batch each)."""
    model = TABLES[what]
    names = columns(what)
    with_ref = "request_id" in model.model_fields
    last = 0
    while True:
        id_col = col(model.id)  # type: ignore[attr-defined]
        stmt = select(model).where(id_col > last, *_where(what))
        chunk = list(session.exec(stmt.order_by(id_col).limit(batch)))
        if not chunk:
            return
        ids = [item.id for item in chunk]  # type: ignore[attr-defined]
        values = request_fields.of_requests(session, ids) if form else {}
        refs = _refs(session, chunk) if with_ref else {}
        for item in chunk:
            data = item.model_dump()
            if what == "suggestions" and data.get("anonymous") and not reveal:
                data["author_id"] = None
            if with_ref:
                data[REF] = refs.get(data["request_id"])
            row = {k: _plain(data.get(k)) for k in names}
            if form is not None:
                row.update(form.cells(values.get(data["id"], {}).values()))
            yield row
        last = chunk[-1].id  # type: ignore[attr-defined]


def _where(what: str) -> tuple[Any, ...]:
    return (WHERE[what],) if what in WHERE else ()


def write_export(settings: Settings, what: str, fmt: str, output: Path | None,
                 reveal: bool = False, revealed_by: str | None = None,
                 clock: Callable[[], datetime] | None = None) -> int:
    """Write the export (a progress bar on a terminal's stderr); returns the number of rows.
    ``reveal`` (checked by reveal_for) shows the senders of anonymous suggestions: who asked
    (``revealed_by``), when and which are recorded, and the other admins are told."""
    if what not in TABLES:
        raise ValueError(f"--what must be one of {', '.join(TABLES)}")
    url = make_url(settings.database_url)
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") \
            and not Path(url.database).exists():
        raise ExportError(f"database {shown} does not exist; check --database-url")
    engine = make_engine(settings.database_url, limits=BATCH_LIMITS)
    if migrate.current_revision(engine) is None:
        engine.dispose()
        raise ExportError(f"database {shown} has no crossdesk tables; run `crossdesk db upgrade` "
                          "or check --database-url")
    count = 0
    shown_ids: list[int] = []
    out: TextIO = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    # Rows streaming onto the terminal show their own progress: a bar would only garble them.
    bar_wanted = output is not None or not progress.on_terminal(sys.stdout)
    try:
        with Session(engine) as session:
            total = session.exec(select(func.count()).select_from(TABLES[what])
                                 .where(*_where(what))).one()
            form = export_fields.plan(session, settings.catalog) if what == "requests" else None
            fields = columns(what) + (form.columns if form else [])
            writer = csv.DictWriter(out, fieldnames=fields) if fmt == "csv" else None
            if writer:
                writer.writeheader()
            with progress.bar(f"Exporting {what}", total, enabled=bar_wanted) as steps:
                for row in rows(session, what, reveal=reveal, form=form):
                    if reveal and row.get("anonymous"):
                        shown_ids.append(int(row["id"]))
                    if writer:
                        writer.writerow({k: _cell(v) for k, v in row.items()})
                    else:
                        out.write(json.dumps(row, ensure_ascii=False, default=_number) + "\n")
                    count += 1
                    if count % BATCH == 0:
                        steps.advance(BATCH)
                steps.advance(count % BATCH)
        if reveal:
            with transaction(engine) as session:
                suggestions.record_reveal(session, settings.policy, revealed_by or "?",
                                          shown_ids, (clock or SystemClock())())
    finally:
        if output:
            out.close()
        engine.dispose()
    return count
