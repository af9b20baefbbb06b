"""`crossdesk export`: requests, events, ratings or suggestions as CSV or JSON lines."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, col, select

from bot.config import Settings
from storage import migrate
from storage.engine import make_engine
from storage.models import Event, Rating, Request, Suggestion


class ExportError(Exception):
    """The database cannot be exported (missing, or never initialised)."""


TABLES: dict[str, type[SQLModel]] = {
    "requests": Request, "events": Event, "ratings": Rating, "suggestions": Suggestion,
}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def rows(session: Session, what: str, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Rows of one table as plain dicts, in id order, read in batches."""
    model = TABLES[what]
    last = 0
    while True:
        id_col = col(model.id)  # type: ignore[attr-defined]
        chunk = list(session.exec(select(model).where(id_col > last).order_by(id_col).limit(batch)))
        if not chunk:
            return
        for item in chunk:
            data = item.model_dump()
            if what == "suggestions" and data.get("anonymous"):
                data["author_id"] = None
            yield {k: _plain(data.get(k)) for k in model.model_fields}
        last = chunk[-1].id  # type: ignore[attr-defined]


def write_export(settings: Settings, what: str, fmt: str, output: Path | None) -> int:
    """Write the export; returns the number of rows."""
    if what not in TABLES:
        raise ValueError(f"--what must be one of {', '.join(TABLES)}")
    url = make_url(settings.database_url)
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") \
            and not Path(url.database).exists():
        raise ExportError(f"database {shown} does not exist; check --database-url")
    engine = make_engine(settings.database_url)
    if migrate.current_revision(engine) is None:
        engine.dispose()
        raise ExportError(f"database {shown} has no crossdesk tables; run `crossdesk db upgrade` "
                          "or check --database-url")
    count = 0
    out: TextIO = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        with Session(engine) as session:
            fields = list(TABLES[what].model_fields)
            writer = csv.DictWriter(out, fieldnames=fields) if fmt == "csv" else None
            if writer:
                writer.writeheader()
            for row in rows(session, what):
                if writer:
                    writer.writerow(row)
                else:
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
    finally:
        if output:
            out.close()
        engine.dispose()
    return count
