"""A message a platform refused for good: the admins hear of it once, through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from handlers.desk import Policy
from handlers.i18n import normalize_locale, t
from handlers.messages import Message, person
from storage import outbox, people

KIND = "delivery_refused"
OURS = "crossdesk:"  # a reason of ours: the sender failed on the row, not the platform
UNREACHABLE = "none:unreachable"  # the reason of a row no enabled platform reaches


@dataclass(frozen=True)
class Refused:
    """The outbox row that failed for good, and why (e.g. ``wecom:40058``)."""

    row_id: int
    target: str
    request_ref: str | None
    kind: str
    reason: str


def tell_admins(session: Session, refused: Refused, policy: Policy, now: datetime) -> int:
    """Queue one notice per admin for this row (a repeat is a no-op); for a target no
    platform reaches, one a day (the company's) per target, however many messages it misses.
    None when the refused row was itself such a notice, so a refused notice never causes
    another. How many were queued."""
    if refused.kind == KIND:
        return 0
    unreachable = refused.reason == UNREACHABLE
    ours = refused.reason.startswith(OURS)
    key = ("delivery.unreachable" if unreachable else "delivery.crashed" if ours
           else "delivery.refused")
    once = f"unreachable:{refused.target}:{policy.today(now)}" if unreachable \
        else f"refused:{refused.row_id}"
    queued = 0
    for admin in policy.admins:
        row = people.get(session, admin)
        locale = normalize_locale(row.locale if row else None, policy.locale)
        text = t(locale, key, ref=refused.request_ref or "—", target=refused.target,
                 reason=refused.reason)
        message = Message(text=text, target=person(admin), locale=locale, kind=KIND,
                          request_ref=refused.request_ref)
        if outbox.enqueue(session, message.target, message.to_dict(), now,
                          dedupe_key=f"{once}:{admin}"):
            queued += 1
    return queued
