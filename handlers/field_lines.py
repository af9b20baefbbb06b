"""A request's form values as readable ``(label, value)`` lines: one function for ``show``, the
thread root, the WeCom card, the requester's confirmation, and the report.

Lines follow the service's field order, labels in the reader's language; an optional field
left empty is left out; a value of a service the request had before a transfer or a change
of service is shown with that service's label and format, after the others; a value whose
field left the config is shown by its key with the raw value, last. Confidential services need
nothing here: their lines go in a Message's ``fields``, which ``confidential.for_channel``
drops from every channel message."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from handlers.catalog import Catalog, Category
from handlers.fields import format_value
from handlers.service_spec import FieldSpec
from storage import request_fields
from storage.models import Event, Request
from storage.request_fields import FieldValue

Line = tuple[str, str]


def raw(value: FieldValue) -> str:
    """The stored value as plain text: ``86.00 CNY``, ``2026-11-20``, a key or an id."""
    if value.day is not None:
        return value.day.isoformat()
    if value.number is not None:
        shown = f"{value.number:.2f}" if value.type == "amount" else _plain(value.number)
        return f"{shown} {value.currency}" if value.currency else shown
    return value.text or ""


def _plain(number: Decimal) -> str:
    """A number without a needless ``.00``: ``3``, ``2.5``."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def readable(spec: FieldSpec, value: FieldValue, catalog: Catalog, locale: str) -> str:
    """One value as its field's readers expect it (a choice's label, a person's name …)."""
    return format_value(spec, value, catalog=catalog, locale=locale)


def lines(catalog: Catalog, category: Category | None, values: Mapping[str, FieldValue],
          locale: str, earlier: Sequence[Category] = ()) -> tuple[Line, ...]:
    """The values of one request, in ``category``'s field order (None: its service left the
    config); then those of the ``earlier`` services it had (most likely first), in their
    field order; then any other by key."""
    specs = category.fields if category is not None else ()
    out = _shown(catalog, specs, values, locale)
    left = {key: value for key, value in values.items()
            if key not in {spec.key for spec in specs} and raw(value)}
    for service in _ranked(earlier, left):
        found = [spec for spec in service.fields
                 if spec.key in left and left[spec.key].type == spec.type]
        out += _shown(catalog, found, left, locale)
        for spec in found:
            del left[spec.key]
    out += [(key, raw(value)) for key, value in left.items()]
    return tuple(out)


def _shown(catalog: Catalog, specs: Sequence[FieldSpec], values: Mapping[str, FieldValue],
           locale: str) -> list[Line]:
    """``specs``' values as lines in their order, an optional field left empty left out."""
    out: list[Line] = []
    for spec in specs:
        value = values.get(spec.key)
        if value is None or not raw(value):
            continue  # an optional field left empty
        out.append((spec.label(locale), readable(spec, value, catalog, locale)))
    return out


def _ranked(services: Sequence[Category], values: Mapping[str, FieldValue]) -> list[Category]:
    """The services whose form has any of ``values``, the one with most of them first (the
    form they were given in), in their given order otherwise."""
    def fits(service: Category) -> int:
        return sum(1 for spec in service.fields
                   if spec.key in values and values[spec.key].type == spec.type)

    scored = [(fits(service), service) for service in services] if values else []
    return [service for n, service in sorted(scored, key=lambda pair: -pair[0]) if n]


def of_request(session: Session, catalog: Catalog, request: Request,
               locale: str) -> tuple[Line, ...]:
    """``request``'s form as lines in ``locale`` (empty for a request without a form)."""
    values = request_fields.of_request(session, request.id or 0)
    if not values:
        return ()
    category = catalog.department(request.department).category(request.category)
    known = {spec.key for spec in category.fields} if category is not None else set()
    if known.issuperset(values):
        return lines(catalog, category, values, locale)
    return lines(catalog, category, values, locale, earlier_services(session, catalog, request))


def earlier_services(session: Session, catalog: Catalog, request: Request
                     ) -> tuple[Category, ...]:
    """The services still in the config that ``request`` may have had before its current one,
    most recent first: those its history names (a change of service), then every service of
    the desks it passed through (a transfer names the desks only)."""
    named: list[tuple[str, str]] = []
    desks = [request.origin_department]
    for department, left in _history(session, request):
        if left:
            named.append((department, left))
        desks.append(department)
    candidates = named[::-1] + [(dep, c.key) for dep in dict.fromkeys(desks[::-1])
                                for c in catalog.department(dep).categories]
    out: dict[tuple[str, str], Category] = {}
    for dep, key in candidates:
        service = catalog.department(dep).category(key)
        if service is not None and (dep, key) != (request.department, request.category):
            out.setdefault((dep, key), service)
    return tuple(out.values())


def _history(session: Session, request: Request) -> Iterator[tuple[str, str]]:
    """(desk, service left) of each change of service, oldest first, and (desk, "") of each
    desk a transfer moved the request to, from the ``service_changed`` and ``transferred``
    events (notes ``old → new`` service keys, ``old->new`` desk keys)."""
    stmt = (select(Event.kind, Event.note)
            .where(Event.request_id == request.id,
                   col(Event.kind).in_(("service_changed", "transferred")))
            .order_by(col(Event.id)))
    department = request.origin_department
    for kind, note in session.exec(stmt):
        if kind == "transferred":
            old, sep, new = (note or "").partition(" ")[0].partition("->")  # then services
            if sep:
                yield old, ""
                department = new
                yield new, ""
        else:
            old, sep, _new = (note or "").partition(" → ")
            if sep:
                yield department, old


FORM_FIELDS = "form_fields"  # Message.extra: how many of its last fields are the form's


def marker(form: tuple[Line, ...]) -> dict[str, int]:
    """The ``extra`` of a Message whose fields end with ``form``'s lines (``form_first``)."""
    return {FORM_FIELDS: len(form)} if form else {}


def form_first(fields: tuple[Line, ...], extra: Mapping[str, Any]) -> tuple[Line, ...]:
    """A Message's ``fields`` as a view with room for only a few shows them (a WeCom card): the
    request's form values (``marker``) first, as they are what it is about; then the rest."""
    n = int(extra.get(FORM_FIELDS) or 0)
    if n <= 0 or n > len(fields):
        return fields
    return fields[-n:] + fields[:-n]
