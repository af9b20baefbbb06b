"""A request's form values as readable ``(label, value)`` lines: one function for ``show``, the
thread root, the WeCom card, the requester's confirmation, and the report.

Lines follow the service's field order, labels in the reader's language; an optional field
left empty is left out; a value whose field left the config is shown by its key with the raw
value, after the others. Confidential services need nothing here: their lines go in a
Message's ``fields``, which ``confidential.for_channel`` drops from every channel message."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from handlers.catalog import Catalog, Category
from handlers.fields import format_value
from handlers.service_spec import FieldSpec
from storage import request_fields
from storage.models import Request
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
          locale: str) -> tuple[Line, ...]:
    """The values of one request, in ``category``'s field order (None: its service left the
    config, every value shown by key)."""
    specs = category.fields if category is not None else ()
    out: list[Line] = []
    for spec in specs:
        value = values.get(spec.key)
        if value is None or not raw(value):
            continue  # an optional field left empty
        out.append((spec.label(locale), readable(spec, value, catalog, locale)))
    known = {spec.key for spec in specs}
    out += [(key, raw(value)) for key, value in values.items()
            if key not in known and raw(value)]
    return tuple(out)


def of_request(session: Session, catalog: Catalog, request: Request,
               locale: str) -> tuple[Line, ...]:
    """``request``'s form as lines in ``locale`` (empty for a request without a form)."""
    values = request_fields.of_request(session, request.id or 0)
    if not values:
        return ()
    category = catalog.department(request.department).category(request.category)
    return lines(catalog, category, values, locale)


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
