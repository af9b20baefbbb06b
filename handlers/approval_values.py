"""A rejected request reopened with changes: ``金额=80 …`` replaces those values before the
approval starts again (a value that does not read is refused, nothing changed).

A value whose field left the config (every value, when its service did) is still changeable:
it goes by the key it is shown with (``amount=80``), read as it was stored. While such values
exist, a ``name=value`` naming none of the request's values is refused, listing what can be
changed: the name the person remembers may be the old field's, and must not go unheard."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import timedelta

from handlers import approval_reopen, fields, forms
from handlers.catalog import Category
from handlers.context import Ctx, Refusal
from handlers.field_lines import raw
from handlers.i18n import join
from handlers.service_spec import FieldSpec
from storage import request_fields
from storage.models import Request
from storage.request_fields import FieldValue

READ_AS = {"choice": "text"}  # a stored type read otherwise once its field is gone (no options)


def apply_changes(ctx: Ctx, request: Request, text: str) -> dict[str, FieldValue | None]:
    """Replace the values ``text`` names (``key=value`` pairs); those it changed, as they
    were (None: not set), kept in the history (``approval_reopen``); empty: none changed."""
    if request.id is None:
        return {}
    values = dict(request_fields.of_request(ctx.session, request.id))
    category = ctx.department(request.department).category(request.category)
    kept = stand_ins(category, values)
    form = _form(request, category, kept)
    if not form.fields:
        return {}
    given, _free, unknown = fields.split_pairs(text, form)
    if unknown and kept:
        example = fields.pair(kept[0].key, raw(values[kept[0].key]))
        raise Refusal("approval.err.no_such_value", ref=request.ref, word=unknown[0],
                      values=join(ctx.locale, [f.label(ctx.locale) for f in form.fields]),
                      example=example)
    if not given:
        return {}
    for key, twice in forms.given_twice(ctx, form, text).items():  # which one is meant?
        spec = form.field(key)
        assert spec is not None
        raise Refusal("approval.err.bad_value", ref=request.ref, problem=fields.describe(
            twice, spec, catalog=ctx.desk.catalog, locale=ctx.locale,
            today=ctx.desk.policy.today(ctx.now), reader=ctx.actor.id))
    today = ctx.now.astimezone(ctx.desk.policy.tz).date()
    before: dict[str, FieldValue | None] = {}
    for key, typed in given.items():
        spec = form.field(key)
        assert spec is not None
        parsed = fields.parse_value(spec, typed, catalog=ctx.desk.catalog, locale=ctx.locale,
                                    today=today)
        if isinstance(parsed, fields.FieldProblem):
            raise Refusal("approval.err.bad_value", ref=request.ref, problem=fields.describe(
                parsed, spec, catalog=ctx.desk.catalog, locale=ctx.locale, today=today,
                reader=ctx.actor.id))
        if values.get(key) != parsed:
            before[key] = values.get(key)
        values[key] = parsed
    if before:
        approval_reopen.record(ctx, request, before)
        request_fields.replace(ctx.session, request.id, values.values())
    return before


def form_of(ctx: Ctx, request: Request) -> Category:
    """The fields ``request``'s values can be named by: its service's, and a stand-in for
    each value whose field left the config."""
    values = request_fields.of_request(ctx.session, request.id or 0)
    category = ctx.department(request.department).category(request.category)
    return _form(request, category, stand_ins(category, values))


def stand_ins(category: Category | None,
              values: Mapping[str, FieldValue]) -> tuple[FieldSpec, ...]:
    """A field for each stored value whose own left the config (all, with no ``category``):
    named by its key, of the type it was stored with."""
    known = {spec.key for spec in category.fields} if category is not None else set()
    return tuple(FieldSpec(key=key, name=key, type=READ_AS.get(value.type, value.type),
                           currency=value.currency)
                 for key, value in values.items() if key not in known)


def _form(request: Request, category: Category | None,
          kept: tuple[FieldSpec, ...]) -> Category:
    """The service's fields and the stand-ins, as one form to read pairs with."""
    base = category or Category(key=request.category, name=request.category, name_zh="",
                                aliases=(), priority=request.priority,
                                first_response=timedelta(0), resolution=timedelta(0))
    return dataclasses.replace(base, fields=(*base.fields, *kept))
