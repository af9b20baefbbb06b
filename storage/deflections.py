"""Questions a service's instructions answered: no request was needed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Deflection


def record(session: Session, department: str, category: str, person_id: str,
           at: datetime) -> None:
    """Someone said the instructions of ``department``/``category`` answered them."""
    session.add(Deflection(department=department, category=category, person_id=person_id,
                           at=at))
    session.flush()


def counts(session: Session, departments: Sequence[str], since: datetime,
           until: datetime) -> dict[tuple[str, str], int]:
    """(department, category) → deflections in [since, until)."""
    stmt = (select(Deflection.department, Deflection.category, func.count())
            .where(col(Deflection.department).in_(list(departments)),
                   col(Deflection.at) >= since, col(Deflection.at) < until)
            .group_by(col(Deflection.department), col(Deflection.category)))
    return {(dep, cat): int(n) for dep, cat, n in session.exec(stmt)}
