"""The digest's per-service lines: the amounts asked for in the week (per field and currency)
and the questions the service's instructions answered.

Which requests count: those opened in the week, not cancelled or rejected (the money still
asked for), whatever their state now; a confidential service shows its count, never a sum."""

from __future__ import annotations

from collections import defaultdict

from handlers import confidential
from handlers.desk import Desk
from handlers.digest import Digest
from handlers.i18n import join, t
from storage.digest_amounts import AmountSum


def money(total: object, currency: str) -> str:
    """``3,450.00 CNY``."""
    return f"{total:,.2f} {currency}".strip()


def _requests(sums: list[AmountSum]) -> int:
    """How many requests: per amount field the sum over currencies, the largest field's."""
    per_key: dict[str, int] = defaultdict(int)
    for s in sums:
        per_key[s.key] += s.requests
    return max(per_key.values(), default=0)


def _amounts(desk: Desk, sums: list[AmountSum], locale: str) -> str:
    dep = desk.catalog.department(sums[0].department)
    category = dep.category(sums[0].category)
    several = len({s.key for s in sums}) > 1
    parts = []
    for s in sums:
        spec = category.field(s.key) if category else None
        label = (spec.label(locale) if spec else s.key) + " " if several else ""
        parts.append(label + money(s.total, s.currency))
    return join(locale, parts)


def lines(desk: Desk, digest: Digest, locale: str) -> list[str]:
    """``• Reimbursement: 12 requests, 3,450.00 CNY; the instructions answered 4 questions``
    for each of the desk's services with amounts or deflections (none: no lines)."""
    dep = desk.catalog.department(digest.department)
    by_service: dict[str, list[AmountSum]] = defaultdict(list)
    for s in digest.amounts:
        by_service[s.category].append(s)
    known = [c.key for c in dep.categories]
    seen = set(by_service) | set(digest.deflections)
    out: list[str] = []
    for key in [k for k in known if k in seen] + sorted(seen - set(known)):
        parts = []
        sums = by_service.get(key, [])
        if sums:
            n = _requests(sums)
            if confidential.is_confidential(desk, dep.key, key):
                parts.append(t(locale, "digest.count_request" if n == 1 else
                               "digest.count_requests", n=n))
            else:
                parts.append(t(locale, "digest.amount_request" if n == 1 else
                               "digest.amount_requests", n=n,
                               amounts=_amounts(desk, sums, locale)))
        answered = digest.deflections.get(key, 0)
        if answered:
            parts.append(t(locale, "digest.deflection" if answered == 1 else
                           "digest.deflections", n=answered))
        category = dep.category(key)
        out.append(t(locale, "digest.service_line",
                     service=category.label(locale) if category else key,
                     parts=("；" if locale == "zh-CN" else "; ").join(parts)))
    return [t(locale, "digest.services_title"), *out] if out else []
