"""The report's amounts per service: what the period's requests asked for, per amount field
and currency (requests opened in the period, not cancelled or rejected, as in the digest;
confidential services are left out: a report travels by email)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session

from handlers import confidential
from handlers.desk import Desk
from handlers.digest_forms import money
from storage import digest_amounts

Names = tuple[str, str]  # (English, 中文)


@dataclass(frozen=True)
class AmountRow:
    """One service's total of one amount field in one currency."""

    department: Names
    service: Names
    field: Names
    currency: str
    total: Decimal
    requests: int

    def cells(self, zh: bool) -> list[str]:
        """Department, service, field, ``3,450.00 CNY``, requests: as the report shows them."""
        return [self.department[zh], self.service[zh], self.field[zh],
                money(self.total, self.currency), str(self.requests)]


def amount_rows(session: Session, desk: Desk, start: datetime, end: datetime
                ) -> list[AmountRow]:
    """The rows for [start, end), in catalog order."""
    out = []
    for s in digest_amounts.amount_sums(session, start, end):
        if confidential.is_confidential(desk, s.department, s.category):
            continue
        dep = desk.catalog.department(s.department)
        cat = dep.category(s.category)
        spec = cat.field(s.key) if cat else None
        out.append(AmountRow(
            department=(dep.label("en"), dep.label("zh-CN")),
            service=(cat.label("en"), cat.label("zh-CN")) if cat else (s.category, s.category),
            field=(spec.label("en"), spec.label("zh-CN")) if spec else (s.key, s.key),
            currency=s.currency, total=s.total, requests=s.requests))
    return out
