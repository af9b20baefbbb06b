"""Reminder, escalation and feedback rules (from [nudges] and [feedback] in config)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

DEFAULT_TAGS: tuple[tuple[str, str, str], ...] = (
    ("timely", "Timely", "及时"),
    ("professional", "Professional", "专业"),
    ("courteous", "Courteous", "态度好"),
    ("solved", "Solved it", "解决问题"),
)


@dataclass(frozen=True)
class NudgePolicy:
    """When the desk is reminded, and how far up the chain a breach climbs."""

    warn_at: float = 0.75
    escalation: tuple[timedelta, ...] = (timedelta(hours=1), timedelta(hours=4))
    escalation_depth: int = 3
    repeat_every: timedelta = timedelta(hours=2)
    repeat_max: int = 3
    snooze_max: timedelta = timedelta(days=1)
    remind_waiting: tuple[timedelta, ...] = (timedelta(hours=7, minutes=30),
                                             timedelta(hours=15))
    auto_close_waiting: timedelta = timedelta(hours=37, minutes=30)
    auto_confirm: timedelta = timedelta(hours=22, minutes=30)


@dataclass(frozen=True)
class FeedbackPolicy:
    """Thanks and rating prompts after a request closes."""

    thanks_delay: timedelta = timedelta(minutes=15)
    rating_reminder: timedelta = timedelta(hours=7, minutes=30)
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
