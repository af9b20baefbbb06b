"""A request's typed form values: written once with the request (or again on a reopen with
changes), read for display, export, approval thresholds and digest sums."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import delete, insert
from sqlmodel import Session, SQLModel, col, select

from storage.models import RequestField


@dataclass(frozen=True)
class FieldValue:
    """One value as stored: ``text`` for text, choice keys, person ids and department keys;
    ``number`` (and ``currency``) for numbers and amounts; ``day`` for dates."""

    key: str
    type: str
    text: str | None = None
    number: Decimal | None = None
    currency: str | None = None
    day: date | None = None


_CACHE = "crossdesk.request_fields"  # session.info: (transaction, request id → values)


def _cache(session: Session) -> dict[int, dict[str, FieldValue]]:
    """This transaction's reads, so rendering one change for several readers (the thread
    root, the confirmation, each locale) asks the database once. A new transaction starts
    empty; ``replace`` forgets the request it writes."""
    current = session.get_transaction()
    if current is None:  # no transaction yet: nothing to share
        return {}
    held = session.info.get(_CACHE)
    if held is None or held[0] is not current:
        held = (current, {})
        session.info[_CACHE] = held
    cache: dict[int, dict[str, FieldValue]] = held[1]
    return cache


def replace(session: Session, request_id: int, values: Iterable[FieldValue]) -> None:
    """Store ``values`` as the request's form, dropping any it had before."""
    _cache(session).pop(request_id, None)
    session.execute(delete(RequestField).where(col(RequestField.request_id) == request_id))
    for v in values:
        session.add(RequestField(request_id=request_id, key=v.key, type=v.type, text=v.text,
                                 number=v.number, currency=v.currency, day=v.day))
    session.flush()


_INSERT = insert(SQLModel.metadata.tables["request_field"])  # built once: every form's open
CENT = Decimal("0.01")  # the column's scale (Numeric(18, 2))


def first(session: Session, request_id: int, values: Iterable[FieldValue]) -> None:
    """Store the form of a request just inserted in this transaction, in one statement; its
    values are known, so rendering its notices asks the database nothing (numbers as the
    column keeps them: two decimals, rounded half up)."""
    stored = [_as_stored(v) for v in values]
    session.connection().execute(_INSERT, [
        {"request_id": request_id, "key": v.key, "type": v.type, "text": v.text,
         "number": v.number, "currency": v.currency, "day": v.day} for v in stored])
    _cache(session)[request_id] = {v.key: v for v in stored}


def _as_stored(value: FieldValue) -> FieldValue:
    if value.number is None:
        return value
    return dataclass_replace(value, number=Decimal(value.number).quantize(CENT, ROUND_HALF_UP))


def none_yet(session: Session, request_id: int) -> None:
    """A request just inserted in this transaction without a form: its values are known to
    be none, so rendering its notices asks the database nothing."""
    _cache(session)[request_id] = {}


def of_request(session: Session, request_id: int) -> dict[str, FieldValue]:
    """The request's values by field key (empty for a request without a form)."""
    cache = _cache(session)
    if request_id not in cache:
        cache[request_id] = of_requests(session, [request_id]).get(request_id, {})
    return dict(cache[request_id])


def of_requests(session: Session,
                request_ids: Sequence[int]) -> dict[int, dict[str, FieldValue]]:
    """Values of many requests at once (export, reports): request id → key → value."""
    out: dict[int, dict[str, FieldValue]] = {}
    if not request_ids:
        return out
    stmt = select(RequestField).where(col(RequestField.request_id).in_(list(request_ids)))
    for row in session.exec(stmt):
        out.setdefault(row.request_id, {})[row.key] = FieldValue(
            key=row.key, type=row.type, text=row.text,
            number=None if row.number is None else Decimal(row.number),
            currency=row.currency, day=row.day)
    return out
