"""The retention job: blank the words of requests closed long enough ago ([retention]), kind
by kind, a batch of requests per transaction. Times, states, stars, tags, amounts and
departments stay, so the digests and scorecards of past years still add up."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from handlers.deflection import ANSWERED_NOTE
from handlers.desk import Desk
from handlers.requests import COMMENT_KINDS
from handlers.retention_rules import KINDS, RetentionPolicy
from storage import retention as store
from storage import retention_files
from storage.engine import transaction
from storage.files import FILE_EVENTS
from storage.models import Request
from storage.retention import PURGED_TITLE, Blanked, Due

log = logging.getLogger(__name__)
BATCH = 500  # requests per transaction: a first run on years of data commits as it goes
COPIES = "sent_messages"  # the words repeated in sent notifications: go with the first kind
# history notes that are figures, not words: a person id, department keys, a priority
# change, a service change, a snooze length; the kinds after them have their own ages
FIGURE_NOTES = ("assigned", "transferred", "priority", "service_changed", "snoozed")
NOT_DETAILS = (*FIGURE_NOTES, *COMMENT_KINDS, "rated", *FILE_EVENTS)


@dataclass
class KindTally:
    """One kind's total over a run: requests, rows, stored files and their bytes, and the
    closing times of the oldest and newest request touched."""

    requests: int = 0
    rows: int = 0
    files: int = 0
    bytes: int = 0
    oldest: datetime | None = None
    newest: datetime | None = None

    def add(self, blanked: Blanked, closed: dict[int, datetime]) -> None:
        """Count one batch's step in."""
        self.requests += len(blanked.requests)
        self.rows += blanked.rows
        self.files += blanked.files
        self.bytes += blanked.bytes
        moments = [closed[i] for i in blanked.requests if i in closed]
        if moments:
            self.oldest = min([m for m in (self.oldest, min(moments)) if m is not None])
            self.newest = max([m for m in (self.newest, max(moments)) if m is not None])


@dataclass
class Outcome:
    """What a run blanked (or, dry, would), per kind and for the sent copies, and how many
    requests now have every configured kind blank (``request.purged_at``)."""

    applied: bool
    kinds: dict[str, KindTally] = field(default_factory=dict)
    copies: KindTally = field(default_factory=KindTally)
    purged: int = 0

    def counts(self) -> dict[str, int]:
        """Row counts by kind, for the log (no names, no text)."""
        return {**{k: v.rows for k, v in self.kinds.items()}, COPIES: self.copies.rows,
                "purged": self.purged}


Step = Callable[[Session, list[int], dict[str, int], str | None, bool], Blanked]


def _details(session: Session, ids: list[int], refs: dict[str, int], folder: str | None,
             apply: bool) -> Blanked:
    out = Blanked()
    for step in (store.request_texts, store.field_texts, store.proposal_texts,
                 store.approval_reasons):
        out.add(step(session, ids, apply))
    out.add(store.held_messages(session, refs, apply))
    out.add(store.event_notes(session, ids, apply, other_than=NOT_DETAILS,
                              keep=(ANSWERED_NOTE,)))
    return out


def _comments(session: Session, ids: list[int], refs: dict[str, int], folder: str | None,
              apply: bool) -> Blanked:
    return store.event_notes(session, ids, apply, kinds=COMMENT_KINDS)


def _files(session: Session, ids: list[int], refs: dict[str, int], folder: str | None,
           apply: bool) -> Blanked:
    out = retention_files.attachments(session, ids, folder, apply)
    for names in (store.event_notes(session, ids, apply, kinds=FILE_EVENTS),
                  retention_files.file_fields(session, ids, apply)):
        out.requests |= names.requests
        out.rows += names.rows
    return out


def _ratings(session: Session, ids: list[int], refs: dict[str, int], folder: str | None,
             apply: bool) -> Blanked:
    return store.rating_comments(session, ids, apply)


STEPS: dict[str, Step] = {"details": _details, "comments": _comments, "files": _files,
                          "rating_comments": _ratings}


def run(desk: Desk, policy: RetentionPolicy, now: datetime, *, apply: bool = True,
        batch: int = BATCH, recheck: bool = False) -> Outcome:
    """Blank what is due at ``now`` (``apply`` False: only count it, changing nothing).
    Idempotent: a second run finds nothing left. ``recheck``: look at requests purged
    already too (a kind was added to [retention] since they were purged)."""
    outcome = Outcome(applied=apply, kinds={k: KindTally() for k in policy.ages()})
    cutoffs = policy.cutoffs(now)
    if not cutoffs:
        return outcome
    first, every = max(cutoffs.values()), min(cutoffs.values())
    after: Due | None = None
    while True:
        with transaction(desk.engine) as session:
            rows = store.due(session, first, after, batch, lock=apply, recheck=recheck)
            if rows:
                _batch(session, desk, rows, cutoffs, every, now, outcome)
        if len(rows) < batch:
            break
        after = rows[-1]
    _unlinked_copies(desk, first, batch, outcome)
    if apply:
        log.info("retention blanked %s", outcome.counts())
    return outcome


def _batch(session: Session, desk: Desk, rows: list[Due], cutoffs: dict[str, datetime],
           every: datetime, now: datetime, outcome: Outcome) -> None:
    closed = {d.id: d.closed_at for d in rows}
    refs = {d.ref: d.id for d in rows}
    for kind in KINDS:
        if kind not in cutoffs:
            continue
        ids = [d.id for d in rows if d.closed_at <= cutoffs[kind]]
        if ids:
            blanked = STEPS[kind](session, ids, refs, desk.files.dir, outcome.applied)
            outcome.kinds[kind].add(blanked, closed)
    outcome.copies.add(store.sent_copies(session, list(closed), outcome.applied), closed)
    done = [d.id for d in rows if d.closed_at <= every]
    if outcome.applied:
        store.mark_purged(session, done, now)
    outcome.purged += len(done)


def _unlinked_copies(desk: Desk, first: datetime, batch: int, outcome: Outcome) -> None:
    """The sent messages with no request row (nudges, rating notices, digests), ``batch``
    rows per transaction: they count as rows, not requests."""
    after = 0
    while True:
        with transaction(desk.engine) as session:
            found, after = store.unlinked_copies(session, first, after, batch, outcome.applied)
        outcome.copies.add(found, {})
        if found.rows < batch:
            break


def details_removed(request: Request) -> bool:
    """Whether retention blanked this request's title and details."""
    return request.title == PURGED_TITLE and not request.details
