"""A form's field values between Slack's elements and ``handlers``: a valid value as an element
shows it (a person as their Slack user id), and a submission checked by
``handlers.forms.check_form``, its refusals by block id."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from bot.adapters.slack.form_fields import block_id
from bot.adapters.slack.modals import short
from handlers import fields
from handlers.catalog import Catalog, Category
from handlers.drafts import Show
from handlers.forms import check_form


def shown_by(slack_id_of: Callable[[str], str | None]) -> Show:
    """What an element shows for a valid value (``form_fields.read`` gives the same text
    back): ``handlers.fields.to_raw`` (an amount with its currency, ``12.00 USD``: the field
    shows a number box for its own currency, else the amount as text), a person as their
    Slack user id (None without one)."""

    def shown(value: fields.FieldValue) -> str | None:
        if value.type == "person":
            return slack_id_of(value.text) if value.text else None
        return fields.to_raw(value)

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
    """The fields checked by ``handlers.forms.check_form`` (``person_of``: Slack user id →
    person id), each problem on its field's block, cut to fit."""
    if category is None:
        return Checked({}, {})
    done = check_form(category, typed, catalog=catalog, locale=locale, today=today,
                      person_of=person_of, has_file=has_file)
    by_key = {spec.key: spec for spec in category.fields}
    return Checked({block_id(by_key[key]): short(text) for key, text in done.problems.items()},
                   done.values)
