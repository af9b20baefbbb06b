"""The new-request modal: department, service (filtered by department), the service's
instructions and fields (``form_fields``), details, priority.

A catalog too large for a select (over 100 departments or services) is searched instead:
those selects load their options as the person types (``form_options``). Picking a department
or a service rebuilds the view (both selects dispatch their choice)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.adapters.slack import form_fields as ff
from bot.adapters.slack import form_options as opts
from bot.adapters.slack import form_values as fv
from bot.adapters.slack.blocks import plain, text_sections
from handlers.catalog import PRIORITIES, Catalog, Category, Department
from handlers.fields import pairs_line
from handlers.i18n import t
from handlers.inbound import IncomingFile

CALLBACK = "crossdesk_new_request"
DEPARTMENT_ACTION = "crossdesk_form_department"
CATEGORY_ACTION = "category"
DETAILS_LIMIT = 3000

View = dict[str, Any]


@dataclass(frozen=True)
class Form:
    """What the form holds: prefilled values, or what the person submitted."""

    department: str | None = None
    category: str | None = None
    details: str = ""
    priority: str | None = None
    attachment: str = ""
    category_block: str = "category.all"
    fields: tuple[tuple[str, str], ...] = ()  # field key → what its input holds, as text
    files: tuple[IncomingFile, ...] = ()  # uploaded in the service's file fields

    def values(self) -> dict[str, str]:
        """The fields' values by key."""
        return dict(self.fields)


def picked(catalog: Catalog, form: Form) -> tuple[Department, Category] | None:
    """The department and service the form names, when both exist."""
    if not form.department or not form.category or not catalog.has_department(form.department):
        return None
    dep = catalog.department(form.department)
    cat = dep.category(form.category)
    return (dep, cat) if cat is not None else None


def _category_element(catalog: Catalog, locale: str, form: Form) -> dict[str, Any]:
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
        chosen = picked(catalog, with_service(Form(), catalog, shown.get("value")))
        spec = next((f for f in chosen[1].fields if ff.block_id(f) == block_id), None) \
            if chosen else None
        return {"options": opts.search_choices(spec, locale, typed) if spec else []}
    department = block_id.split(".", 1)[1] if block_id.startswith("category.") else "all"
    known = {d.key for d in catalog.departments}
    return opts.search_services(catalog, locale,
                                department if department in known else None, typed)


def new_request_view(catalog: Catalog, locale: str, form: Form) -> View:
    """The modal, prefilled from ``form``; the service list follows the chosen department."""
    dep_element = opts.department_select(catalog, locale, form.department, DEPARTMENT_ACTION)
    details: dict[str, Any] = {"type": "plain_text_input", "action_id": "details",
                               "multiline": True, "max_length": DETAILS_LIMIT}
    if form.details:
        details["initial_value"] = form.details[:DETAILS_LIMIT]
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
            chosen[1], catalog, locale, form.values())
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
        {"type": "input", "block_id": "priority", "optional": True,
         "label": plain(t(locale, "slack.form.priority")), "element": priority},
        {"type": "input", "block_id": "attachment", "optional": True,
         "label": plain(t(locale, "slack.form.attachment")),
         "hint": plain(t(locale, "slack.form.attachment.hint"), 150), "element": attachment},
    ]
    return {
        "type": "modal", "callback_id": CALLBACK,
        "title": plain(t(locale, "slack.modal.new.title"), 24),
        "submit": plain(t(locale, "slack.modal.submit"), 24),
        "close": plain(t(locale, "slack.modal.cancel"), 24),
        "blocks": blocks,
    }


def _selected(values: dict[str, Any]) -> str | None:
    for state in values.values():
        option = state.get("selected_option")
        return str(option["value"]) if option else None
    return None


def _typed(values: dict[str, Any]) -> str:
    for state in values.values():
        return str(state.get("value") or "")
    return ""


def read_form(view: View, catalog: Catalog) -> Form:
    """The values in a submitted (or changing) form view."""
    values: dict[str, Any] = view.get("state", {}).get("values", {})
    category_block = next((b for b in values if b.startswith("category.")), "category.all")
    department = _selected(values.get("department", {}))
    category = _selected(values.get(category_block, {}))
    category_key = None
    if category and "/" in category:
        cat_dep, category_key = category.split("/", 1)
        if department is None:
            department = cat_dep
        elif cat_dep != department:
            category_key = f"{cat_dep}/{category_key}"
    form = Form(
        department=department, category=category_key,
        details=_typed(values.get("details", {})).strip(),
        priority=_selected(values.get("priority", {})),
        attachment=_typed(values.get("attachment", {})).strip(),
        category_block=category_block,
    )
    chosen = picked(catalog, form)
    if chosen is None:
        return form
    return replace(form, fields=tuple(ff.read(chosen[1], values).items()),
                   files=ff.read_files(chosen[1], values))


def with_department(form: Form, department: str | None) -> Form:
    """The form after the department changed (the old service is dropped if it does not fit)."""
    keep = form.category if department == form.department else None
    return replace(form, department=department, category=keep,
                   fields=form.fields if keep else ())


def validate(form: Form, catalog: Catalog, locale: str) -> dict[str, str]:
    """Field errors by block id (empty when the form can be submitted)."""
    if not form.department:
        return {"department": t(locale, "slack.err.no_department")}
    dep = catalog.department(form.department)
    label = dep.label(locale)
    errors: dict[str, str] = {}
    if not form.category:
        errors[form.category_block] = t(locale, "slack.err.no_category", department=label)
    elif dep.category(form.category) is None:
        errors[form.category_block] = t(locale, "slack.err.wrong_category", department=label)
    return errors


def command_text(form: Form, catalog: Catalog, locale: str,
                 values: dict[str, str] | None = None) -> str:
    """The typed command the form stands for: ``/request <dept> <service> <details> …``, the
    fields' values as ``key=value`` pairs on the last line. Without details the service's
    name is the title, as when the command is typed with none (said first when an
    attachment follows, which would be the title otherwise)."""
    chosen = picked(catalog, form)
    lines = [form.details or (chosen[1].name if chosen and form.attachment else "")]
    if form.attachment:
        lines.append(f"{t(locale, 'slack.form.attachment.prefix')}: {form.attachment}")
    if form.priority in PRIORITIES:
        lines.append(f"!{form.priority}")
    if values:
        lines.append(pairs_line(values))
    return f"/request {form.department} {form.category} " + "\n".join(lines)


def with_service(form: Form, catalog: Catalog, chosen: str | None) -> Form:
    """The form after a service was picked (``dep/service``): its department follows."""
    department, _, category = (chosen or "").partition("/")
    if not category or not catalog.has_department(department):
        return replace(form, category=None, fields=())
    return replace(form, department=department, category=category,
                   category_block=f"category.{department}")


def with_defaults(form: Form, catalog: Catalog, locale: str, *, requester: str, today: date,
                  slack_id_of: Callable[[str], str | None]) -> Form:
    """The form with each empty field of its service showing its default."""
    chosen = picked(catalog, form)
    if chosen is None:
        return form
    shown = fv.defaults(chosen[1], requester=requester, catalog=catalog, locale=locale,
                        today=today, slack_id_of=slack_id_of)
    return replace(form, fields=tuple({**shown, **form.values()}.items()))


def answered_view(locale: str) -> View:
    """What the form becomes when the service's instructions answered the question."""
    return {
        "type": "modal", "callback_id": "crossdesk_answered",
        "title": plain(t(locale, "slack.form.answered.title"), 24),
        "close": plain(t(locale, "slack.modal.close"), 24),
        "blocks": text_sections(t(locale, "slack.form.answered.text")),
    }
