"""The amounts asked for in a period's requests, summed per service, field and currency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlmodel import Session, col

from storage.digest_history import all_rows
from storage.models import Request, RequestField


@dataclass(frozen=True)
class AmountSum:
    """The amounts of one service's requests opened in a period, per field and currency."""

    department: str
    category: str
    key: str
    currency: str
    total: Decimal
    requests: int


UNCLAIMED_STATES = ("cancelled", "rejected")  # withdrawn or refused: no money asked for


def amount_sums(session: Session, start: datetime, end: datetime) -> list[AmountSum]:
    """Per (department, service, amount field, currency): the sum of the values of the
    requests opened in [start, end), not cancelled or rejected, and how many they are."""
    r, f = Request, RequestField
    stmt = (select(col(r.department), col(r.category), col(f.key), col(f.currency),
                   func.sum(f.number), func.count(func.distinct(f.request_id)))
            .join(f, col(f.request_id) == col(r.id))
            .where(col(r.created_at) >= start, col(r.created_at) < end,
                   col(r.state).not_in(UNCLAIMED_STATES), col(f.type) == "amount",
                   col(f.number).is_not(None))
            .group_by(col(r.department), col(r.category), col(f.key), col(f.currency))
            .order_by(col(r.department), col(r.category), col(f.key), col(f.currency)))
    cent = Decimal("0.01")  # SQLite sums a NUMERIC column as a float: back to cents
    return [AmountSum(dep, cat, key, currency or "", Decimal(str(total or 0)).quantize(cent),
                      int(n))
            for dep, cat, key, currency, total, n in all_rows(session, stmt)]
