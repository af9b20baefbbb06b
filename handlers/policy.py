"""Reminder, escalation and feedback rules (from [nudges] and [feedback] in config)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from handlers.sla import WorkTime

DEFAULT_TAGS: tuple[tuple[str, str, str], ...] = (
    ("timely", "Timely", "及时"),
    ("professional", "Professional", "专业"),
    ("courteous", "Courteous", "态度好"),
    ("solved", "Solved it", "解决问题"),
)


@dataclass(frozen=True)
class NudgePolicy:
    """When the desk is reminded, and how far up the chain a breach climbs. Durations count
    working days of the calendar they run on: the desk's for its nudges, the company's for
    the requester's reminders."""

    warn_at: float = 0.75
    escalation: tuple[WorkTime, ...] = (WorkTime(time=timedelta(hours=1)),
                                        WorkTime(time=timedelta(hours=4)))
    escalation_depth: int = 3
    repeat_every: WorkTime = WorkTime(time=timedelta(hours=2))
    repeat_max: int = 3
    snooze_max: WorkTime = WorkTime(days=1)
    remind_waiting: tuple[WorkTime, ...] = (WorkTime(days=1), WorkTime(days=2))
    auto_close_waiting: WorkTime = WorkTime(days=5)
    auto_confirm: WorkTime = WorkTime(days=3)
    proposal_reminder: WorkTime = WorkTime(days=1)  # a desk proposal unanswered: remind …
    proposal_lapse: WorkTime = WorkTime(days=3)  # … then it lapses and the old target stands
    proposal_rounds: int = 3  # rounds any desk member may negotiate; then a lead decides
    approval_remind: WorkTime = WorkTime(time=timedelta(hours=4))  # an approver, after …
    approval_escalate: WorkTime = WorkTime(days=1)  # … then their manager (company days)


@dataclass(frozen=True)
class FeedbackPolicy:
    """Thanks and rating prompts after a request closes."""

    thanks_delay: WorkTime = WorkTime(time=timedelta(minutes=15))
    rating_reminder: WorkTime = WorkTime(days=1)  # one working day of the company's calendar
    tags: tuple[tuple[str, str, str], ...] = DEFAULT_TAGS
    change_window: timedelta = timedelta(hours=24)
    low_rating: int = 2


@dataclass(frozen=True)
class ServicePolicy:
    """The company's nudge and feedback rules, with per-department nudge overrides."""

    nudges: NudgePolicy = field(default_factory=NudgePolicy)
    feedback: FeedbackPolicy = field(default_factory=FeedbackPolicy)
    department_nudges: dict[str, NudgePolicy] = field(default_factory=dict)
    timeliness_weight: float = 0.5

    def nudges_for(self, department: str) -> NudgePolicy:
        """The department's own rules, or the company's."""
        return self.department_nudges.get(department, self.nudges)


MB = 1024 * 1024
DEFAULT_FILE_TYPES: tuple[str, ...] = (
    "image/*", "audio/*", "video/*", "text/plain", "text/csv", "application/pdf",
    "application/zip", "application/msword", "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint", "application/vnd.openxmlformats-officedocument.*",
)


@dataclass(frozen=True)
class FilePolicy:
    """Files shared on requests ([files] in config): where their bytes live (``dir``: a folder
    every replica shares; None: the database), the largest file kept, and the types taken
    (MIME types, ``image/*`` for a whole family)."""

    dir: str | None = None
    max_bytes: int = 10 * MB
    types: tuple[str, ...] = DEFAULT_FILE_TYPES

    def allows(self, mime: str) -> bool:
        """Whether files of this MIME type are taken."""
        kind = mime.split(";", 1)[0].strip().lower()
        family = kind.split("/", 1)[0] + "/*"
        return any(pattern.lower() in (kind, family) or pattern == "*/*"
                   or (pattern.endswith(".*") and kind.startswith(pattern[:-1].lower()))
                   for pattern in self.types)
