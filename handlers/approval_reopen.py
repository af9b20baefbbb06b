"""A rejected request reopened with changes, as its approvers and the desk read it.

The request's title stays the requester's own words (``client dinner CNY 6,000``) even when a
reopen changes the amount, so whoever is asked next reads below it who rejected it and why,
each changed value as ``Amount 6,000.00 CNY → 450.00 CNY`` in their language, and the
requester's words given with the changes (``only my share``). The history holds all of it,
so a later step of the round, asked in another command, shows the same: ``values_changed``
keeps the changed values as they were (``amount="6000.00 CNY"``; empty for one not set),
``reopened`` what the requester typed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from handlers import fields
from handlers.context import Ctx
from handlers.field_lines import raw, readable
from handlers.i18n import join, t
from handlers.service_spec import FieldSpec
from storage import approvals, request_fields, request_store
from storage.models import ApprovalStepRow, Request
from storage.request_fields import FieldValue

CHANGED = "values_changed"  # the event keeping the values a reopen replaced
NONE = "—"  # a value not set, before or after


@dataclass(frozen=True)
class Reopen:
    """The latest reopen after a rejection: the changed values as they were (raw, by key)
    and what the requester typed."""

    before: dict[str, str]
    typed: str


def record(ctx: Ctx, request: Request, before: Mapping[str, FieldValue | None]) -> None:
    """Keep in the history the values a reopen is about to replace, as they were."""
    if before:
        note = fields.pairs_line({k: raw(v) if v else "" for k, v in before.items()})
        request_store.add_event(ctx.session, request, ctx.actor.id, ctx.now, CHANGED, note=note)


def latest(ctx: Ctx, request: Request) -> Reopen | None:
    """The request's latest reopen after a rejection (None: it had none)."""
    found: Reopen | None = None
    kept = ""
    for event in request_store.events(ctx.session, request.id or 0):
        if event.kind == CHANGED:
            kept = event.note or ""
        elif event.kind == "reopened":
            if event.from_state == "rejected":
                found = Reopen(before=_pairs(ctx, request, kept), typed=event.note or "")
            kept = ""
    return found


def lines(ctx: Ctx, request: Request, locale: str) -> list[str]:
    """Who rejected it and why, what changed, the requester's words (none: not reopened)."""
    reopen = latest(ctx, request)
    if reopen is None:
        return []
    from handlers.approval_values import form_of

    form = form_of(ctx, request)
    out = []
    rejection = _rejection(ctx, request)
    if rejection is not None:
        out.append(t(locale, "approval.reopen.rejected", by=ctx.name(rejection.decided_by or ""),
                     reason=rejection.reason or NONE))
    now = request_fields.of_request(ctx.session, request.id or 0)
    changes = [_change(ctx, spec, reopen.before[spec.key], now.get(spec.key), locale)
               for spec in form.fields if spec.key in reopen.before]
    out.append(t(locale, "approval.reopen.changed", changes=join(locale, changes)) if changes
               else t(locale, "approval.reopen.unchanged"))
    words = fields.split_pairs(reopen.typed, form)[1].strip() if form.fields else reopen.typed
    if words:
        out.append(t(locale, "approval.reopen.words", requester=ctx.name(request.requester_id),
                     words=words))
    return out


def changed_names(ctx: Ctx, request: Request, before: Mapping[str, FieldValue | None],
                  locale: str) -> str:
    """The names of the values a reopen changed, for the requester's reply (empty: none)."""
    from handlers.approval_values import form_of

    form = form_of(ctx, request)
    return join(locale, [spec.label(locale) if (spec := form.field(key)) else key
                         for key in before])


def _change(ctx: Ctx, spec: FieldSpec, was: str, now: FieldValue | None, locale: str) -> str:
    old = _decode(spec, was)
    shown_old = readable(spec, old, ctx.desk.catalog, locale) if old else NONE
    shown_now = readable(spec, now, ctx.desk.catalog, locale) if now and raw(now) else NONE
    return f"{spec.label(locale)} {shown_old} → {shown_now}"


def _pairs(ctx: Ctx, request: Request, note: str) -> dict[str, str]:
    if not note:
        return {}
    from handlers.approval_values import form_of

    return fields.split_pairs(note, form_of(ctx, request))[0]


def _decode(spec: FieldSpec, text: str) -> FieldValue | None:
    """A value kept by ``record`` (``raw``'s text), read back by its field's type."""
    if not text:
        return None
    try:
        if spec.type in ("number", "amount"):
            number, _, currency = text.partition(" ")
            return FieldValue(spec.key, spec.type, number=Decimal(number),
                              currency=currency or None)
        if spec.type == "date":
            return FieldValue(spec.key, spec.type, day=date.fromisoformat(text))
    except (InvalidOperation, ValueError):
        return FieldValue(spec.key, "text", text=text)
    return FieldValue(spec.key, spec.type, text=text)


def _rejection(ctx: Ctx, request: Request) -> ApprovalStepRow | None:
    """The step whose rejection the latest reopen answered."""
    for round_ in range(approvals.next_round(ctx.session, request.id or 0) - 1, -1, -1):
        for step in approvals.steps_of(ctx.session, request.id or 0, round_):
            if step.state == "rejected":
                return step
    return None
