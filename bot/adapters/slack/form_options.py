"""Options for the request form's selects, within Block Kit's limits.

A select shows at most ``MAX_OPTIONS`` options (or option groups); an option's text is cut to
75 characters and its value is a short key (``finance`` or ``finance/reimbursement``). A catalog
that does not fit is searched instead: the select loads its options from us
(``external_select``), filtered by what the person types, so no department is ever cut off;
so is a choice field with more than 100 choices."""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.blocks import plain
from handlers.catalog import Catalog, Category, Department, matches
from handlers.i18n import t
from handlers.service_spec import FieldSpec

MAX_OPTIONS = 100
MAX_VALUE = 150

Option = dict[str, Any]


def option(text: str, value: str) -> Option:
    """One option: its text cut to fit, its value a short key."""
    if len(value) > MAX_VALUE:
        raise ValueError(f"option value over {MAX_VALUE} characters: {value[:40]}…")
    return {"text": plain(text), "value": value}


def department_option(dep: Department, locale: str) -> Option:
    """The option naming ``dep``."""
    return option(dep.label(locale), dep.key)


def category_option(dep: Department, cat: Category, locale: str) -> Option:
    """The option naming service ``cat`` of ``dep``."""
    return option(cat.label(locale), f"{dep.key}/{cat.key}")


def select(fits: bool, action_id: str, placeholder: str) -> dict[str, Any]:
    """A static select, or one searching our options (``external_select``) when the choices
    would not fit."""
    element: dict[str, Any] = {"type": "static_select" if fits else "external_select",
                               "action_id": action_id, "placeholder": plain(placeholder)}
    if not fits:
        element["min_query_length"] = 0
    return element


def department_select(catalog: Catalog, locale: str, initial: str | None, action_id: str,
                      searching_action: str | None = None) -> dict[str, Any]:
    """The department select showing ``initial``: ``action_id`` when every department fits,
    else searching as ``searching_action`` (default the same)."""
    fits = departments_fit(catalog)
    element = select(fits, action_id if fits else searching_action or action_id,
                     t(locale, "slack.form.department.placeholder"))
    if fits:
        element["options"] = search_departments(catalog, locale, "")
    if initial and catalog.has_department(initial):
        element["initial_option"] = department_option(catalog.department(initial), locale)
    return element


def departments_fit(catalog: Catalog) -> bool:
    """True when every department fits one static select."""
    return len(catalog.departments) <= MAX_OPTIONS


def services_fit(catalog: Catalog, department: str | None) -> bool:
    """True when the services offered (of one department, or grouped by department) fit a
    static select."""
    groups = list(catalog.services_matching("", department or None))
    return len(groups) <= MAX_OPTIONS and all(len(cats) <= MAX_OPTIONS for _, cats in groups)


def search_departments(catalog: Catalog, locale: str, typed: str) -> list[Option]:
    """The departments whose key, prefix, name or alias contains ``typed`` (at most 100)."""
    found = catalog.departments_matching(typed)[:MAX_OPTIONS]
    return [department_option(d, locale) for d in found]


def search_services(catalog: Catalog, locale: str, department: str | None, typed: str,
                    most: int = MAX_OPTIONS) -> dict[str, Any]:
    """The services matching ``typed`` (by their words or their department's): a flat
    ``options`` list for one department, else ``option_groups`` by department (at most 100
    groups of 100); at most ``most`` options in all (a search's answer: 100; a static select
    that ``services_fit`` shows them all)."""
    left = most
    groups: list[dict[str, Any]] = []
    for dep, cats in catalog.services_matching(typed, department):
        cats = cats[:min(left, MAX_OPTIONS)]
        if cats:
            groups.append({"label": plain(dep.label(locale)),
                           "options": [category_option(dep, c, locale) for c in cats]})
            left -= len(cats)
        if left <= 0 or len(groups) == MAX_OPTIONS:
            break
    if department:
        return {"options": groups[0]["options"] if groups else []}
    return {"option_groups": groups}


def search_choices(spec: FieldSpec, locale: str, typed: str) -> list[Option]:
    """A choice field's options whose key, name or alias contains ``typed`` (at most 100)."""
    found = [c for c in spec.choices if len(c.key) <= MAX_VALUE and matches(c.words(), typed)]
    return [option(c.label(locale), c.key) for c in found[:MAX_OPTIONS]]
