"""A vague ``/request …`` on a platform with forms: what the form starts from; the form's
rules while it is filled in (which service it names, what a change of department or service
keeps, what is still to choose, the command it stands for); and a form closed because the
service's instructions answered the question. The platform only shows and reads it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from handlers import fields
from handlers.catalog import PRIORITIES, Catalog, Category, Department, norm
from handlers.command_words import SUBCOMMAND_WORDS
from handlers.desk import Desk
from handlers.forms import check_values
from handlers.grammar import Command, Invalid, parse
from handlers.i18n import t
from handlers.inbound import IncomingFile
from storage import deflections, deliveries
from storage.engine import transaction
from storage.request_fields import FieldValue

Show = Callable[[FieldValue], str | None]  # a valid value as a form's input shows it


@dataclass(frozen=True)
class Draft:
    """A request form: the department (if it is clear) and the details typed so far; with a
    service whose required fields are not all given, the service, the priority mark and the
    field values found in the text (raw, as typed: ``handlers.fields.parse_value`` reads
    them). A platform's form holds the same, its field values as its inputs hold them, with
    an attachment link and the files uploaded in the service's ``file`` fields."""

    department: str | None = None
    details: str = ""
    category: str | None = None
    priority: str | None = None
    values: tuple[tuple[str, str], ...] = ()
    attachment: str = ""
    files: tuple[IncomingFile, ...] = ()


def picked(catalog: Catalog, draft: Draft) -> tuple[Department, Category] | None:
    """The department and service the form names, when both exist."""
    if not draft.department or not draft.category \
            or not catalog.has_department(draft.department):
        return None
    dep = catalog.department(draft.department)
    cat = dep.category(draft.category)
    return (dep, cat) if cat is not None else None


def with_department(draft: Draft, department: str | None) -> Draft:
    """The form after the department changed (the old service is dropped if it does not fit)."""
    keep = draft.category if department == draft.department else None
    return replace(draft, department=department, category=keep,
                   values=draft.values if keep else ())


def with_service(draft: Draft, catalog: Catalog, department: str, category: str) -> Draft:
    """The form after a service was picked: its department follows (none is picked when the
    department is not in the config)."""
    if not category or not catalog.has_department(department):
        return replace(draft, category=None, values=())
    return replace(draft, department=department, category=category)


def unchosen(draft: Draft, catalog: Catalog) -> dict[str, str]:
    """What keeps the form from being sent: ``department`` or ``category``, each ``missing``
    or (a service its department does not offer) ``unknown``; empty when it can be sent."""
    if not draft.department:
        return {"department": "missing"}
    if not draft.category:
        return {"category": "missing"}
    if catalog.department(draft.department).category(draft.category) is None:
        return {"category": "unknown"}
    return {}


UNCHOSEN = {("department", "missing"): "form.err.no_department",
            ("category", "missing"): "form.err.no_category",
            ("category", "unknown"): "form.err.wrong_category"}


def unchosen_texts(draft: Draft, catalog: Catalog, locale: str) -> dict[str, str]:
    """What is still to choose (``unchosen``), in words, by ``department`` or ``category``."""
    label = catalog.department(draft.department or "").label(locale)
    return {field: t(locale, UNCHOSEN[field, why], department=label)
            for field, why in unchosen(draft, catalog).items()}


def with_defaults(draft: Draft, catalog: Catalog, *, requester: str, locale: str, today: date,
                  show: Show) -> Draft:
    """The form with each empty field of its service showing its default (a date's
    ``today``, the requester's own department for ``@requester``)."""
    chosen = picked(catalog, draft)
    if chosen is None:
        return draft
    found = fields.with_defaults(chosen[1], {}, requester=requester, catalog=catalog,
                                 locale=locale, today=today)
    shown = {key: show(value) for key, value in found.items()}
    defaults = {key: text for key, text in shown.items() if text is not None}
    return replace(draft, values=tuple({**defaults, **dict(draft.values)}.items()))


def prefilled(draft: Draft, catalog: Catalog, *, requester: str, locale: str, today: date,
              show: Show) -> Draft:
    """The form a vague command (or a service's missing fields) opens with: each value found
    in the text in its field as the input shows it (one that is no valid value stays in the
    details as ``key=value``, so nothing typed is lost), then the defaults."""
    chosen = picked(catalog, draft)
    if chosen is None:
        return replace(draft, values=())
    raw = dict(draft.values)
    valid, _refused = check_values(chosen[1], raw, catalog=catalog, locale=locale, today=today)
    shown: dict[str, str] = {}
    left: list[str] = []
    for spec in chosen[1].fields:
        if spec.key not in raw:
            continue
        value = show(valid[spec.key]) if spec.key in valid else None
        if value is None:
            left.append(fields.pair(spec.key, raw[spec.key]))
        else:
            shown[spec.key] = value
    details = "\n".join(x for x in (draft.details, " ".join(left)) if x)
    draft = replace(draft, details=details, values=tuple(shown.items()))
    return with_defaults(draft, catalog, requester=requester, locale=locale, today=today,
                         show=show)


def form_details(draft: Draft, catalog: Catalog, *, attachment_label: str) -> str:
    """The details a form's request opens with, as typed: the details box, then the
    attachment as ``<attachment_label>: <link>``. Without details the service's name is the
    title, as when the command is typed with none (said first when an attachment follows,
    which would be the title otherwise)."""
    chosen = picked(catalog, draft)
    lines = [draft.details or (chosen[1].name if chosen and draft.attachment else "")]
    if draft.attachment:
        lines.append(f"{attachment_label}: {draft.attachment}")
    return "\n".join(lines).strip()


def form_command(draft: Draft, values: dict[str, str] | None = None) -> str:
    """The command a form's choices stand for, its details apart (``Inbound.details``: what
    was typed in the details box is never read as ``key=value`` or a priority mark):
    ``/request <dept> <service>``, the priority mark, the fields as ``key=value`` pairs."""
    lines = [f"/request {draft.department} {draft.category}"]
    if draft.priority in PRIORITIES:
        lines.append(f"!{draft.priority}")
    if values:
        lines.append(fields.pairs_line(values))
    return "\n".join(lines)


def command_text(draft: Draft, catalog: Catalog, values: dict[str, str] | None = None, *,
                 attachment_label: str) -> str:
    """The command the form stands for as one could type it: ``/request <dept> <service>
    <details> …`` (``form_details``), the priority mark, and the fields' values as
    ``key=value`` pairs on the last line."""
    lines = [form_details(draft, catalog, attachment_label=attachment_label)]
    if draft.priority in PRIORITIES:
        lines.append(f"!{draft.priority}")
    if values:
        lines.append(fields.pairs_line(values))
    return f"/request {draft.department} {draft.category} " + "\n".join(lines)


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
    if fields.repeated(cmd.text, category):
        return None  # a field given two values: runs as typed, to be refused by name
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
