"""Shared files for the platform senders: fetch a file's bytes from its platform (an outbox
row of kind ``file_fetch``: a failure is retried with the outbox's backoff while the platform
keeps the file, then the file is marked failed with the reason), and read stored files back
to pass them on."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlmodel import Session

from bot.runtime.dispatch import DeliveryError
from handlers import attachments
from handlers.desk import Clock, Desk
from handlers.messages import Message
from storage import files
from storage.engine import transaction

log = logging.getLogger(__name__)
# A platform's DeliveryError code for a shared "file" that is a link to another service
# (Google Drive, Dropbox…): never fetched with the platform's token; the author is asked
# for the file itself.
EXTERNAL_FILE = "external_file"


@dataclass(frozen=True)
class Downloaded:
    """A file's bytes as the platform served them, with the type, name and size it gave
    (``data`` stops past the size limit: such a file is refused by its ``size``)."""

    data: bytes
    mime: str | None = None
    name: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class Stored:
    """A stored file, ready to pass on."""

    attachment_id: int
    name: str
    mime: str
    data: bytes


Download = Callable[[str, int], Downloaded]  # (the platform's id, the size limit)


def read_capped(chunks: Iterable[bytes], limit: int) -> bytes:
    """A download's bytes, read no further than ``limit`` + 1 (one byte past the limit is
    enough to refuse the file by its size)."""
    data = bytearray()
    for chunk in chunks:
        data += chunk
        if len(data) > limit:
            break
    return bytes(data[:limit + 1])


class FileService:
    """What a sender needs for files: ``fetch`` one (given the platform's download) and
    ``content`` of a stored one."""

    def __init__(self, desk: Desk, clock: Clock) -> None:
        self.desk = desk
        self.clock = clock

    def fetch(self, message: Message, download: Download) -> None:
        """Fetch the file of a ``file_fetch`` row and keep it. A transient failure raises
        DeliveryError (the row is retried later) until the file's ``fetch_until``; then, or
        when the platform refuses for good, the file is failed with the reason."""
        attachment_id = int(message.extra["attachment"])
        with Session(self.desk.engine) as session:
            row = files.get(session, attachment_id)
            if row is None or row.state != files.FETCHING:
                return  # fetched by an earlier try, or failed already
            source, until, created = row.source, row.fetch_until, row.created_at
        now = self.clock()
        try:
            got = download(source.partition(":")[2], self.desk.files.max_bytes)
        except DeliveryError as exc:
            reason: attachments.Reason
            if exc.permanent and exc.code == EXTERNAL_FILE:
                reason = "file.external", {}
            elif exc.permanent:
                reason = "file.gone", {"error": exc.code or str(exc)[:120]}
            elif until is not None and now >= until:
                days = max(1, round((until - created).total_seconds() / 86400))
                reason = "file.expired", {"days": days, "error": str(exc)[:120]}
            else:
                raise
            log.warning("file %s not fetched, given up: %s", attachment_id, exc)
            with transaction(self.desk.engine) as session:
                attachments.failed(self.desk, session, attachment_id, reason, now)
            return
        with transaction(self.desk.engine) as session:
            attachments.fetched(self.desk, session, attachment_id, got.data, now,
                                name=got.name, mime=got.mime, size=got.size)

    def content(self, attachment_id: int) -> Stored | None:
        """A stored file's name, type and bytes (None when it is not stored)."""
        with Session(self.desk.engine) as session:
            row = files.get(session, attachment_id)
            if row is None:
                return None
            data = files.read(session, row, self.desk.files.dir)
            if data is None or row.id is None:
                return None
            return Stored(row.id, row.name, row.mime, data)
