"""A service's form fields and instructions in the config: parsed, and every mistake explained
with its key and a fix.

Shape (one table per field, in the order the form asks them)::

    [[departments.categories.fields]]
    key = "amount"                  # lowercase letters, digits, `_` and `-`
    name = "Amount"
    name_zh = "金额"
    aliases = ["sum"]                # more names for `key=value` in chat
    type = "amount"                  # text, long_text, number, amount, date, choice, person,
                                     # department, file
    required = true
    min = 0.01                       # number / amount
    max = 100000
    currency = "CNY"                 # amount: the currency when the value names none
    max_length = 200                 # text / long_text
    pattern = "[A-Z]{2}\\d{4}"       # text / long_text: the whole value must match
    default = "today"                # checked like a typed value; a department's may be
                                     # "@requester" (the requester's own department)
    choices = ["MacBook Pro", { key = "x1", name = "ThinkPad X1", name_zh = "…" }]
    hint = "e.g. 86.50"              # shown when the field is asked
    not_before = "first_day"         # date: not before this other date field of the service
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.runtime.config_checks import unknown_keys
from handlers.catalog import Catalog, norm
from handlers.command_words import REQUEST_PREFIXES, SUGGEST_PREFIXES
from handlers.fields import (
    ANSWERED_WORDS,
    CANCEL_WORDS,
    CONTROL_WORDS,
    REQUESTER,
    SKIP_WORDS,
    FieldProblem,
    describe,
    parse_value,
)
from handlers.service_spec import FIELD_TYPES, Choice, FieldSpec

Report = Callable[[str, str], None]  # (key, message)
FIELD_KEYS = ("key", "name", "name_zh", "aliases", "type", "required", "min", "max",
              "currency", "max_length", "pattern", "default", "choices", "hint", "hint_zh",
              "not_before")
CHOICE_KEYS = ("key", "name", "name_zh", "aliases")
FIELD_KEY_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
KEY_MAX = 64  # request_field.key
CHOICE_KEY_MAX = 150  # a Slack menu option's value (Block Kit option object)
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
# the words a chat form reads as "stop", "answered" or "leave it out", and those that start
# a command
RESERVED = {norm(w) for w in (*CONTROL_WORDS, *REQUEST_PREFIXES, *SUGGEST_PREFIXES)}
# what each of a chat form's words does there (a choice so named could never be typed)
CONTROL_DOES = {norm(w): does for words, does in (
    (CANCEL_WORDS, "stop the form"), (ANSWERED_WORDS, "say the instructions were enough"),
    (SKIP_WORDS, "leave out the field asked"),
) for w in words}
_EMPTY_CATALOG = Catalog(departments=())
_A_DAY = date(2026, 1, 15)  # defaults are checked against a fixed day ("today" is always fine)


def parse_fields(raw: Any, where: str, problem: Report) -> tuple[FieldSpec, ...]:
    """The ``fields`` of the service at ``where`` (e.g. ``departments[0].categories[1]``)."""
    key = f"{where}.fields"
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(f, dict) for f in raw):
        problem(key, "must be an array of tables; write [[departments.categories.fields]] "
                "with key, name and type")
        return ()
    out: list[FieldSpec] = []
    words: dict[str, str] = {}
    for i, f in enumerate(raw):
        spec = _field(f, f"{key}[{i}]", problem)
        if spec is None:
            continue
        clash = False
        for name, word in _named(spec):
            n = norm(word)
            if n in RESERVED:
                problem(f"{key}[{i}].{name}", f"{word!r} is a command word; choose another name")
                clash = True
            elif n in words:
                problem(f"{key}[{i}].{name}", f"{word!r} already names field {words[n]!r} of "
                        "this service; use another name or remove one of them")
                clash = True
            words.setdefault(n, spec.key)
        if not clash:
            out.append(spec)
    return _ordered_dates(tuple(out), raw, key, problem)


def _ordered_dates(specs: tuple[FieldSpec, ...], raw: list[dict[str, Any]], key: str,
                   problem: Report) -> tuple[FieldSpec, ...]:
    """Each ``not_before`` names another date field of the same service (``last_day``'s
    ``not_before = "first_day"``); one that does not is reported and left out."""
    dates = [s.key for s in specs if s.type == "date"]
    out: list[FieldSpec] = []
    for spec in specs:
        i = next(i for i, f in enumerate(raw) if f.get("key") == spec.key)
        wanted = raw[i].get("not_before")
        if wanted is not None and (spec.type != "date" or wanted == spec.key
                                   or wanted not in dates):
            others = [d for d in dates if d != spec.key]
            problem(f"{key}[{i}].not_before",
                    f"{wanted!r} is not another date field of this service; "
                    + (f"use one of {', '.join(repr(d) for d in others)}" if spec.type == "date"
                       and others else "remove it (it is for a date field, naming another)"))
            wanted = None
        out.append(spec if wanted is None else replace(spec, not_before=str(wanted)))
    return tuple(out)


def _named(spec: FieldSpec) -> list[tuple[str, str]]:
    """(config key, word) for every spelling of the field, each once per field."""
    named = [("key", spec.key), ("name", spec.name), ("name_zh", spec.name_zh)]
    named += [("aliases", a) for a in spec.aliases]
    seen: set[str] = set()
    out = []
    for name, word in named:
        if word and norm(word) not in seen:
            seen.add(norm(word))
            out.append((name, word))
    return out


def _text(f: dict[str, Any], name: str, key: str, problem: Report) -> str:
    value = f.get(name, "")
    if not isinstance(value, str):
        problem(f"{key}.{name}", "must be text in quotes, e.g. name = \"Amount\"")
        return ""
    return value.strip()


def _field(f: dict[str, Any], key: str, problem: Report) -> FieldSpec | None:
    """One field table, or None when it cannot be used (each mistake reported)."""
    unknown_keys(f, FIELD_KEYS, key, problem)
    ok = True
    fkey = _text(f, "key", key, problem)
    if not fkey:
        problem(f"{key}.key", "every field needs a key; write e.g. key = \"amount\"")
        ok = False
    elif len(fkey) > KEY_MAX or not FIELD_KEY_RE.match(fkey):
        problem(f"{key}.key", f"{fkey!r} is not a valid field key; use up to {KEY_MAX} "
                "lowercase letters, digits, `_` and `-`, starting with a letter")
        ok = False
    ftype = f.get("type")
    if ftype not in FIELD_TYPES:
        what = "no type" if ftype is None else f"unknown type {ftype!r}"
        problem(f"{key}.type", f"{what}; use one of {', '.join(FIELD_TYPES)}")
        ok = False
    required = f.get("required", False)
    if not isinstance(required, bool):
        problem(f"{key}.required", "must be true or false")
        required = False
    aliases = f.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        problem(f"{key}.aliases", "must be a list of names, e.g. aliases = [\"sum\", \"总额\"]")
        aliases = []
    minimum = _decimal(f, "min", key, problem)
    maximum = _decimal(f, "max", key, problem)
    if minimum is not None and maximum is not None and minimum > maximum:
        problem(f"{key}.min", f"min {minimum} is above max {maximum}; make min ≤ max")
    max_length = f.get("max_length")
    if max_length is not None and (isinstance(max_length, bool) or not isinstance(
            max_length, int) or max_length <= 0):
        problem(f"{key}.max_length", f"{max_length!r} is no length; use a whole number above "
                "0, e.g. max_length = 200")
        max_length = None
    pattern = f.get("pattern")
    if pattern is not None:
        pattern = _pattern(pattern, f"{key}.pattern", problem)
    currency = f.get("currency")
    if currency is not None and (not isinstance(currency, str)
                                 or not CURRENCY_RE.match(currency)):
        problem(f"{key}.currency", f"{currency!r} is not a currency; use a 3-letter code in "
                "capitals, e.g. \"CNY\" or \"USD\"")
        currency = None
    choices = _choices(f.get("choices"), ftype, key, problem)
    default = f.get("default")
    if default is not None and not isinstance(default, (str, int, float)):
        problem(f"{key}.default", "must be a value as a person would type it, e.g. "
                "default = \"today\"")
        default = None
    name = _text(f, "name", key, problem) or fkey
    if not ok:
        return None
    spec = FieldSpec(
        key=fkey, name=name, type=str(ftype), name_zh=_text(f, "name_zh", key, problem),
        required=required, aliases=tuple(a.strip() for a in aliases if a.strip()),
        minimum=minimum, maximum=maximum, max_length=max_length, pattern=pattern,
        default=None if default is None else str(default), currency=currency,
        choices=choices, hint=_text(f, "hint", key, problem),
        hint_zh=_text(f, "hint_zh", key, problem))
    _misplaced(f, spec, key, problem)
    if spec.type == "choice" and not choices:
        problem(f"{key}.choices", "a choice field needs choices; write e.g. "
                "choices = [\"MacBook Pro\", \"ThinkPad X1\"]")
        return None
    if spec.default is not None and not _default_ok(spec, key, problem):
        return None
    return spec


def _misplaced(f: dict[str, Any], spec: FieldSpec, key: str, problem: Report) -> None:
    """Limits that mean nothing for the field's type."""
    owners = {"min": ("number", "amount"), "max": ("number", "amount"), "currency": ("amount",),
              "max_length": ("text", "long_text"), "pattern": ("text", "long_text"),
              "choices": ("choice",)}
    for name, types in owners.items():
        if name in f and spec.type not in types:
            problem(f"{key}.{name}", f"a {spec.type} field has no {name}; remove it (it is for "
                    f"{' and '.join(types)} fields)")


def _decimal(f: dict[str, Any], name: str, key: str, problem: Report) -> Decimal | None:
    value = f.get(name)
    if value is None:
        return None
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        return Decimal(str(value))
    except InvalidOperation:
        problem(f"{key}.{name}", f"{value!r} is not a number; write e.g. {name} = 0.01")
        return None


def _pattern(value: Any, key: str, problem: Report) -> str | None:
    if not isinstance(value, str):
        problem(key, "must be a regular expression in quotes, e.g. pattern = \"[A-Z]{2}\\\\d{4}\"")
        return None
    try:
        re.compile(value)
    except re.error as exc:
        problem(key, f"{value!r} is not a valid regular expression ({exc}); fix it, e.g. "
                "pattern = \"[A-Z]{2}\\\\d{4}\"")
        return None
    return value


def _choices(raw: Any, ftype: Any, key: str, problem: Report) -> tuple[Choice, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problem(f"{key}.choices", "must be a list, e.g. choices = [\"MacBook Pro\", "
                "\"ThinkPad X1\"]")
        return ()
    out: list[Choice] = []
    words: dict[str, str] = {}
    for i, c in enumerate(raw):
        ckey = f"{key}.choices[{i}]"
        choice = _choice(c, ckey, problem)
        if choice is None:
            continue
        clash = False
        for word in dict.fromkeys(norm(w) for w in choice.words() if w):
            if word in CONTROL_DOES:
                problem(ckey, f"{word!r} is what a person types in a chat form to "
                        f"{CONTROL_DOES[word]}, so typing it could never pick this choice; "
                        "please choose another key and name for it (not "
                        f"{', '.join(CONTROL_WORDS[:-1])} or {CONTROL_WORDS[-1]})")
                clash = True
            elif word in words:
                problem(ckey, f"{word!r} already names choice {words[word]!r}; use another "
                        "name or remove one of them")
                clash = True
            words.setdefault(word, choice.key)
        if not clash:
            out.append(choice)
    return tuple(out)


def _choice(c: Any, key: str, problem: Report) -> Choice | None:
    """One choice (a name, or a table with key, names and aliases), or None when refused."""
    if isinstance(c, str) and c.strip():
        if len(c.strip()) > CHOICE_KEY_MAX:
            problem(key, f"a choice named by a text over {CHOICE_KEY_MAX} characters cannot be "
                    "offered in Slack's menus; write it as a table with a short key, e.g. "
                    "{ key = \"x1\", name = \"…\" }")
            return None
        return Choice(key=c.strip(), name=c.strip())
    if not isinstance(c, dict):
        problem(key, "must be a name in quotes or a table with key and name, e.g. "
                "{ key = \"x1\", name = \"ThinkPad X1\" }")
        return None
    unknown_keys(c, CHOICE_KEYS, key, problem)
    ckey = str(c.get("key", "")).strip()
    if not ckey:
        problem(f"{key}.key", "every choice needs a key; write e.g. key = \"x1\"")
        return None
    if len(ckey) > CHOICE_KEY_MAX:
        problem(f"{key}.key", f"a choice key over {CHOICE_KEY_MAX} characters cannot be "
                "offered in Slack's menus; write a short one, e.g. key = \"x1\" (the name "
                "may be long)")
        return None
    aliases = c.get("aliases", [])
    if not isinstance(aliases, list):
        problem(f"{key}.aliases", "must be a list of names")
        aliases = []
    return Choice(key=ckey, name=str(c.get("name", ckey)), name_zh=str(c.get("name_zh", "")),
                  aliases=tuple(str(a) for a in aliases))


def _default_ok(spec: FieldSpec, key: str, problem: Report) -> bool:
    """The default passes the field's own checks (``@requester`` only for a department)."""
    assert spec.default is not None
    if spec.default == REQUESTER:
        if spec.type == "department":
            return True
        problem(f"{key}.default", f"{REQUESTER!r} is only for a department field; remove it "
                "or use a value of this field's type")
        return False
    if spec.type == "file":
        problem(f"{key}.default", "a file field cannot have a default; remove it")
        return False
    if spec.type in ("person", "department"):
        return True  # a person or department that left the config is simply not filled in
    got = parse_value(spec, spec.default, catalog=_EMPTY_CATALOG, locale="en", today=_A_DAY)
    if isinstance(got, FieldProblem):
        reason = describe(got, spec, catalog=_EMPTY_CATALOG, locale="en")
        problem(f"{key}.default", f"{spec.default!r} fails the field's own check ({reason}); "
                "use a valid value or remove the default")
        return False
    return True


def parse_instructions(service: dict[str, Any], where: str, problem: Report) -> tuple[str, str]:
    """The service's ``instructions`` and ``instructions_zh``."""
    out = []
    for name in ("instructions", "instructions_zh"):
        value = service.get(name, "")
        if not isinstance(value, str):
            problem(f"{where}.{name}", "must be text in quotes (use \"\"\"…\"\"\" for several "
                    "lines)")
            value = ""
        elif len(value) > 2000:
            problem(f"{where}.{name}", f"is {len(value)} characters; keep it under 2000 and "
                    "link to a page for the rest")
            value = value[:2000]
        out.append(value.strip())
    return out[0], out[1]
