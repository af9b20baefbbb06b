"""An erased person's shared files: their bytes (database and files folder) go, and their
names wherever retention's ``files_after`` blanks them (the attachment row, the history's
file notes, a form's file field) and in the messages that passed them on. Their names in
other text that names the person are dashed by ``erasure.Traces``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlmodel import Session, col

from storage import retention, retention_files
from storage.files import FILE_EVENTS
from storage.models import Attachment, FileBlob, Outbox

ERASED = "erased"  # an erased person's attachment: no name, no bytes; a message not sent
CARRIED = ("file", "attachment")  # ``extra`` keys of the messages carrying a file: its id


@dataclass(frozen=True)
class Files:
    """The files a person shared: attachment ids, their requests, names and folder paths."""

    ids: list[int]
    requests: list[int]
    names: tuple[str, ...]
    locations: list[str]


def of_person(session: Session, person_id: str) -> Files:
    """Every file ``person_id`` shared (one query)."""
    rows = session.execute(select(col(Attachment.id), col(Attachment.request_id),
                                  col(Attachment.name), col(Attachment.location))
                           .where(col(Attachment.author_id) == person_id)).all()
    return Files(ids=[r.id for r in rows], requests=sorted({r.request_id for r in rows}),
                 names=tuple(sorted({r.name for r in rows if r.name})),
                 locations=[r.location for r in rows if r.location])


def erase(session: Session, files: Files, person_id: str, now: datetime) -> dict[str, int]:
    """Delete the bytes, blank the names (the attachment rows keep size, request, time),
    blank and stop the messages that carried the files; rows changed per table (``table``)
    or deleted (``table:deleted``). The history's file notes are the person's own rows:
    counted where the pseudonym is put in."""
    if not files.ids:
        return {}
    deleted = session.execute(delete(FileBlob).where(col(FileBlob.attachment_id).in_(
        files.ids)))
    session.execute(update(Attachment).where(col(Attachment.id).in_(files.ids)).values(
        name="", source="", state=ERASED, location=None, sha256=None, failed_reason=None))
    retention.event_notes(session, files.requests, True, kinds=FILE_EVENTS, actors=(person_id,))
    fields = retention_files.file_fields(session, files.requests, True, names=files.names)
    return {"file_blob:deleted": deleted.rowcount or 0,  # type: ignore[attr-defined]
            "request_field": fields.rows, "outbox": _messages(session, files, now)}


def _messages(session: Session, files: Files, now: datetime) -> int:
    """The messages passing one of the files on (or fetching it): blanked as retention blanks
    a sent copy; one not sent yet is not sent (failed: ``erased``)."""
    carrying = set(files.ids)
    found: list[dict[str, Any]] = []
    for row_id, payload, delivered, failed in session.execute(
            select(col(Outbox.id), col(Outbox.payload), col(Outbox.delivered_at),
                   col(Outbox.failed_at))
            .where(col(Outbox.request_id).in_(files.requests))).all():
        extra = payload.get("extra") or {}
        if not any(isinstance(extra.get(key), int) and extra[key] in carrying
                   for key in CARRIED):
            continue
        values: dict[str, Any] = {"id": row_id,
                                  "payload": retention.blank_payload(payload)}
        if delivered is None and failed is None:
            values.update(failed_at=now, failed_reason=ERASED)
        found.append(values)
    for stopped in (True, False):  # one UPDATE by primary key per shape of values
        group = [v for v in found if ("failed_at" in v) is stopped]
        if group:
            session.execute(update(Outbox), group)
    return len(found)
