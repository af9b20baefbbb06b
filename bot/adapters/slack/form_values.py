"""A form's field values between Slack's elements and ``handlers``: a valid value as an element
shows it (a person as their Slack user id), and a submission checked by
``handlers.forms.check_values`` with a picked Slack user as one of our people (refusals by
block id)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from bot.adapters.slack.form_fields import block_id
from bot.adapters.slack.modals import short
from handlers import fields
from handlers.catalog import Catalog, Category
from handlers.drafts import Show
from handlers.forms import check_values
from handlers.i18n import t


def shown_by(slack_id_of: Callable[[str], str | None]) -> Show:
    """What an element shows for a valid value (``form_fields.read`` gives the same text
    back): an amount with its currency (``12.00 USD``: the field shows a number box for its
    own currency, else the amount as text); None for a person with no Slack id."""

    def shown(value: fields.FieldValue) -> str | None:
        if value.type == "amount" and value.number is not None and value.currency:
            return f"{format(value.number, 'f')} {value.currency}"
        if value.number is not None:
            return format(value.number, "f")
        if value.day is not None:
            return value.day.isoformat()
        if value.type == "person":
            return slack_id_of(value.text) if value.text else None
        return value.text

    return shown


@dataclass(frozen=True)
class Checked:
    """A submitted form's fields: errors by block id, and each valid value as the text the
    command carries (``handlers.fields.parse_value`` reads it back the same)."""

    errors: dict[str, str]
    values: dict[str, str]


def check(category: Category | None, typed: Mapping[str, str], *, catalog: Catalog,
          locale: str, today: date, person_of: Callable[[str], str | None],
          has_file: bool = False) -> Checked:
    """Check the fields with ``handlers.forms.check_values`` (the product's rules): a person
    picked in Slack must be one of our people (``person_of``: Slack user id → person id); a
    required field left empty is named too."""
    if category is None:
        return Checked({}, {})
    raw: dict[str, str] = {}
    for spec in category.fields:
        text = typed.get(spec.key)
        if text is not None and spec.type != "file":
            value = person_of(text) if spec.type == "person" else text
            if value is not None:
                raw[spec.key] = value
    valid, refused = check_values(category, raw, catalog=catalog, locale=locale, today=today)
    errors: dict[str, str] = {}
    for spec in category.fields:
        problem = refused.get(spec.key)
        not_ours = spec.type == "person" and spec.key in typed and (
            spec.key not in raw or (problem is not None and problem.key == "person"))
        if not_ours:
            errors[block_id(spec)] = t(locale, "slack.err.unknown_person",
                                       field=spec.label(locale))
        elif problem is not None:
            errors[block_id(spec)] = short(fields.describe(problem, spec, catalog=catalog,
                                                           locale=locale))
    values = {key: fields.to_raw(value) for key, value in valid.items()}
    for spec in fields.missing(category, {**typed, **values}, has_file):
        errors[block_id(spec)] = t(locale, "slack.err.required")
    return Checked(errors, values)
