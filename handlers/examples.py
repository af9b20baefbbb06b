"""The examples hints give, drawn from the configured company and the clock: its departments,
services, request ids and people, and dates a few days from today (never the sample's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from handlers.catalog import Catalog, Category, Department
from handlers.i18n import t
from handlers.service_spec import FieldSpec

if TYPE_CHECKING:
    from handlers.context import Ctx

NUMBER = 12      # an example id is <PREFIX>-12
DAYS_AHEAD = 3   # a date to come: three days from today
DAYS_BACK = 2    # a recent date (an expense's): two days ago
AMOUNT = "86"    # the sum in an example of a service with an amount field


def future_day(today: date, days: int = DAYS_AHEAD) -> str:
    """A day to come, as typed: ``2026-12-10`` three days after 2026-12-07."""
    return (today + timedelta(days=days)).isoformat()


def past_day(today: date) -> str:
    """A recent day, as typed: two days before ``today``."""
    return (today - timedelta(days=DAYS_BACK)).isoformat()


def form_day(spec: FieldSpec, catalog: Catalog, locale: str, today: date | None) -> str:
    """An example for a form's date field, in full and as a month and day: a recent day (an
    expense's), or a day to come for a first or last day of a range (``not_before``)."""
    if today is None:  # no clock (a config check): the forms instead
        return t(locale, "form.example.date", day="YYYY-MM-DD", month_day="MM-DD")
    last = spec.not_before is not None
    first = any(f.not_before == spec.key for d in catalog.departments
                for c in d.categories if spec in c.fields for f in c.fields)
    shift = DAYS_AHEAD + 2 * last if first or last else -DAYS_BACK
    day = today + timedelta(days=shift)
    month_day = f"{day.month}月{day.day}日" if locale.startswith("zh") else day.isoformat()[5:]
    return t(locale, "form.example.date", day=day.isoformat(), month_day=month_day)


@dataclass(frozen=True)
class Examples:
    """A company's example words, worked out from its catalog once per desk."""

    catalog: Catalog
    _lines: dict[tuple[str, str | None], str] = field(default_factory=dict, compare=False,
                                                       repr=False)

    def department(self, key: str | None = None) -> Department | None:
        """The department ``key`` names when configured, else the first one with a service."""
        deps = self.catalog.departments
        named = next((d for d in deps if d.key == key), None) if key else None
        return named or next((d for d in deps if d.categories), deps[0] if deps else None)

    def ref(self, department: str | None = None) -> str:
        """An example id of the department's requests (else the first one's): ``IT-12``."""
        dep = self.department(department)
        return f"{dep.prefix if dep and dep.prefix else 'REQ'}-{NUMBER}"

    def request_line(self, locale: str, department: str | None = None) -> str:
        """How to open a request of the department's first service, in ``locale``'s words:
        ``/request it laptop <details>`` (``… <details> 86 CNY`` for one with an amount)."""
        key = (locale, department)
        if key not in self._lines:
            self._lines[key] = self._request_line(locale, department)
        return self._lines[key]

    def _request_line(self, locale: str, department: str | None) -> str:
        dep = self.department(department)
        if dep is None or not dep.categories:
            return "/request"
        service = dep.categories[0]
        details = t(locale, "slot.details")
        amount = next((f for f in service.fields if f.type == "amount"), None)
        if amount is not None:
            currency = amount.currency or "CNY"
            details += f" {AMOUNT}元" if locale.startswith("zh") and currency == "CNY" \
                else f" {AMOUNT} {currency}"
        return f"/request {self._word(dep, locale)} {self._word(service, locale)} {details}"

    def _word(self, named: Department | Category, locale: str) -> str:
        """The key (English), else the Chinese name when it is one word that names it."""
        zh = named.name_zh
        if not locale.startswith("zh") or not zh or len(zh.split()) != 1:
            return named.key
        if isinstance(named, Department):
            return zh if self.catalog.find_department(zh) is named else named.key
        return zh

    def person(self, reader: str) -> str:
        """Someone other than ``reader`` to name: a colleague at their desk, else anyone
        configured (``<name>`` when there is nobody else)."""
        colleagues = [p for d in self.catalog.departments_of(reader) for p in d.staff()]
        everyone = [p.id for p in self.catalog.people] + \
            [p for d in self.catalog.departments for p in d.staff()]
        return next((p for p in [*colleagues, *everyone] if p != reader), "<name>")


def of(ctx: Ctx) -> Examples:
    """The desk's examples."""
    return ctx.desk.examples


def away(ctx: Ctx) -> dict[str, str]:
    """The words of an ``away`` example: a day to come and someone to approve meanwhile."""
    return {"ex_date": future_day(ctx.desk.policy.today(ctx.now)),
            "ex_person": of(ctx).person(ctx.actor.id)}


def day_to_come(ctx: Ctx) -> dict[str, str]:
    """A day to come, for a proposal, a counter-proposal or the help: ``ex_date``
    (``2026-12-10``) and ``ex_month_day`` (``12-10``)."""
    day = future_day(ctx.desk.policy.today(ctx.now))
    return {"ex_date": day, "ex_month_day": day[5:]}


def own_desk(ctx: Ctx) -> str | None:
    """The key of the first department the person works at (None: they work at none)."""
    deps = ctx.desk.catalog.departments_of(ctx.actor.id)
    return deps[0].key if deps else None
