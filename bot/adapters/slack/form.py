"""The new-request modal: department, service (filtered by department), details, priority."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot.adapters.slack.blocks import plain
from handlers.catalog import PRIORITIES, Catalog
from handlers.i18n import t

CALLBACK = "crossdesk_new_request"
DEPARTMENT_ACTION = "crossdesk_form_department"
DETAILS_LIMIT = 3000
MAX_OPTIONS = 100

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


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def _category_element(catalog: Catalog, locale: str, form: Form) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select", "action_id": "category",
        "placeholder": plain(t(locale, "slack.form.category.placeholder")),
    }
    deps = [d for d in catalog.departments if form.department in (None, d.key)]
    if form.department:
        dep = deps[0]
        element["options"] = [_option(c.label(locale), f"{dep.key}/{c.key}")
                              for c in dep.categories][:MAX_OPTIONS]
    else:
        element["option_groups"] = [
            {"label": plain(d.label(locale)),
             "options": [_option(c.label(locale), f"{d.key}/{c.key}") for c in d.categories]}
            for d in deps if d.categories
        ][:MAX_OPTIONS]
    if form.department and form.category:
        dep = catalog.department(form.department)
        cat = dep.category(form.category)
        if cat is not None:
            element["initial_option"] = _option(cat.label(locale), f"{dep.key}/{cat.key}")
    return element


def new_request_view(catalog: Catalog, locale: str, form: Form) -> View:
    """The modal, prefilled from ``form``; the service list follows the chosen department."""
    dep_element: dict[str, Any] = {
        "type": "static_select", "action_id": DEPARTMENT_ACTION,
        "placeholder": plain(t(locale, "slack.form.department.placeholder")),
        "options": [_option(d.label(locale), d.key) for d in catalog.departments][:MAX_OPTIONS],
    }
    if form.department:
        dep = catalog.department(form.department)
        dep_element["initial_option"] = _option(dep.label(locale), dep.key)
    details: dict[str, Any] = {"type": "plain_text_input", "action_id": "details",
                               "multiline": True, "max_length": DETAILS_LIMIT}
    if form.details:
        details["initial_value"] = form.details[:DETAILS_LIMIT]
    priority: dict[str, Any] = {
        "type": "static_select", "action_id": "priority",
        "placeholder": plain(t(locale, "slack.form.priority.placeholder")),
        "options": [_option(t(locale, f"priority.{p}"), p) for p in PRIORITIES],
    }
    if form.priority in PRIORITIES:
        priority["initial_option"] = _option(t(locale, f"priority.{form.priority}"),
                                              form.priority or "")
    attachment: dict[str, Any] = {"type": "plain_text_input", "action_id": "attachment",
                                  "max_length": 500}
    if form.attachment:
        attachment["initial_value"] = form.attachment
    blocks = [
        {"type": "input", "block_id": "department", "dispatch_action": True,
         "label": plain(t(locale, "slack.form.department")), "element": dep_element},
        {"type": "input", "block_id": f"category.{form.department or 'all'}",
         "label": plain(t(locale, "slack.form.category")),
         "element": _category_element(catalog, locale, form)},
        {"type": "input", "block_id": "details", "label": plain(t(locale, "slack.form.details")),
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


def read_form(view: View) -> Form:
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
    return Form(
        department=department, category=category_key,
        details=_typed(values.get("details", {})).strip(),
        priority=_selected(values.get("priority", {})),
        attachment=_typed(values.get("attachment", {})).strip(),
        category_block=category_block,
    )


def with_department(form: Form, department: str | None) -> Form:
    """The form after the department changed (the old service is dropped if it does not fit)."""
    keep = form.category if department == form.department else None
    return replace(form, department=department, category=keep)


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
    if not form.details:
        errors["details"] = t(locale, "slack.err.no_details")
    return errors


def command_text(form: Form, locale: str) -> str:
    """The typed command the form stands for: ``/request <dept> <service> <details> …``."""
    lines = [form.details]
    if form.attachment:
        lines.append(f"{t(locale, 'slack.form.attachment.prefix')}: {form.attachment}")
    if form.priority in PRIORITIES:
        lines.append(f"!{form.priority}")
    return f"/request {form.department} {form.category} " + "\n".join(lines)
