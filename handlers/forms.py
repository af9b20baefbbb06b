"""The form of a request being opened: its typed values read from the command
(``key=value`` pairs and what the free text shows), checked, and stored with the request."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from handlers import attachments
from handlers.catalog import Catalog, Category, norm
from handlers.context import Ctx, Refusal
from handlers.fields import (
    FieldProblem,
    describe,
    example,
    missing,
    pair,
    parse_value,
    recognise,
    repeated,
    split_pairs,
    to_raw,
    with_defaults,
)
from handlers.grammar import MAX_DETAILS
from handlers.i18n import join, t
from handlers.inbound import IncomingFile
from handlers.service_spec import FieldSpec
from storage import request_fields
from storage.models import Request
from storage.request_fields import FieldValue


@dataclass(frozen=True)
class Filled:
    """What a request's form holds: typed values by key, the free text left as details, the
    required fields still empty, files given for ``file`` fields (attached on opening), and
    lines its filler is still to read (a file of the last answer refused), said on opening."""

    values: dict[str, FieldValue]
    details: str
    missing: tuple[FieldSpec, ...] = ()
    files: tuple[IncomingFile, ...] = field(default=())
    said: tuple[str, ...] = field(default=())


def refuse_moving_into(ctx: Ctx, ref: str, department: str, category: Category) -> None:
    """Refuse a change of service or a transfer into a service ``Category.opened_only_as_itself``,
    saying how the requester opens it instead."""
    if category.opened_only_as_itself():
        raise Refusal("err.service_needs_opening", ref=ref, service=category.label(ctx.locale),
                      command=f"/request {department} {category.key}")


def today(ctx: Ctx) -> date:
    """The date in the company's timezone."""
    return ctx.desk.policy.today(ctx.now)


def collect(ctx: Ctx, category: Category, text: str) -> Filled:
    """The form in ``text``: ``key=value`` pairs, then what the free text shows (an amount
    with a currency mark, a date), then the defaults. A name that is no field, or a value
    its field refuses, or a field given two different values, is a Refusal listing every
    problem, and so is a name close to a field's (``ammount=86``): nothing is opened. Other
    ``x=y`` stay in the text. The details typed in a form's box (``ctx.details``) are the
    request's details as typed: nothing is read out of them."""
    typed_apart = ctx.details
    if typed_apart is not None and len(typed_apart) > MAX_DETAILS:
        raise Refusal("err.too_long", length=len(typed_apart), limit=MAX_DETAILS)
    if not category.fields:
        return Filled(values={}, details=text if typed_apart is None else typed_apart)
    pairs, free, unknown = split_pairs(text, category)
    for word in unknown:
        close = close_field(category, word)
        if close is not None:  # "ammount=86": a field misspelt; "href=…", "x=1" are text
            raise Refusal("form.err.unknown_name", word=word, close=close.label(ctx.locale),
                          service=category.label(ctx.locale),
                          fields=join(ctx.locale, [f.label(ctx.locale) for f in category.fields]),
                          example=_pair_example(ctx, category))
    raw = {**recognise(free, category, given=pairs), **pairs}
    values, refused = check_values(category, raw, catalog=ctx.desk.catalog, locale=ctx.locale,
                                   today=today(ctx), me=ctx.actor.id)
    refused.update(given_twice(ctx, category, text))
    problems = [describe(refused[spec.key], spec, catalog=ctx.desk.catalog, locale=ctx.locale,
                         today=today(ctx), reader=ctx.actor.id,
                         earliest=earliest(spec, values))
                for spec in category.fields if spec.key in refused]
    if problems:
        raise Refusal("form.err.refused", problems="\n".join(f"• {p}" for p in problems))
    details = free if typed_apart is None else typed_apart
    return complete(ctx, category, _with_files(ctx, category, values), details, ctx.files)


def given_twice(ctx: Ctx, category: Category, text: str) -> dict[str, FieldProblem]:
    """The fields ``text`` gives different values (``amount=86 amount=90``), by key: which
    one is meant is the person's to say. The same value twice (``86``, ``86.00``) is fine."""
    out: dict[str, FieldProblem] = {}
    for pairs in repeated(text, category):
        spec = pairs[0].spec
        read = [parse_value(spec, p.value, catalog=ctx.desk.catalog, locale=ctx.locale,
                            today=today(ctx)) for p in pairs]
        if all(value == read[0] for value in read):
            continue
        out[spec.key] = FieldProblem("twice", {
            "values": join(ctx.locale, [f"“{p.value}”" for p in pairs]),
            "retype": pair(pairs[0].name, pairs[0].value)})
    return out


def earliest(spec: FieldSpec, values: Mapping[str, FieldValue]) -> date | None:
    """The day ``spec`` may not precede (its ``not_before`` field's value), when given."""
    other = values.get(spec.not_before) if spec.not_before else None
    return other.day if other is not None else None


def check_values(category: Category, raw: Mapping[str, str], *, catalog: Catalog,
                 locale: str, today: date, me: str = "") -> tuple[dict[str, FieldValue],
                                                                  dict[str, FieldProblem]]:
    """Each of ``category``'s fields given in ``raw`` (text as typed) read by ``parse_value``
    (``me``: who ``me``/``我`` is): the values, and why each refused one is refused, both by
    field key in the form's order."""
    values: dict[str, FieldValue] = {}
    problems: dict[str, FieldProblem] = {}
    for spec in category.fields:
        if spec.key not in raw:
            continue
        got = parse_value(spec, raw[spec.key], catalog=catalog, locale=locale, today=today,
                          me=me)
        if isinstance(got, FieldProblem):
            problems[spec.key] = got
        else:
            values[spec.key] = got
    for key, problem in out_of_order(category, values).items():
        problems[key] = problem
        del values[key]
    return values, problems


@dataclass(frozen=True)
class FormCheck:
    """A form's fields as submitted, checked: each valid value as the text its command carries
    (``parse_value`` reads it back the same), and what is wrong with each other, in words, both
    by field key in the form's order (refused values first, then required fields left empty)."""

    values: dict[str, str]
    problems: dict[str, str]


def check_form(category: Category, typed: Mapping[str, str], *, catalog: Catalog, locale: str,
               today: date, person_of: Callable[[str], str | None],
               has_file: bool = False) -> FormCheck:
    """Check a platform form's fields (``typed``: each as its input holds it) with
    ``check_values``: a ``file`` field's text is left out (a file is uploaded, ``has_file``
    says whether one was); a person picked is one of our people only as ``person_of`` (the
    platform's user id → our person id) finds them; each refusal is worded by ``describe``;
    a required field left empty is named too."""
    raw: dict[str, str] = {}
    for spec in category.fields:
        text = typed.get(spec.key)
        if text is not None and spec.type != "file":
            value = person_of(text) if spec.type == "person" else text
            if value is not None:
                raw[spec.key] = value
    valid, refused = check_values(category, raw, catalog=catalog, locale=locale, today=today)
    problems: dict[str, str] = {}
    for spec in category.fields:
        problem = refused.get(spec.key)
        not_ours = spec.type == "person" and spec.key in typed and (
            spec.key not in raw or (problem is not None and problem.key == "person"))
        if not_ours:
            problems[spec.key] = t(locale, "form.err.unknown_person", field=spec.label(locale))
        elif problem is not None:
            problems[spec.key] = describe(problem, spec, catalog=catalog, locale=locale,
                                          today=today)
    values = {key: to_raw(value) for key, value in valid.items()}
    for spec in missing(category, {**typed, **values}, has_file):
        problems[spec.key] = t(locale, "form.err.required")
    return FormCheck(values, problems)


def out_of_order(category: Category, values: Mapping[str, FieldValue]) -> dict[str, FieldProblem]:
    """The date fields whose value comes before the date their ``not_before`` names (a last
    day before the first), by key: the later field is the one to type again."""
    out: dict[str, FieldProblem] = {}
    for spec in category.fields:
        other = category.field(spec.not_before) if spec.not_before else None
        mine, theirs = values.get(spec.key), values.get(spec.not_before or "")
        if other is None or mine is None or theirs is None or mine.day is None \
                or theirs.day is None or mine.day >= theirs.day:
            continue
        out[spec.key] = FieldProblem("before", {
            "other": other.name, "other_zh": other.label("zh-CN"),
            "day": theirs.day.isoformat(), "given": mine.day.isoformat()})
    return out


def complete(ctx: Ctx, category: Category, values: dict[str, FieldValue], details: str,
             files: tuple[IncomingFile, ...] = ()) -> Filled:
    """``values`` with the defaults applied, and what is still missing."""
    filled = with_defaults(category, values, requester=ctx.actor.id, catalog=ctx.desk.catalog,
                           locale=ctx.locale, today=today(ctx))
    return Filled(values=filled, details=details, files=files,
                  missing=tuple(missing(category, filled, has_file=False)))


def _with_files(ctx: Ctx, category: Category,
                values: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """``values`` with the files sent with the command (``ctx.files``, those the desk takes)
    in the form's empty ``file`` fields, in order: the photo sent with
    ``/request finance reimbursement …`` is the invoice it asks for (so is one sent later,
    while the chat asks another field: ``form_chat``)."""
    taken, _refusals = attachments.sort_out(ctx, ctx.files)
    names = iter([attachments.clean_name(f.name, f.mime) for f in taken])
    out = dict(values)
    for spec in category.fields:
        if spec.type == "file" and spec.key not in out:
            name = next(names, None)
            if name is None:
                break
            out[spec.key] = FieldValue(spec.key, "file", text=name)
    return out


def close_field(category: Category, word: str) -> FieldSpec | None:
    """The field whose name ``word`` is a near miss of (``ammount`` → amount)."""
    names = {norm(w): f for f in category.fields for w in f.words() if w}
    close = difflib.get_close_matches(norm(word), list(names), n=1, cutoff=0.75)
    return names[close[0]] if close else None


def _pair_example(ctx: Ctx, category: Category) -> str:
    spec = category.fields[0]
    value = example(spec, catalog=ctx.desk.catalog, locale=ctx.locale, today=today(ctx),
                    reader=ctx.actor.id).split("、")[0]
    value = value.split(", ")[0]
    return f"{spec.label(ctx.locale)}={value}" if " " not in value else \
        f'{spec.label(ctx.locale)}="{value}"'


def store(ctx: Ctx, request: Request, filled: Filled) -> list[str]:
    """Write the form's values with the request (same transaction) and attach the files
    given for its file fields; one line per file for the answer, then ``filled.said``."""
    assert request.id is not None
    if filled.values:
        request_fields.first(ctx.session, request.id, filled.values.values())
    else:  # a new request: nothing to read back for its notices
        request_fields.none_yet(ctx.session, request.id)
    attached = attachments.attach(ctx, request, filled.files) if filled.files else []
    return [*attached, *filled.said]


