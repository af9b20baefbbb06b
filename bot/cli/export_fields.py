"""The form columns of the requests export: one column per field key, across services.

A column is named by the field's key (``amount``, ``spent_on``). Services that share a key
share its column when they give it the same type; a key with several types (say ``model``,
a choice in one service and a text in another) gets one column per type, ``model.choice``
and ``model.text``. A key equal to a request column (``title``) is prefixed ``field.``.
Values are machine-readable: amounts and numbers as plain numbers (an amount's currency in
``<column>_currency``), dates ISO, a choice's key, a person's id, a department's key, text
as typed. Fields that left the config keep their column while requests hold values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from handlers.catalog import Catalog
from storage.models import Request, RequestField
from storage.request_fields import FieldValue

CURRENCY = "_currency"


@dataclass(frozen=True)
class FormColumns:
    """The export's form columns, and which (key, type) fills each."""

    columns: list[str] = field(default_factory=list)
    names: dict[tuple[str, str], str] = field(default_factory=dict)

    def cells(self, values: Iterable[FieldValue]) -> dict[str, Any]:
        """One request's values as ``{column: cell}`` (every column present)."""
        out: dict[str, Any] = dict.fromkeys(self.columns)
        for v in values:
            name = self.names.get((v.key, v.type))
            if name is None:
                continue
            if v.number is not None:
                out[name] = v.number
                if v.type == "amount":
                    out[name + CURRENCY] = v.currency
            elif v.day is not None:
                out[name] = v.day.isoformat()
            else:
                out[name] = v.text
        return out


def plan(session: Session, catalog: Catalog) -> FormColumns:
    """The columns for the configured fields (in catalog order), then any stored key no
    longer configured (one query for those)."""
    pairs: list[tuple[str, str]] = [(f.key, f.type) for d in catalog.departments
                                    for c in d.categories for f in c.fields]
    stored = select(col(RequestField.key), col(RequestField.type)).distinct()
    pairs += sorted(tuple(row) for row in session.exec(stored))  # type: ignore[misc]
    pairs = list(dict.fromkeys(pairs))
    types: dict[str, set[str]] = defaultdict(set)
    for key, kind in pairs:
        types[key].add(kind)
    taken = set(Request.model_fields)
    columns: list[str] = []
    names: dict[tuple[str, str], str] = {}
    for key, kind in pairs:
        name = key if len(types[key]) == 1 else f"{key}.{kind}"
        if name in taken or name + CURRENCY in taken:
            name = f"field.{name}"
        names[(key, kind)] = name
        columns.append(name)
        if kind == "amount":
            columns.append(name + CURRENCY)
    return FormColumns(columns=list(dict.fromkeys(columns)), names=names)
