"""SQLModel tables: people, requests, their events, ratings, suggestions, the outbox and the
deliveries seen."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Numeric, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

OPEN_STATES_SQL = "state IN ('open', 'acknowledged', 'in_progress', 'waiting')"
# A queue's order: the next time the desk owes something, an open request's first response
# when that comes before its resolution (a missed first response is overdue first), else the
# resolution; the index below serves it (the same text in ``request_store.queue``)
QUEUE_ORDER_SQL = ("COALESCE(\nCASE\n    WHEN state = 'open' AND first_response_at IS NULL AND "
                   "first_response_due < resolution_due THEN first_response_due\n"
                   "    ELSE resolution_due\nEND, created_at)")  # as PostgreSQL shows it back


def utc_column(nullable: bool = True, index: bool = False) -> Any:
    """A timezone-aware timestamp column (stored as UTC)."""
    return Field(
        default=None,
        sa_column=Column(UTCDateTime(), nullable=nullable, index=index),
    )


class Person(SQLModel, table=True):
    """Someone who asks or serves: from config, or registered on first contact."""

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    locale: str | None = Field(default=None, max_length=10)
    slack_id: str | None = Field(default=None, max_length=64, unique=True)
    wecom_id: str | None = Field(default=None, max_length=64, unique=True)
    manager_id: str | None = Field(default=None, max_length=64)
    source: str = Field(default="config", max_length=16)
    created_at: datetime = utc_column(nullable=False)


class DepartmentCounter(SQLModel, table=True):
    """The last request number handed out per department (row-locked on open)."""

    __tablename__ = "department_counter"

    department: str = Field(primary_key=True, max_length=64)
    last_number: int = 0


class Request(SQLModel, table=True):
    """One service request from a requester to a providing department."""

    __tablename__ = "request"
    __table_args__ = (
        Index("ix_request_queue", "department", "state", "created_at"),
        Index("ix_request_requester", "requester_id", "created_at"),
        Index("ix_request_assignee", "assignee_id", "state"),
        Index("ix_request_next_sweep", "next_sweep_at"),
        # digests and reports select a week by each of these moments
        Index("ix_request_created_at", "created_at"),
        Index("ix_request_first_response_at", "first_response_at"),
        Index("ix_request_closed_at", "closed_at"),
        Index("ix_request_first_response_due", "first_response_due"),  # targets that fell due
        Index("ix_request_resolution_due", "resolution_due"),
        Index("ix_request_thread_ref", "thread_ref"),  # a thread reply finds its request
        Index("ix_request_purged_at", "purged_at"),  # retention: what is left to blank
        Index(
            "ix_request_open_queue", "department", text(QUEUE_ORDER_SQL),
            "priority", "id",
            postgresql_where=text(OPEN_STATES_SQL), sqlite_where=text(OPEN_STATES_SQL),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=32, unique=True)
    number: int
    origin_department: str = Field(max_length=64)
    department: str = Field(max_length=64)
    category: str = Field(max_length=64)
    requester_id: str = Field(max_length=64)
    requester_department: str | None = Field(default=None, max_length=64)
    assignee_id: str | None = Field(default=None, max_length=64)
    resolver_id: str | None = Field(default=None, max_length=64)
    priority: str = Field(max_length=2)
    state: str = Field(max_length=16)
    title: str = Field(max_length=200)
    details: str = Field(default="", sa_column=Column(Text, nullable=False))
    resolution_note: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = utc_column(nullable=False)
    updated_at: datetime = utc_column(nullable=False)
    first_response_at: datetime | None = utc_column()
    resolved_at: datetime | None = utc_column()
    closed_at: datetime | None = utc_column()
    first_response_due: datetime | None = utc_column()
    resolution_due: datetime | None = utc_column()
    paused_at: datetime | None = utc_column()
    paused_seconds: int = 0
    thread_ref: str | None = Field(default=None, max_length=200)
    clock_started_at: datetime | None = utc_column()
    snoozed_until: datetime | None = utc_column()
    next_sweep_at: datetime | None = utc_column()
    swept_until: datetime | None = utc_column()
    cycle: int = 0  # reopens and transfers so far: each is a fresh cycle of targets and nudges
    # the current cycle (handlers/due_times.py): where its targets run from (the clock's start
    # at this desk, or the last reopen), and the time it waited on the requester so far, in
    # the desk's business time and in wall time (the clock of an after-hours P1)
    cycle_started_at: datetime | None = utc_column()
    cycle_paused_seconds: int = 0
    cycle_paused_wall_seconds: int = 0
    stay_cycle: int = 0  # the cycle the request's stay at its current desk began with
    # negotiation (handlers/negotiation.py): the target the first agreement replaced, …
    original_resolution_due: datetime | None = utc_column()
    agreed_at: datetime | None = utc_column()
    agreements: int = 0  # agreements this cycle: each is a fresh set of desk nudges
    proposed_at: datetime | None = utc_column()  # a desk proposal waits for the requester
    purged_at: datetime | None = utc_column()  # retention blanked its details (figures stay)


class Event(SQLModel, table=True):
    """The audit trail: one row per change to a request."""

    __table_args__ = (
        Index("ix_event_request", "request_id", "id"),
        # digests: a week's closes, ratings and transfers by kind and moment
        Index("ix_event_kind_at", "kind", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id")
    actor_id: str = Field(max_length=64)
    at: datetime = utc_column(nullable=False)
    kind: str = Field(max_length=32)
    from_state: str | None = Field(default=None, max_length=16)
    to_state: str | None = Field(default=None, max_length=16)
    note: str | None = Field(default=None, sa_column=Column(Text))


class Breach(SQLModel, table=True):
    """A target kept for the digest, per desk and cycle (a reopen or a transfer starts one),
    whatever later moves the request's own: missed (the sweep saw it pass, or a transfer or
    reopen found it late), when it was due and (once met) by how much; or ``met`` in time,
    kept when a transfer or a reopen moved it, or when a desk the request came back to met
    its first response."""

    __table_args__ = (UniqueConstraint("request_id", "department", "target", "cycle",
                                       name="uq_breach"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id", index=True)
    department: str = Field(max_length=64)
    target: str = Field(max_length=16)
    due_at: datetime = utc_column(nullable=False)
    detected_at: datetime = utc_column(nullable=False)
    late_seconds: int | None = None
    cycle: int = 0
    met: bool = False


class NudgeClaim(SQLModel, table=True):
    """One reminder, escalation or prompt that a sweep has claimed: never sent twice."""

    __tablename__ = "nudge_claim"

    key: str = Field(primary_key=True, max_length=200)
    request_id: int = Field(index=True)
    claimed_at: datetime = utc_column(nullable=False)


class Rating(SQLModel, table=True):
    """A requester's rating of a closed request (one per request)."""

    __table_args__ = (Index("ix_rating_created_at", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id", unique=True)
    rater_id: str = Field(max_length=64)
    stars: int
    comment: str | None = Field(default=None, sa_column=Column(Text))
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = utc_column(nullable=False)
    updated_at: datetime = utc_column(nullable=False)


class Suggestion(SQLModel, table=True):
    """An idea or complaint addressed to a department, optionally anonymous."""

    __table_args__ = (Index("ix_suggestion_department", "department", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    department: str = Field(max_length=64)
    author_id: str = Field(max_length=64)
    anonymous: bool = False
    text: str = Field(sa_column=Column(Text, nullable=False))
    reply: str | None = Field(default=None, sa_column=Column(Text))
    replied_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = utc_column(nullable=False)


class Disclosure(SQLModel, table=True):
    """Who was shown what is otherwise hidden, and when: e.g. an admin's export with the
    senders of anonymous suggestions (``kind`` "anonymous_senders", ``subject_ids`` theirs)."""

    id: int | None = Field(default=None, primary_key=True)
    actor_id: str = Field(max_length=64)
    kind: str = Field(max_length=32)
    subject_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = utc_column(nullable=False)


class HeldMessage(SQLModel, table=True):
    """A plain message whose request was not clear (its author has several open): kept
    here until they pick one; ``attached_ref`` and ``attached_at`` once it is added.
    ``files`` holds the shared files' descriptions (``IncomingFile`` fields, data base64)."""

    __tablename__ = "held_message"

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(max_length=64, index=True)
    platform: str = Field(max_length=16)
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    files: list[dict[str, Any]] = Field(default_factory=list,
                                        sa_column=Column(JSON, nullable=False))
    created_at: datetime = utc_column(nullable=False)
    attached_ref: str | None = Field(default=None, max_length=32)
    attached_at: datetime | None = utc_column()


OUTBOX_WAITING_SQL = "delivered_at IS NULL AND failed_at IS NULL"


class Outbox(SQLModel, table=True):
    """A notification waiting to be delivered, written with the change that caused it.

    ``leased_at``: when a dispatcher last took it (it is in the pipeline: later rows to its
    target wait behind it); ``failed_at``/``failed_reason``: the platform refused it for good;
    ``progress``: what earlier tries already sent of a message of several platform calls (the
    sender's note, with a digest of the content it is about), so no try sends a part twice."""

    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_outbox_dedupe_key"),
        Index("ix_outbox_pending", "delivered_at", "due_at", "id"),
        # the claim walks the waiting rows in id order, never the delivered history
        Index("ix_outbox_waiting", "id", "due_at",
              postgresql_where=text(OUTBOX_WAITING_SQL), sqlite_where=text(OUTBOX_WAITING_SQL)),
        Index("ix_outbox_failed", "failed_at"),
        Index("ix_outbox_platform_ref", "platform_ref"),  # a reply to a bot message
    )

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str | None = Field(default=None, max_length=200)
    target: str = Field(max_length=100)
    request_id: int | None = Field(default=None, index=True)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = utc_column(nullable=False)
    due_at: datetime = utc_column(nullable=False)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    delivered_at: datetime | None = utc_column()
    platform_ref: str | None = Field(default=None, max_length=200)
    leased_at: datetime | None = utc_column()
    failed_at: datetime | None = utc_column()
    failed_reason: str | None = Field(default=None, max_length=100)
    progress: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class PlatformToken(SQLModel, table=True):
    """A platform access token every replica shares (WeCom's, via wechatpy's SessionStorage)."""

    __tablename__ = "platform_token"

    key: str = Field(primary_key=True, max_length=200)
    value: str = Field(sa_column=Column(Text, nullable=False))
    expires_at: datetime | None = utc_column()


class SeenNonce(SQLModel, table=True):
    """A callback nonce already accepted: the same nonce again is a replay and refused."""

    __tablename__ = "seen_nonce"

    nonce: str = Field(primary_key=True, max_length=128)
    seen_at: datetime = utc_column(nullable=False, index=True)


class Delivery(SQLModel, table=True):
    """One delivery from a chat platform, claimed in the transaction of the change it made:
    the same delivery again (a retry, a replay) is answered with ``answer`` and not run."""

    __tablename__ = "delivery"

    key: str = Field(primary_key=True, max_length=200)
    seen_at: datetime = utc_column(nullable=False, index=True)
    answer: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON))


class SendLog(SQLModel, table=True):
    """One message part sent to a paced recipient key (``user:…``, ``chat:…``, ``robot:…``):
    every replica counts the same sends against the platform's per-minute/hour limits."""

    __tablename__ = "send_log"
    __table_args__ = (Index("ix_send_log_key", "key", "sent_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)
    sent_at: datetime = utc_column(nullable=False)


class Attachment(SQLModel, table=True):
    """A file shared on a request. ``state``: ``fetching`` (its bytes are still on the
    platform, at ``source``), ``stored`` (in ``file_blob``, or at ``location`` in the files
    folder) or ``failed`` (``failed_reason``). ``share_to`` is told of it once stored."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_request", "request_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id")
    author_id: str = Field(max_length=64)
    name: str = Field(max_length=255)
    mime: str = Field(max_length=100)
    size: int | None = None
    source: str = Field(max_length=300)
    state: str = Field(max_length=16)
    share_to: str | None = Field(default=None, max_length=100)
    internal: bool = False  # an internal note's file: the desk's only
    location: str | None = Field(default=None, max_length=500)
    sha256: str | None = Field(default=None, max_length=64)
    failed_reason: str | None = Field(default=None, max_length=300)
    created_at: datetime = utc_column(nullable=False)
    fetch_until: datetime | None = utc_column()
    stored_at: datetime | None = utc_column()


class FileBlob(SQLModel, table=True):
    """The bytes of a stored attachment kept in the database (no ``[files] dir``)."""

    __tablename__ = "file_blob"

    attachment_id: int = Field(foreign_key="attachment.id", primary_key=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class RequestField(SQLModel, table=True):
    """One typed value of a request's form: a number or amount in ``number`` (with its
    ``currency``), a date in ``day``, everything else (text, choice key, person id,
    department key) in ``text``."""

    __tablename__ = "request_field"
    __table_args__ = (UniqueConstraint("request_id", "key", name="uq_request_field"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id", index=True)
    key: str = Field(max_length=64)
    type: str = Field(max_length=16)
    text: str | None = Field(default=None, sa_column=Column(Text))
    number: Decimal | None = Field(default=None, sa_column=Column(Numeric(18, 2)))
    currency: str | None = Field(default=None, max_length=3)
    day: date | None = None


class FormDraft(SQLModel, table=True):
    """A form being filled in chat, one question at a time: survives a restart, expires
    politely after ``expires_at``. One per person."""

    __tablename__ = "form_draft"
    __table_args__ = (Index("ix_form_draft_expires_at", "expires_at"),)  # the sweep's expiry

    person_id: str = Field(primary_key=True, max_length=64)
    department: str = Field(max_length=64)
    category: str = Field(max_length=64)
    values: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    details: str = Field(default="", sa_column=Column(Text, nullable=False))
    asking: str | None = Field(default=None, max_length=64)  # the field asked last
    answer_to: str | None = Field(default=None, max_length=300)  # where the questions go
    priority: str | None = Field(default=None, max_length=2)  # "!P1" typed with the request
    raise_priority: bool = False  # "!urgent" typed with the request
    files: list[dict[str, Any]] = Field(default_factory=list,
                                        sa_column=Column(JSON, nullable=False))
    started_at: datetime = utc_column(nullable=False)
    expires_at: datetime = utc_column(nullable=False)


class Deflection(SQLModel, table=True):
    """Someone read a service's instructions and said they answered the question: no request
    was needed. The digest counts them per service."""

    __tablename__ = "deflection"
    __table_args__ = (Index("ix_deflection_at", "department", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    department: str = Field(max_length=64)
    category: str = Field(max_length=64)
    person_id: str = Field(max_length=64)
    at: datetime = utc_column(nullable=False)


class ApprovalStepRow(SQLModel, table=True):
    """One step of a request's approval chain in one round (a reopen with changes is a new
    round). ``spec`` is the configured approvers ("manager", ids, "leads:<dept>");
    ``approvers`` the person ids they resolved to when the step started. ``state``: waiting
    (not started), pending, approved, rejected, skipped (a round that ended before it)."""

    __tablename__ = "approval_step"
    __table_args__ = (
        UniqueConstraint("request_id", "round", "position", name="uq_approval_step"),
        Index("ix_approval_step_request", "request_id", "round", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id")
    round: int = 0
    position: int = 0
    spec: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    approvers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    mode: str = Field(default="any", max_length=8)
    state: str = Field(default="waiting", max_length=16)
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: datetime | None = utc_column()
    reason: str | None = Field(default=None, sa_column=Column(Text))
    started_at: datetime | None = utc_column()
    nudges: int = 0  # reminders and escalations sent for this step (bookkeeping for `show`)


class ApprovalVote(SQLModel, table=True):
    """One approver's decision on a step (an "all" step completes when every approver said
    yes)."""

    __tablename__ = "approval_vote"
    __table_args__ = (UniqueConstraint("step_id", "person_id", name="uq_approval_vote"),)

    id: int | None = Field(default=None, primary_key=True)
    step_id: int = Field(foreign_key="approval_step.id", index=True)
    person_id: str = Field(max_length=64)
    decision: str = Field(max_length=16)  # approved / rejected
    at: datetime = utc_column(nullable=False)


class Away(SQLModel, table=True):
    """A person away until ``until``: their approvals go to ``delegate_id`` meanwhile."""

    __tablename__ = "away"

    person_id: str = Field(primary_key=True, max_length=64)
    delegate_id: str = Field(max_length=64)
    since: datetime = utc_column(nullable=False)
    until: datetime = utc_column(nullable=False)


class Proposal(SQLModel, table=True):
    """A proposed solution or date for a request (``kind`` desk: from its desk; requester: a
    counter). ``due_at`` None keeps the current target. ``state``: pending, accepted,
    declined, countered, lapsed or withdrawn, with who decided, when and why."""

    __tablename__ = "proposal"
    __table_args__ = (Index("ix_proposal_request", "request_id", "id"),
                      Index("ix_proposal_decided", "department", "decided_at"))

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id")
    department: str = Field(max_length=64)
    cycle: int = 0
    round: int = 1
    proposer_id: str = Field(max_length=64)
    kind: str = Field(max_length=16)
    due_at: datetime | None = utc_column()
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    overdue_since: datetime | None = utc_column()
    state: str = Field(max_length=16)
    created_at: datetime = utc_column(nullable=False)
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: datetime | None = utc_column()
    reason: str | None = Field(default=None, sa_column=Column(Text))


class Erasure(SQLModel, table=True):
    """A person erased on request: the pseudonym that replaced their name and ids, who erased
    them and when, and the rows changed per table. Their old id is not kept."""

    __tablename__ = "erasure"
    __table_args__ = (UniqueConstraint("pseudonym", name="uq_erasure_pseudonym"),)

    id: int | None = Field(default=None, primary_key=True)
    pseudonym: str = Field(max_length=64)
    erased_by: str = Field(max_length=64)
    at: datetime = utc_column(nullable=False)
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ConfigFingerprint(SQLModel, table=True):
    """The hash of the config a process last started with, per ``scope`` (``sweep``: the one
    the stored next checks were worked out under). Never the config itself."""

    __tablename__ = "config_fingerprint"

    scope: str = Field(primary_key=True, max_length=32)
    sha256: str = Field(max_length=64)
    recorded_at: datetime = utc_column(nullable=False)
