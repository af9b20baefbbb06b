"""Retention of shared files: their bytes leave ``file_blob`` and the files folder; the
attachment row stays (type, size, who, when) with its name gone and state ``purged``."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from storage.files import PURGED, STORED
from storage.models import Attachment, FileBlob, RequestField
from storage.retention import Blanked

FILE_FIELD = "file"  # a form's field answered by a file: its value is the file's name


def attachments(session: Session, ids: Collection[int], folder: str | None,
                apply: bool) -> Blanked:
    """Files shared on these requests, not purged yet. A file in the folder is deleted
    before the transaction commits: if the commit fails, the next run finds the row again
    and the file already gone, never the other way round."""
    rows = list(session.exec(select(Attachment).where(
        col(Attachment.request_id).in_(ids), col(Attachment.state) != PURGED)))
    stored = [r for r in rows if r.state == STORED]
    found = Blanked(requests={r.request_id for r in rows}, rows=len(rows), files=len(stored),
                    bytes=sum(r.size or 0 for r in stored))
    if not apply or not rows:
        return found
    row_ids = [r.id for r in rows]
    session.execute(delete(FileBlob).where(col(FileBlob.attachment_id).in_(row_ids)))
    for row in stored:
        if row.location:
            (Path(folder or ".") / row.location).unlink(missing_ok=True)
    session.execute(update(Attachment).where(col(Attachment.id).in_(row_ids)).values(
        name="", source="", location=None, sha256=None, share_to=None, failed_reason=None,
        state=PURGED))
    return found


def file_fields(session: Session, ids: Collection[int], apply: bool,
                names: Collection[str] | None = None) -> Blanked:
    """Form values naming a shared file (a ``file`` field) on these requests, those naming
    one of ``names`` when given: the value stays (the form was answered), its name goes."""
    stmt = select(RequestField.id, RequestField.request_id).where(
        col(RequestField.request_id).in_(ids), col(RequestField.type) == FILE_FIELD,
        col(RequestField.text).is_not(None))
    if names is not None:
        stmt = stmt.where(col(RequestField.text).in_(names))
    rows = list(session.exec(stmt))
    if apply and rows:
        session.execute(update(RequestField).where(col(RequestField.id).in_(
            [r[0] for r in rows])).values(text=None))
    return Blanked(requests={r[1] for r in rows}, rows=len(rows))
