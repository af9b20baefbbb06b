"""A chat form whose service, or whole department, left the config while it waited.

Nothing the person sent is lost: their answer joins what the form kept (``form_changes.keep``),
the whole of it (details, the values by question, the files) is held as one message they add
to the request they open instead (``/request add <ID> N``, ``handlers.conversation.add``), and
the reply gives the values back by question with a ``/request …`` line that reuses them: for
the nearest service still offered (the department's service with a close name, else one of
that key elsewhere), else the department's services, else the departments there are now. A
form that expired meanwhile points the same way (``expired``: the sweep has no ``Ctx``)."""

from __future__ import annotations

from handlers import attachments, form_changes
from handlers.catalog import Catalog, Category, Department
from handlers.context import Ctx
from handlers.conversation import file_of_dict
from handlers.excerpt import QUOTE_LIMIT, excerpt
from handlers.fields import pair
from handlers.i18n import join, t
from handlers.inbound import Inbound
from handlers.messages import Message, Reply
from storage import form_drafts, held
from storage.models import FormDraft


def answer(ctx: Ctx, draft: FormDraft, inbound: Inbound) -> Reply:
    """Close ``draft`` (its service or department is gone), keeping everything it and
    ``inbound`` hold as a held message, and say what happened and what to type instead."""
    kept = form_changes.keep(ctx, draft, inbound)
    form_drafts.drop(ctx.session, ctx.actor.id)
    dep = ctx.department(draft.department)
    head = "form.desk_gone" if dep.gone else "form.service_gone"
    lines = [ctx.say(head, service=draft.category, department=dep.label(ctx.locale))]
    files = [file_of_dict(f) for f in draft.files]
    names = [attachments.clean_name(f.name, f.mime) for f in files]
    given = _given(ctx, draft)
    if given or files:
        row = held.hold(ctx.session, ctx.actor.id, inbound.platform,
                        "\n".join(f"{label}: {value}" for label, value in given),
                        list(draft.files), ctx.now)
        if given:
            lines.append(ctx.say("form.gone.given"))
            lines += [f"• {label}: {excerpt(value, form_changes.QUOTED)}"
                      for label, value in given]
        lines.append(ctx.say("form.gone.kept_files", files=join(ctx.locale, names), held=row.id)
                     if names else ctx.say("form.gone.kept", held=row.id))
    lines += kept.refusals
    lines.append(instead(ctx.desk.catalog, ctx.locale, dep, draft.category,
                         _reused(draft, {*names, ", ".join(kept.files)})))
    return Reply((Message(text="\n".join(lines), locale=ctx.locale, kind="form"),),
                 queued=ctx.queued)


def _given(ctx: Ctx, draft: FormDraft) -> list[tuple[str, str]]:
    """What the form held, by question: the details, then each value under its key (the
    service's labels left with it)."""
    out = [(ctx.say("form.gone.details"), draft.details)] if draft.details.strip() else []
    return out + [(key, str(value)) for key, value in draft.values.items() if value]


def _reused(draft: FormDraft, files: set[str]) -> str:
    """The details and values as the rest of a ``/request`` line (`` taxi amount=86 …``); a
    file's name is no value to type (the held message brings the file)."""
    words = [" ".join(draft.details.split())]
    words += [pair(key, str(value)) for key, value in draft.values.items()
              if value and str(value) not in files]
    if draft.priority:
        words.append(f"!{draft.priority}")
    elif draft.raise_priority:
        words.append("!urgent")
    rest = " ".join(w for w in words if w)
    return excerpt(f" {rest}", QUOTE_LIMIT) if rest else ""


def expired(catalog: Catalog, locale: str, draft: FormDraft) -> str:
    """What the owner of ``draft``, dropped unfinished after its service or department left
    the config, is told: it expired, what left, and what to type now (``instead``)."""
    dep = catalog.department(draft.department)
    head = "form.expired.desk_gone" if dep.gone else "form.expired.service_gone"
    said = t(locale, head, service=draft.category, department=dep.label(locale))
    return f"{said}\n{instead(catalog, locale, dep, draft.category)}"


def instead(catalog: Catalog, locale: str, dep: Department, key: str, rest: str = "") -> str:
    """What to type instead of ``dep``'s removed service ``key``: the nearest service still
    offered, else the department's services, else the departments there are now; each
    reusing ``rest`` (the rest of a ``/request`` line)."""
    near = nearest(catalog, dep, key)
    if near is not None:
        there, service = near
        return t(locale, "form.gone.nearest", department=there.label(locale),
                 service=service.label(locale),
                 command=f"/request {there.key} {service.key}{rest}")
    if not dep.gone and dep.categories:
        return t(locale, "form.gone.services", department=dep.label(locale), dep=dep.key,
                 services=join(locale, [c.label(locale) for c in dep.categories]), rest=rest)
    return t(locale, "form.gone.departments", rest=rest,
             departments=join(locale, [d.label(locale) for d in catalog.departments]))


def nearest(catalog: Catalog, dep: Department, key: str) -> tuple[Department, Category] | None:
    """The service still offered that is nearest to the removed ``key``: one of ``dep``'s
    with a close name (a key renamed), else one with that name in another department (a
    service moved); None when there is none."""
    if not dep.gone:
        close = dep.category_suggestions(key)
        if close:
            return dep, close[0]
    for other in catalog.departments:
        found = other.find_category(key)
        if found is not None:
            return other, found
    return None
