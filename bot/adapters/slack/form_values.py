"""A form's field values between Slack's elements and ``handlers.fields``: what a typed command
gave or a default is as an element shows it, a submission checked by the product's rules
(refusals by block id); ``handlers.fields.pairs_line`` writes the valid values for the
command."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from bot.adapters.slack.form_fields import block_id
from bot.adapters.slack.modals import short
from handlers import fields
from handlers.catalog import Catalog, Category
from handlers.i18n import t


def _shown(value: fields.FieldValue, slack_id_of: Callable[[str], str | None]) -> str | None:
    """What an element shows for a valid value (``read`` gives the same text back)."""
    if value.number is not None:
        return format(value.number, "f")
    if value.day is not None:
        return value.day.isoformat()
    if value.type == "person":
        return slack_id_of(value.text) if value.text else None
    return value.text


def initial(category: Category, raw: Mapping[str, str], *, catalog: Catalog, locale: str,
            today: date, slack_id_of: Callable[[str], str | None]) -> tuple[dict[str, str],
                                                                           list[str]]:
    """Values found in a typed command (raw, as typed) as the form's elements show them, and
    the ``key=value`` texts that are no valid value (they stay in the details, so nothing
    typed is lost)."""
    shown: dict[str, str] = {}
    left: list[str] = []
    for spec in category.fields:
        text = raw.get(spec.key)
        if text is None:
            continue
        parsed = fields.parse_value(spec, text, catalog=catalog, locale=locale, today=today)
        value = _shown(parsed, slack_id_of) if isinstance(parsed, fields.FieldValue) else None
        if value is None:
            left.append(fields.pair(spec.key, text))
        else:
            shown[spec.key] = value
    return shown, left


def defaults(category: Category, *, requester: str, catalog: Catalog, locale: str, today: date,
             slack_id_of: Callable[[str], str | None]) -> dict[str, str]:
    """The fields' defaults as the elements show them (a date's ``today``, the requester's
    own department for ``@requester``), so the form opens with them filled in."""
    found = fields.with_defaults(category, {}, requester=requester, catalog=catalog,
                                 locale=locale, today=today)
    shown = {key: _shown(value, slack_id_of) for key, value in found.items()}
    return {key: text for key, text in shown.items() if text is not None}


@dataclass(frozen=True)
class Checked:
    """A submitted form's fields: errors by block id, and each valid value as the text the
    command carries (``handlers.fields.parse_value`` reads it back the same)."""

    errors: dict[str, str]
    values: dict[str, str]


def check(category: Category | None, typed: Mapping[str, str], *, catalog: Catalog,
          locale: str, today: date, person_of: Callable[[str], str | None],
          has_file: bool = False) -> Checked:
    """Check each field with ``handlers.fields`` (the product's rules): a person picked in
    Slack must be one of our people (``person_of``: Slack user id → person id); a required
    field left empty is named too."""
    if category is None:
        return Checked({}, {})
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for spec in category.fields:
        text = typed.get(spec.key)
        if text is None or spec.type == "file":
            continue
        if spec.type == "person":
            person = person_of(text)
            if person is None:
                errors[block_id(spec)] = t(locale, "slack.err.unknown_person",
                                           field=spec.label(locale))
                continue
            text = person
        parsed = fields.parse_value(spec, text, catalog=catalog, locale=locale, today=today)
        if isinstance(parsed, fields.FieldProblem):
            if spec.type == "person" and parsed.key == "person":
                errors[block_id(spec)] = t(locale, "slack.err.unknown_person",
                                           field=spec.label(locale))
            else:
                errors[block_id(spec)] = short(fields.describe(parsed, spec, catalog=catalog,
                                                                locale=locale))
            continue
        values[spec.key] = fields.to_raw(parsed)
    for spec in fields.missing(category, {**typed, **values}, has_file):
        errors[block_id(spec)] = t(locale, "slack.err.required")
    return Checked(errors, values)
