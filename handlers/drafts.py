"""A vague ``/request …`` on a platform with forms: what the form starts from; and a form
closed because the service's instructions answered the question."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from handlers import fields
from handlers.catalog import Catalog, Category, norm
from handlers.desk import Desk
from handlers.grammar import SUBCOMMAND_WORDS, Command, Invalid, parse
from storage import deflections, deliveries
from storage.engine import transaction


@dataclass(frozen=True)
class Draft:
    """The department (if it is clear) and the details typed so far; with a service whose
    required fields are not all given, the service, the priority mark and the field values
    found in the text (raw, as typed: ``handlers.fields.parse_value`` reads them)."""

    department: str | None = None
    details: str = ""
    category: str | None = None
    priority: str | None = None
    values: tuple[tuple[str, str], ...] = ()


def _named_service(words: list[str], catalog: Catalog) -> Category | None:
    if len(words) < 2 or any(catalog.find_department(" ".join(words[:n])) for n in (2, 3)):
        return None
    department = catalog.find_department(words[0])
    return department.find_category(words[1]) if department is not None else None


def _form_draft(cmd: Command, catalog: Catalog) -> Draft | None:
    """The form for an ``open`` whose service still needs required fields, read as opening
    reads them (``handlers.forms.collect``); None when nothing required is missing (it runs
    as typed). The form keeps what the text gave: ``key=value`` pairs, and an amount (a bare
    number too: the person sees it in its field) or a date recognised in it."""
    assert cmd.department and cmd.category
    category = catalog.department(cmd.department).category(cmd.category)
    if category is None or not category.fields:
        return None
    given, free, _unknown = fields.split_pairs(cmd.text, category)
    strict = {**fields.recognise(free, category, given=given), **given}  # as opening reads it
    if not fields.missing(category, strict, has_file=False):
        return None
    found = fields.recognise(free, category, given=given, loose=True)  # "86": the amount
    values = {**found, **given}
    return Draft(department=cmd.department, details=_without(free, found.values()),
                 category=cmd.category, priority=cmd.priority, values=tuple(values.items()))


def _without(text: str, found: Iterable[str]) -> str:
    """``text`` without the values recognised in it (each once, as a whole word): the form
    shows them in their fields."""
    for value in found:
        text = re.sub(rf"(?<![\w.]){re.escape(value)}(?![\w.])", " ", text, count=1)
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def draft_for(text: str, catalog: Catalog) -> Draft | None:
    """What a form for ``/request text`` starts from, or None when the text runs as typed
    (a subcommand, or a department and service spelled out whose required fields are all
    given)."""
    if not text.strip():
        return Draft()
    words = text.split()
    first = norm(words[0]).lstrip("/")
    if first in SUBCOMMAND_WORDS:
        return None
    named = _named_service(words, catalog)
    if named is not None and not named.fields:
        return None
    parsed = parse(f"/request {text}", catalog)
    if isinstance(parsed, Invalid):
        if parsed.key == "unknown_department" and not parsed.params.get("commands"):
            guesses = list(parsed.params.get("suggestions") or [])  # type: ignore[call-overload]
            if len(guesses) == 1:
                rest = text.strip()[len(str(parsed.params["word"])):].strip()
                return Draft(department=str(guesses[0]), details=rest)
            return Draft(details=text.strip())
        if parsed.key == "unknown_category":
            word = str(parsed.params["word"])
            at = text.find(word)
            return Draft(department=str(parsed.params["department"]),
                        details=text[at:].strip() if at >= 0 else "")
        return None
    if parsed.name == "catalog" and parsed.department:
        return Draft(department=parsed.department)
    if parsed.name == "open":
        return _form_draft(parsed, catalog)
    return None


def answered(desk: Desk, person_id: str, department: str, category: str, now: datetime,
             key: str) -> bool:
    """Record that ``category``'s instructions answered ``person_id`` (a deflection), once
    per delivery ``key`` (a second click of the same form counts once); False when the
    config has no such service."""
    if not desk.catalog.has_department(department):
        return False
    if desk.catalog.department(department).category(category) is None:
        return False
    with transaction(desk.engine) as session:
        if deliveries.claim(session, key, now):
            deflections.record(session, department, category, person_id, now)
    return True
