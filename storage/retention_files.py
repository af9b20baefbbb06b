"""Retention of shared files: their bytes leave ``file_blob`` and the files folder; the
attachment row stays (type, size, who, when) with its name gone and state ``purged``."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from storage.files import PURGED, STORED
from storage.models import Attachment, FileBlob
from storage.retention import Blanked


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
