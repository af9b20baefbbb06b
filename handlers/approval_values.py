"""A rejected request reopened with changes: ``金额=80 …`` replaces those values before the
approval starts again (a value that does not read is refused, nothing changed)."""

from __future__ import annotations

from handlers import fields
from handlers.context import Ctx, Refusal
from handlers.i18n import join
from storage import request_fields
from storage.models import Request


def apply_changes(ctx: Ctx, request: Request, text: str) -> str:
    """Replace the values ``text`` names (``key=value`` pairs); the changed fields' names
    as a list (empty when nothing changed)."""
    category = ctx.department(request.department).category(request.category)
    if category is None or not category.fields or request.id is None:
        return ""
    raw, _free, _unknown = fields.split_pairs(text, category)
    if not raw:
        return ""
    today = ctx.now.astimezone(ctx.desk.policy.tz).date()
    values = dict(request_fields.of_request(ctx.session, request.id))
    names = []
    for key, given in raw.items():
        spec = category.field(key)
        assert spec is not None
        parsed = fields.parse_value(spec, given, catalog=ctx.desk.catalog, locale=ctx.locale,
                                    today=today)
        if isinstance(parsed, fields.FieldProblem):
            raise Refusal("approval.err.bad_value", ref=request.ref, problem=fields.describe(
                parsed, spec, catalog=ctx.desk.catalog, locale=ctx.locale))
        values[key] = parsed
        names.append(spec.label(ctx.locale))
    request_fields.replace(ctx.session, request.id, values.values())
    return join(ctx.locale, names)
