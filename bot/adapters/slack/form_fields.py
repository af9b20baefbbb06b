"""A service's form fields as Block Kit inputs, and the service's instructions above them.

Each field is one input block whose ``block_id`` is ``field.<key>`` (so an error points at the
field) and whose element's ``action_id`` is ``value``: number and amount → ``number_input``
(an amount in another currency than the field's, e.g. ``12.00 USD`` read from the command:
a one-line text input showing it with its currency, so it is neither lost nor mislabelled),
date → ``datepicker``, choice → ``static_select`` (over 100 choices: searching them, as
``FIELD_CHOICE_ACTION``), person → ``users_select``, department → a department select, text →
``plain_text_input``, long text → multiline, file → ``file_input``. What a value may be is
decided by ``handlers.fields``, never here; this module only reads what each element holds,
as text (``read``), and builds the elements back from such text (``field_blocks``), so a
rebuilt form keeps what was typed. Values between that text and ``handlers.fields`` are in
``form_values``."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from bot.adapters.slack import form_options as opts
from bot.adapters.slack.blocks import plain, text_sections
from bot.adapters.slack.conversations import files_of
from handlers.catalog import Catalog, Category, Department
from handlers.fields import foreign_amount, own_currency, split_amount
from handlers.i18n import t
from handlers.inbound import IncomingFile
from handlers.service_spec import FieldSpec

PREFIX = "field."
ACTION = "value"
ANSWERED_ACTION = "crossdesk_form_answered"
FIELD_DEPARTMENT_ACTION = "crossdesk_form_field_department"
FIELD_CHOICE_ACTION = "crossdesk_form_field_choice"  # a choice field searching its choices
LABEL_LIMIT = 2000  # an input block's label and hint
PLACEHOLDER_LIMIT = 150
TEXT_LIMIT = 3000  # plain_text_input's max_length
MAX_FILES = 5
INSTRUCTIONS_LIMIT = 2900  # one section, escaped
MAX_FIELDS = 93  # a modal's 100 blocks less the form's own 7 (instructions take 2)
AMOUNT_TEXT_LIMIT = 40  # an amount typed with its currency

Block = dict[str, Any]


def block_id(spec: FieldSpec) -> str:
    """The block holding ``spec``'s input: ``field.<key>``."""
    return f"{PREFIX}{spec.key}"


def _number(value: Decimal) -> str:
    return format(value, "f")


def _label(spec: FieldSpec, locale: str, initial: str | None) -> str:
    label = spec.label(locale)
    if spec.type == "amount" and not foreign_amount(spec, initial):
        label = f"{label} ({own_currency(spec)})"
    return label


def _hint(spec: FieldSpec, locale: str, initial: str | None) -> str:
    hint = spec.hint_for(locale) or ""
    if foreign_amount(spec, initial):
        hint = " ".join(x for x in (t(locale, "slack.form.field.amount.currency",
                                           example=initial, currency=own_currency(spec)),
                                    hint) if x)
    return hint


def _choice_element(spec: FieldSpec, locale: str, initial: str | None) -> Block:
    """A static select of the field's choices; over 100, one searching them all as typed
    (``FIELD_CHOICE_ACTION``), ``initial`` shown either way."""
    fits = len(spec.choices) <= opts.MAX_OPTIONS
    element = opts.select(fits, ACTION if fits else FIELD_CHOICE_ACTION,
                          t(locale, "slack.form.field.choose"))
    if fits:
        element["options"] = opts.search_choices(spec, locale, "")
    chosen = next((c for c in spec.choices if c.key == initial), None)
    if chosen is not None and len(chosen.key) <= opts.MAX_VALUE:
        element["initial_option"] = opts.option(chosen.label(locale), chosen.key)
    return element


def element(spec: FieldSpec, catalog: Catalog, locale: str, initial: str | None) -> Block:
    """The input element for ``spec``, showing ``initial`` (text as ``read`` gives it)."""
    kind = spec.type
    if foreign_amount(spec, initial):
        return {"type": "plain_text_input", "action_id": ACTION, "multiline": False,
                "max_length": AMOUNT_TEXT_LIMIT, "initial_value": initial}
    if kind in ("number", "amount"):
        out: Block = {"type": "number_input", "action_id": ACTION, "is_decimal_allowed": True}
        if spec.minimum is not None:
            out["min_value"] = _number(spec.minimum)
        if spec.maximum is not None:
            out["max_value"] = _number(spec.maximum)
        split = split_amount(initial) if initial else None
        if split is not None:  # "86.00 CNY" in a CNY field: the number
            out["initial_value"] = split[0]
        return out
    if kind == "date":
        out = {"type": "datepicker", "action_id": ACTION,
               "placeholder": plain(t(locale, "slack.form.field.date"), PLACEHOLDER_LIMIT)}
        if initial:
            out["initial_date"] = initial
        return out
    if kind == "choice":
        return _choice_element(spec, locale, initial)
    if kind == "person":
        out = {"type": "users_select", "action_id": ACTION,
               "placeholder": plain(t(locale, "slack.form.field.person"), PLACEHOLDER_LIMIT)}
        if initial:
            out["initial_user"] = initial
        return out
    if kind == "department":
        return opts.department_select(catalog, locale, initial, ACTION, FIELD_DEPARTMENT_ACTION)
    if kind == "file":
        return {"type": "file_input", "action_id": ACTION, "max_files": MAX_FILES}
    limit = min(spec.max_length or TEXT_LIMIT, TEXT_LIMIT)
    out = {"type": "plain_text_input", "action_id": ACTION, "multiline": kind == "long_text",
           "max_length": limit}
    if initial:
        out["initial_value"] = initial[:limit]
    return out


def field_block(spec: FieldSpec, catalog: Catalog, locale: str, initial: str | None) -> Block:
    """One input block; optional when the desk may open the request without it."""
    block: Block = {"type": "input", "block_id": block_id(spec),
                    "label": plain(_label(spec, locale, initial), LABEL_LIMIT),
                    "optional": spec.may_be_empty(),
                    "element": element(spec, catalog, locale, initial)}
    hint = _hint(spec, locale, initial)
    if hint:
        block["hint"] = plain(hint, LABEL_LIMIT)
    return block


def field_blocks(category: Category, catalog: Catalog, locale: str,
                 values: Mapping[str, str], most: int = MAX_FIELDS) -> list[Block]:
    """The service's fields, in order, showing ``values`` (the first ``most``). A
    ``file`` field is a ``file_input``: slack-manifest.yml grants ``files:read``, which it
    needs."""
    return [field_block(f, catalog, locale, values.get(f.key))
            for f in category.fields[:most]]


def all_shown(view: Mapping[str, Any], category: Category, most: int = MAX_FIELDS) -> bool:
    """Whether ``view`` has an input for each of the service's fields it has room for
    (``most``; it may not when the refresh after picking the service lost a race: the form
    is shown again, not refused)."""
    shown = {b.get("block_id") for b in view.get("blocks") or []}
    return all(block_id(f) in shown for f in category.fields[:most])


def instructions_blocks(dep: Department, category: Category, locale: str) -> list[Block]:
    """The service's instructions (escaped) and a "This answered my question" button; none
    when the service has no instructions."""
    text = category.instructions_for(locale).strip()
    if not text:
        return []
    title = t(locale, "slack.form.instructions")
    sections = text_sections(f"{title}:\n{text}"[:INSTRUCTIONS_LIMIT])[:1]
    button = {"type": "button", "action_id": ANSWERED_ACTION,
              "text": plain(t(locale, "slack.form.answered")),
              "value": f"{dep.key}/{category.key}"}
    return [*[{**s, "block_id": "instructions"} for s in sections],
            {"type": "actions", "block_id": "instructions.answered", "elements": [button]}]


def _text_of(state: Mapping[str, Any]) -> str | None:
    kind = state.get("type")
    if kind == "datepicker":
        value = state.get("selected_date")
    elif kind == "users_select":
        value = state.get("selected_user")
    elif kind in ("static_select", "external_select"):
        value = (state.get("selected_option") or {}).get("value")
    elif kind == "file_input":
        return None
    else:
        value = state.get("value")
    return str(value).strip() if value not in (None, "") else None


def _state(values: Mapping[str, Any], spec: FieldSpec) -> Mapping[str, Any]:
    actions: Mapping[str, Any] = values.get(block_id(spec)) or {}
    return next(iter(actions.values()), {}) if actions else {}


def read(category: Category, values: Mapping[str, Any]) -> dict[str, str]:
    """What each field of ``category`` holds in a view's state, as text (a number as typed,
    a date as ``YYYY-MM-DD``, an option's key, a Slack user id); empty fields are left out."""
    out: dict[str, str] = {}
    for spec in category.fields:
        text = _text_of(_state(values, spec))
        if text is not None:
            out[spec.key] = text
    return out


def read_files(category: Category, values: Mapping[str, Any]) -> tuple[IncomingFile, ...]:
    """The files uploaded in the service's ``file`` fields, as the neutral description."""
    uploaded = [f for spec in category.fields if spec.type == "file"
                for f in _state(values, spec).get("files") or []]
    return files_of({"files": uploaded})
