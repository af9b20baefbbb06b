"""Attachments and their bytes: in the database (``file_blob``) or in a folder every replica
shares (``[files] dir``). A file is written whole (a temporary name, then renamed) or not at
all."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import Attachment, FileBlob

FETCHING = "fetching"
STORED = "stored"
FAILED = "failed"
# history kinds of a file added: an internal note's shows only to the desk
FILE_EVENTS = ("file", "internal_file")
PURGED = "purged"  # retention removed its bytes and name (type, size, who, when stay)
MAX_REASON = 300


def add(session: Session, attachment: Attachment) -> Attachment:
    """Insert ``attachment``; it comes back with its id."""
    session.add(attachment)
    session.flush()
    return attachment


def get(session: Session, attachment_id: int) -> Attachment | None:
    """One attachment by id."""
    return session.get(Attachment, attachment_id)


def of_request(session: Session, request_id: int) -> list[Attachment]:
    """A request's attachments, oldest first."""
    stmt = (select(Attachment).where(Attachment.request_id == request_id)
            .order_by(col(Attachment.id)))
    return list(session.exec(stmt))


def put(session: Session, attachment: Attachment, data: bytes, now: datetime,
        folder: str | None = None) -> None:
    """Keep ``data`` as the attachment's bytes (the database, or ``folder``) and mark it
    stored. In a folder the file appears under its final name only once fully written."""
    assert attachment.id is not None
    digest = hashlib.sha256(data).hexdigest()
    if folder:
        root = Path(folder)
        root.mkdir(parents=True, exist_ok=True)
        final = root / f"{attachment.id:08d}-{digest[:16]}"
        partial = final.with_name(final.name + ".part")
        with partial.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(final)
        attachment.location = final.name
    else:
        session.merge(FileBlob(attachment_id=attachment.id, data=data))
    attachment.sha256 = digest
    attachment.size = len(data)
    attachment.state = STORED
    attachment.stored_at = now
    attachment.failed_reason = None
    session.add(attachment)
    session.flush()


def read(session: Session, attachment: Attachment, folder: str | None = None) -> bytes | None:
    """The stored bytes (None when not stored, or gone from the folder)."""
    if attachment.state != STORED or attachment.id is None:
        return None
    if attachment.location:
        path = Path(folder or ".") / attachment.location
        return path.read_bytes() if path.is_file() else None
    blob = session.get(FileBlob, attachment.id)
    return bytes(blob.data) if blob is not None else None


def fail(session: Session, attachment_id: int, reason: str) -> bool:
    """Mark a file still being fetched as failed for ``reason``; False if it was not
    (stored or failed meanwhile)."""
    stmt = (update(Attachment).where(col(Attachment.id) == attachment_id,
                                     col(Attachment.state) == FETCHING)
            .values(state=FAILED, failed_reason=reason[:MAX_REASON]))
    return bool(session.connection().execute(stmt).rowcount)
