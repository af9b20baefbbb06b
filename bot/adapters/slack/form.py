"""The new-request modal: department, service (filtered by department), the service's
instructions and fields (``form_fields``), details, priority. What the form holds and its rules
are ``handlers.drafts``'s; here it is shown and read.

A catalog too large for a select (over 100 departments or services) is searched instead:
those selects load their options as the person types (``form_options``). Picking a department
or a service rebuilds the view (both selects dispatch their choice).

Details longer than one text box holds (Block Kit: 3000 characters; a request takes 4000)
continue in a second box, so nothing typed or quoted from a message is cut unseen; what is
between the two (a line break, a space, nothing) is kept in the view's ``private_metadata``
and put back when the form is read."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.adapters.slack import form_fields as ff
from bot.adapters.slack import form_options as opts
from bot.adapters.slack.blocks import plain, text_sections
from bot.adapters.slack.entities import cut_point
from handlers.catalog import PRIORITIES, Catalog
from handlers.drafts import Draft, picked, unchosen_texts, with_service
from handlers.grammar import MAX_DETAILS
from handlers.i18n import t

CALLBACK = "crossdesk_new_request"
DEPARTMENT_ACTION = "crossdesk_form_department"
CATEGORY_ACTION = "category"
DETAILS_LIMIT = 3000  # a plain_text_input's max_length (Block Kit)
MORE_BLOCK = "details.more"  # the details' second box, shown for a longer text
MORE_ACTION = "details_more"

View = dict[str, Any]


def _category_element(catalog: Catalog, locale: str, form: Draft) -> dict[str, Any]:
    fits = opts.services_fit(catalog, form.department)
    element = opts.select(fits, CATEGORY_ACTION, t(locale, "slack.form.category.placeholder"))
    if fits:  # every service: up to 100 departments' groups of up to 100
        element.update(opts.search_services(catalog, locale, form.department, "",
                                            most=opts.MAX_OPTIONS ** 2))
    chosen = picked(catalog, form)
    if chosen is not None:
        element["initial_option"] = opts.category_option(*chosen, locale)
    return element


def suggestions(catalog: Catalog, locale: str, action_id: str, block_id: str,
                typed: str, view: View) -> dict[str, Any]:
    """What a searching select of the form ``view`` offers for ``typed`` (Bolt's ``ack``
    arguments)."""
    if action_id in (DEPARTMENT_ACTION, ff.FIELD_DEPARTMENT_ACTION):
        return {"options": opts.search_departments(catalog, locale, typed)}
    if action_id == ff.FIELD_CHOICE_ACTION:  # a field of the service the view shows
        shown = next(((b.get("element") or {}).get("initial_option") or {}
                      for b in view.get("blocks") or []
                      if str(b.get("block_id", "")).startswith("category.")), {})
        department, _, category = str(shown.get("value") or "").partition("/")
        chosen = picked(catalog, with_service(Draft(), catalog, department, category))
        spec = next((f for f in chosen[1].fields if ff.block_id(f) == block_id), None) \
            if chosen else None
        return {"options": opts.search_choices(spec, locale, typed) if spec else []}
    department = block_id.split(".", 1)[1] if block_id.startswith("category.") else "all"
    known = {d.key for d in catalog.departments}
    return opts.search_services(catalog, locale,
                                department if department in known else None, typed)


def split_details(text: str, limit: int = DETAILS_LIMIT) -> tuple[str, str, str]:
    """``text`` in two boxes: (the first, at most ``limit`` characters; the rest; what was
    between them). The cut is at the last line break in the box's last third, else at its
    last space, else at its end (Chinese text has no spaces)."""
    if len(text) <= limit:
        return text, "", ""
    for between in ("\n", " "):
        at = text.rfind(between, limit * 2 // 3, limit + 1)
        if at >= 0:
            return text[:at], text[at + 1:], between
    at = cut_point(text, limit, escaped=False)
    return text[:at], text[at:], ""


def _more_block(rest: str, locale: str) -> dict[str, Any]:
    """The details' second box, holding ``rest``; its hint says why it is there, and how much
    did not fit even there (a message made a request may be that long)."""
    shown = rest[:cut_point(rest, DETAILS_LIMIT, escaped=False)]
    left = len(rest) - len(shown)
    hint = t(locale, "slack.form.details.more.hint", limit=DETAILS_LIMIT, most=MAX_DETAILS)
    if left:
        hint = t(locale, "slack.form.details.more.cut", left=left, most=MAX_DETAILS)
    return {"type": "input", "block_id": MORE_BLOCK, "optional": True,
            "label": plain(t(locale, "slack.form.details.more")),
            "hint": plain(hint, ff.LABEL_LIMIT),
            "element": {"type": "plain_text_input", "action_id": MORE_ACTION, "multiline": True,
                        "max_length": DETAILS_LIMIT, "initial_value": shown}}


def fields_room(view: View) -> int:
    """How many of a service's fields ``view`` has room for (the second details box takes
    one block of the modal's 100)."""
    more = any(b.get("block_id") == MORE_BLOCK for b in view.get("blocks") or [])
    return ff.MAX_FIELDS - (1 if more else 0)


def new_request_view(catalog: Catalog, locale: str, form: Draft) -> View:
    """The modal, prefilled from ``form``; the service list follows the chosen department;
    details over one box continue in a second."""
    dep_element = opts.department_select(catalog, locale, form.department, DEPARTMENT_ACTION)
    details: dict[str, Any] = {"type": "plain_text_input", "action_id": "details",
                               "multiline": True, "max_length": DETAILS_LIMIT}
    first, rest, between = split_details(form.details)
    if first:
        details["initial_value"] = first
    more = [_more_block(rest, locale)] if rest else []
    priority: dict[str, Any] = {
        "type": "static_select", "action_id": "priority",
        "placeholder": plain(t(locale, "slack.form.priority.placeholder")),
        "options": [opts.option(t(locale, f"priority.{p}"), p) for p in PRIORITIES],
    }
    if form.priority in PRIORITIES:
        priority["initial_option"] = opts.option(t(locale, f"priority.{form.priority}"),
                                                  form.priority or "")
    attachment: dict[str, Any] = {"type": "plain_text_input", "action_id": "attachment",
                                  "max_length": 500}
    if form.attachment:
        attachment["initial_value"] = form.attachment
    service: list[dict[str, Any]] = []
    chosen = picked(catalog, form)
    if chosen is not None:
        service = ff.instructions_blocks(*chosen, locale) + ff.field_blocks(
            chosen[1], catalog, locale, dict(form.values), most=ff.MAX_FIELDS - len(more))
    blocks = [
        {"type": "input", "block_id": "department", "dispatch_action": True,
         "label": plain(t(locale, "slack.form.department")), "element": dep_element},
        {"type": "input", "block_id": f"category.{form.department or 'all'}",
         "dispatch_action": True, "label": plain(t(locale, "slack.form.category")),
         "element": _category_element(catalog, locale, form)},
        *service,
        {"type": "input", "block_id": "details", "optional": True,
         "label": plain(t(locale, "slack.form.details")),
         "hint": plain(t(locale, "slack.form.details.hint"), 150), "element": details},
        *more,
        {"type": "input", "block_id": "priority", "optional": True,
         "label": plain(t(locale, "slack.form.priority")), "element": priority},
        {"type": "input", "block_id": "attachment", "optional": True,
         "label": plain(t(locale, "slack.form.attachment")),
         "hint": plain(t(locale, "slack.form.attachment.hint"), 150), "element": attachment},
    ]
    view: View = {
        "type": "modal", "callback_id": CALLBACK,
        "title": plain(t(locale, "slack.modal.new.title"), 24),
        "submit": plain(t(locale, "slack.modal.submit"), 24),
        "close": plain(t(locale, "slack.modal.cancel"), 24),
        "blocks": blocks,
    }
    if more:
        view["private_metadata"] = json.dumps({"between": between})
    return view


def _selected(values: dict[str, Any]) -> str | None:
    for state in values.values():
        option = state.get("selected_option")
        return str(option["value"]) if option else None
    return None


def _typed(values: dict[str, Any]) -> str:
    for state in values.values():
        return str(state.get("value") or "")
    return ""


def _category_block(values: Mapping[str, Any]) -> str:
    return next((b for b in values if b.startswith("category.")), "category.all")


def _details(view: View, values: dict[str, Any]) -> str:
    """The details as typed: the first box, then the second (when shown), joined by what
    was between them when the form split them."""
    first = _typed(values.get("details", {}))
    rest = _typed(values.get(MORE_BLOCK, {}))
    if not rest.strip():
        return first.strip()
    try:
        between = str(json.loads(view.get("private_metadata") or "{}").get("between", "\n"))
    except (ValueError, AttributeError):
        between = "\n"
    return (first + between + rest if first.strip() else rest).strip()


def read_form(view: View, catalog: Catalog) -> Draft:
    """The values in a submitted (or changing) form view."""
    values: dict[str, Any] = view.get("state", {}).get("values", {})
    category_block = _category_block(values)
    department = _selected(values.get("department", {}))
    category = _selected(values.get(category_block, {}))
    category_key = None
    if category and "/" in category:
        cat_dep, category_key = category.split("/", 1)
        if department is None:
            department = cat_dep
        elif cat_dep != department:
            category_key = f"{cat_dep}/{category_key}"
    form = Draft(
        department=department, category=category_key,
        details=_details(view, values),
        priority=_selected(values.get("priority", {})),
        attachment=_typed(values.get("attachment", {})).strip(),
    )
    chosen = picked(catalog, form)
    if chosen is None:
        return form
    return replace(form, values=tuple(ff.read(chosen[1], values).items()),
                   files=ff.read_files(chosen[1], values))


def choice_errors(view: View, form: Draft, catalog: Catalog, locale: str) -> dict[str, str]:
    """What is still to choose (``handlers.drafts.unchosen_texts``), as errors by block id."""
    block = _category_block(view.get("state", {}).get("values", {}))
    return {block if field == "category" else field: text
            for field, text in unchosen_texts(form, catalog, locale).items()}


def answered_view(locale: str) -> View:
    """What the form becomes when the service's instructions answered the question."""
    return {
        "type": "modal", "callback_id": "crossdesk_answered",
        "title": plain(t(locale, "slack.form.answered.title"), 24),
        "close": plain(t(locale, "slack.modal.close"), 24),
        "blocks": text_sections(t(locale, "slack.form.answered.text")),
    }
