"""A service's form fields: one typed value parsed, checked and shown; ``key=value`` pairs and
recognisable values pulled out of free text; the required fields still missing.

Dates: ``2026-11-20`` (also ``/``, ``.`` and ``2026年11月20日``), a month and day without a
year (``11-20``, ``11/20``, ``11月20日``/``号``) and ``today``/``今天``, ``yesterday``/``昨天``,
``tomorrow``/``明天``, ``前天``, ``后天``, relative to ``today`` (a date in the company's timezone).
A month and day without a year is the nearest such day to ``today`` (this year, last year or
next year): on 2026-12-05 ``11-20`` is 2026-11-20, ``12-20`` is 2026-12-20, and
on 2027-01-03 ``12-28`` is 2026-12-28 — right for an expense last week and for leave next
week alike.

Amounts and numbers: a comma or a single space only between groups of three digits (``1,200``,
``8 600``, ``12,345,678.50``), a point before the decimals. Any other comma or space (``86,5``,
``1 200,50``, ``86 5元``) may mean two things: refused (``separator``) with what to type."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from handlers.catalog import Catalog, Category, norm
from handlers.examples import DAYS_AHEAD, Examples, form_day
from handlers.i18n import join, t
from handlers.service_spec import REQUESTER, FieldSpec
from storage.request_fields import FieldValue

DEFAULT_CURRENCY = "CNY"
MAX_DIGITS = 16  # Numeric(18, 2): 16 digits before the point
CURRENCY_MARKS = {"¥": "CNY", "￥": "CNY", "元": "CNY", "块": "CNY", "rmb": "CNY", "$": "USD",
                  "€": "EUR", "£": "GBP"}
KNOWN_CURRENCIES = ("CNY", "RMB", "USD", "EUR", "HKD", "JPY", "GBP", "SGD", "TWD", "KRW")
CANCEL_WORDS = ("cancel", "取消")  # stops a form being filled in chat
ANSWERED_WORDS = ("answered", "已解答")  # the instructions answered the question
SKIP_WORDS = ("skip", "跳过")  # leaves out the optional field asked (never a field's value)
CONTROL_WORDS = CANCEL_WORDS + ANSWERED_WORDS + SKIP_WORDS  # no field or choice is named so
DAY_WORDS = {"today": 0, "今天": 0, "今日": 0, "yesterday": -1, "昨天": -1, "昨日": -1,
             "tomorrow": 1, "明天": 1, "明日": 1, "前天": -2, "后天": 2}
_AHEAD = DAYS_AHEAD + 2  # how far ahead ``form_day`` puts a range's last day
_NUM = r"-?(?:\d[\d,\s]*(?:\.\d+)?|\.\d+)"
# how a number is written for sure: commas or single spaces only between groups of three digits
_GROUPED = re.compile(r"-?(?:\d+|\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+)(?:\.\d+)?|-?\.\d+")
_NUMBER_SPACES = " \u3000\u00a0\u202f"  # a space between digit groups, as NFKC folds them
# what after ``amount=8`` still belongs to it: groups of three digits (``amount=8 600元``) and,
# for an amount, a currency (``amount=12 USD``); after ``amount=USD``, its number
_CODE = r"(?:" + "|".join(KNOWN_CURRENCIES) + r")\b"
_MORE_GROUPS = re.compile(rf"(?:[{_NUMBER_SPACES}]\d{{3}}(?!\d))+[^\s\"“”「」']*")
_CODE_AFTER = re.compile(rf"[{_NUMBER_SPACES}]+(?:{_CODE}|[元块])", re.IGNORECASE)
_NUMBER_AFTER = re.compile(rf"[{_NUMBER_SPACES}]+\d[^\s\"“”「」']*")
_FULL_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
_DATE_IN_TEXT = re.compile(r"(?<![\d./-])(?:\d{4}\s*[-/.年]\s*)?\d{1,2}\s*"
                           r"(?:[-/]\s*\d{1,2}(?![\d./-])|月\s*\d{1,2}\s*[日号]?)")
_PAIR = re.compile(r"(?P<name>[^\s=＝:：\"“”'「」]+)[ \t\u3000]*(?P<sep>[=＝:：])[ \t\u3000]*"
                   r"(?P<value>\"[^\"]*\"|“[^”]*”|「[^」]*」|'[^']*'|[\"“「']|[^\s\"“”「」']+)?")
OPENING_QUOTES = "\"“「'"  # a value that is only one of these: its quote is never closed
_NAME_LIKE = re.compile(r"^[\w-]{1,30}$")  # "colour=red" looks like a field; "?x=1" does not
_SPACES = " \t\u3000"
QUOTES = ("\"\"", "“”", "「」", "''")


@dataclass(frozen=True)
class FieldProblem:
    """Why a value was refused: an i18n key (``form.err.*``) and its parameters. ``describe``
    turns it into a sentence naming the field and giving an example."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


def typed(text: str, words: Collection[str]) -> bool:
    """Whether ``text`` is one of ``words`` (e.g. ``SKIP_WORDS``), in any case or width, with
    any punctuation after it (``取消。``, ``Cancel!``, ``已解答！``)."""
    return _bare_word(text) in {norm(w) for w in words}


def _bare_word(text: str) -> str:
    """``text`` folded (``norm``) without the punctuation and spaces that end it."""
    folded = norm(text)
    while folded and (unicodedata.category(folded[-1]).startswith("P") or folded[-1].isspace()):
        folded = folded[:-1]
    return folded


_URL = re.compile(r"(?:https?://|www\.)[^\s\"“”「」'<>]+", re.IGNORECASE)


def url_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds a link (``http://…``, ``https://…``, ``www.…``): nothing inside
    one is a ``name=value`` or a value recognised (``?date=11-20``, ``?amount=86``)."""
    return [m.span() for m in _URL.finditer(text)]


def without_urls(text: str) -> str:
    """``text`` with each link blanked out by as many spaces (positions kept)."""
    for start, end in url_spans(text):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def describe(problem: FieldProblem, spec: FieldSpec, *, catalog: Catalog, locale: str,
             today: date | None = None, reader: str = "", earliest: date | None = None) -> str:
    """``problem`` in ``locale``: the field's name, what is wrong, an example to type (a
    param ``x`` with an ``x_zh`` beside it is said in Chinese from the latter); the example
    date is near ``today`` (never before ``earliest``) and the example person someone other
    than ``reader``."""
    zh = locale.startswith("zh")
    params = {k: problem.params.get(f"{k}_zh", v) if zh else v
              for k, v in problem.params.items() if not k.endswith("_zh")}
    return t(locale, f"form.err.{problem.key}", field=spec.label(locale),
             example=example(spec, catalog=catalog, locale=locale, today=today, reader=reader,
                             earliest=earliest),
             **params)


def example(spec: FieldSpec, *, catalog: Catalog, locale: str, today: date | None = None,
            reader: str = "", earliest: date | None = None) -> str:
    """A value ``reader`` could type for ``spec`` (its hint when it has one), from the
    company's catalog and a date near ``today``: for a date that may not precede another
    (``not_before``) already given, ``earliest``, that one at the soonest."""
    hint = spec.hint_for(locale)
    if hint:
        return hint
    if spec.type == "choice":
        return join(locale, [c.label(locale) for c in spec.choices])
    if spec.type == "amount":
        return f"86.50 {own_currency(spec)}"
    if spec.type == "person":
        return Examples(catalog).person(reader)
    if spec.type == "department":
        return join(locale, [d.label(locale) for d in catalog.departments[:3]])
    if spec.type == "date" and earliest is not None and today is not None:
        return form_day(spec, catalog, locale, max(today, earliest - timedelta(days=_AHEAD)))
    if spec.type == "date":
        return form_day(spec, catalog, locale, today)
    return t(locale, f"form.example.{spec.type}")


def parse_value(spec: FieldSpec, raw: str, *, catalog: Catalog, locale: str,
                today: date, me: str = "") -> FieldValue | FieldProblem:
    """One typed value for ``spec``, checked against its limits, or the problem with it; in a
    person field ``me``/``我`` is ``me`` (the person typing, when given)."""
    text = _unquote(raw.strip())
    if not text:
        return FieldProblem("empty")
    if spec.type in ("number", "amount"):
        return _parse_number(spec, text)
    if spec.type == "date":
        day = parse_date(text, today)
        return FieldProblem("date") if day is None else FieldValue(spec.key, "date", day=day)
    if spec.type == "choice":
        wanted = norm(text)
        for choice in spec.choices:
            if any(w and norm(w) == wanted for w in choice.words()):
                return FieldValue(spec.key, "choice", text=choice.key)
        return FieldProblem("choice", {"given": text})
    if spec.type == "person":
        return _parse_person(spec, text, catalog, me)
    if spec.type == "department":
        dep = catalog.find_department(text)
        if dep is None:
            return FieldProblem("department", {"given": text})
        return FieldValue(spec.key, "department", text=dep.key)
    if spec.type == "file":
        return FieldProblem("file")
    return _parse_text(spec, text)


def _parse_person(spec: FieldSpec, text: str, catalog: Catalog,
                  me: str) -> FieldValue | FieldProblem:
    """The person ``text`` names: ``me``/``我`` the one typing; a name several share is
    refused listing them, each with what to type (their id)."""
    if me and bare_name(text) in ME_WORDS:
        return FieldValue(spec.key, "person", text=me)
    found = people_named(text, (Named(p.id, p.name, p.slack, p.wecom) for p in catalog.people))
    if len(found) == 1:
        return FieldValue(spec.key, "person", text=found[0])
    if not found:
        return FieldProblem("person", {"given": text})
    return FieldProblem("person_ambiguous", {
        "given": text, "choices": _which(catalog, found, "en"),
        "choices_zh": _which(catalog, found, "zh-CN")})


def _which(catalog: Catalog, found: Iterable[str], locale: str) -> str:
    """One line per person of a shared name: their name, departments and id to type."""
    lines = []
    for pid in found:
        spec = catalog.person_spec(pid)
        name = spec.name if spec else pid
        where = [d.label(locale) for d in catalog.departments_of(pid)]
        lines.append(t(locale, "person.choice_at", name=name, departments=join(locale, where),
                       command=pid) if where else
                     t(locale, "person.choice", name=name, command=pid))
    return "\n".join(lines)


def _unquote(text: str) -> str:
    for marks in QUOTES:
        if len(text) >= 2 and text[0] == marks[0] and text[-1] == marks[1]:
            return text[1:-1].strip()
    return text


def _parse_text(spec: FieldSpec, text: str) -> FieldValue | FieldProblem:
    if spec.type == "text":
        text = " ".join(text.split())  # one line
    if spec.max_length is not None and len(text) > spec.max_length:
        return FieldProblem("too_long", {"length": len(text), "limit": spec.max_length})
    if spec.pattern and re.fullmatch(spec.pattern, text) is None:
        return FieldProblem("pattern")
    return FieldValue(spec.key, spec.type, text=text)


def own_currency(spec: FieldSpec) -> str:
    """The currency of an amount typed in ``spec`` without one."""
    return spec.currency or DEFAULT_CURRENCY


def foreign_amount(spec: FieldSpec, text: str | None) -> bool:
    """Whether ``text`` is an amount in another currency than ``spec``'s own (``12.00 USD``
    in a CNY field): a number alone would not say it."""
    if spec.type != "amount" or not text:
        return False
    split = split_amount(text)
    return split is not None and split[1] not in (None, own_currency(spec))


def split_amount(text: str) -> tuple[str, str | None] | None:
    """``"¥1,200.5"`` → ``("1,200.5", "CNY")``; the number's text and the currency it names
    (None when it names none); None when ``text`` is no number."""
    folded = norm(text)
    currency: str | None = None
    for mark, code in CURRENCY_MARKS.items():
        if folded.startswith(mark) or folded.endswith(mark):
            currency = code
            folded = folded.removeprefix(mark).removesuffix(mark).strip()
            break
    else:
        code_match = re.fullmatch(r"([a-z]{3})\s*(.+)|(.+?)\s*([a-z]{3})", folded)
        if code_match:
            currency = (code_match.group(1) or code_match.group(4)).upper()
            folded = (code_match.group(2) or code_match.group(3)).strip()
    if currency == "RMB":
        currency = "CNY"
    if not re.fullmatch(_NUM, folded):
        return None
    return folded, currency


def _parse_number(spec: FieldSpec, text: str) -> FieldValue | FieldProblem:
    split = split_amount(text)
    if split is None:
        return FieldProblem("number", {"given": text})
    digits, currency = split
    if currency is not None and spec.type == "number":
        return FieldProblem("number", {"given": text})
    try:
        number = _run_together(digits)
    except InvalidOperation:
        return FieldProblem("number", {"given": text})
    if not _GROUPED.fullmatch(digits.rstrip(", ")):  # "86,5", "1 200,50", "86 5"
        return FieldProblem("separator", {"given": text, **_readings(digits)})
    if number.as_tuple().exponent < -2:  # type: ignore[operator]
        return FieldProblem("decimals")
    if abs(number) >= Decimal(10) ** MAX_DIGITS:
        return FieldProblem("max", {"max": f"{Decimal(10) ** MAX_DIGITS - 1}"})
    if spec.minimum is not None and number < spec.minimum:
        return FieldProblem("min", {"min": _plain(spec.minimum)})
    if spec.maximum is not None and number > spec.maximum:
        return FieldProblem("max", {"max": _plain(spec.maximum)})
    if spec.type == "number":
        return FieldValue(spec.key, "number", number=number)
    return FieldValue(spec.key, "amount", number=number.quantize(Decimal("0.01")),
                      currency=currency or own_currency(spec))


def _readings(digits: str) -> dict[str, str]:
    """What a number with stray separators may mean, as ``suggest``/``suggest_zh``: its last
    comma or space a decimal point (``86,5`` → ``86.50``) when one or two digits follow it,
    its digits run together (``865``), and after a space, the last number alone (``2 86``:
    two of ``86``)."""
    digits = digits.rstrip(", ")
    readings = [f"{_run_together(digits):,}"]
    point = re.fullmatch(r"(-?[\d,\s]*\d)[,\s](\d{1,2})", digits)
    if point and _GROUPED.fullmatch(point.group(1)):
        cents = _run_together(f"{point.group(1)}.{point.group(2)}")
        readings.insert(0, f"{cents:,.2f}")
    last = digits.rsplit(" ", 1)[-1]
    if " " in digits and _GROUPED.fullmatch(last):
        readings.append(f"{Decimal(last.replace(',', '')):,}")
    readings = list(dict.fromkeys(readings))
    return {"suggest": _either(readings, ", ", " or "),
            "suggest_zh": _either(readings, "、", " 或 ")}


def _run_together(digits: str) -> Decimal:
    return Decimal(re.sub(r"[,\s]", "", digits))


def _either(items: list[str], comma: str, last: str) -> str:
    return last.join([comma.join(items[:-1]), items[-1]]) if len(items) > 1 else items[0]


def parse_date(text: str, today: date) -> date | None:
    """``text`` as a date (see the module's docstring for the forms), or None."""
    folded = norm(text)
    if folded in DAY_WORDS:
        return today + timedelta(days=DAY_WORDS[folded])
    full = _FULL_DATE.match(folded)
    if full:
        return _date(int(full.group(1)), int(full.group(2)), int(full.group(3)))
    month_day = _MONTH_DAY.match(folded)
    if month_day:
        month, day = int(month_day.group(1)), int(month_day.group(2))
        candidates = [d for y in (today.year - 1, today.year, today.year + 1)
                      if (d := _date(y, month, day)) is not None]
        return min(candidates, key=lambda d: abs(d - today)) if candidates else None
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


ME_WORDS = ("me", "myself", "我", "自己", "本人")  # the speaker, in a command's person slot


class Named(NamedTuple):
    """One person as a name may find them: id, display name, Slack id, WeCom userid."""

    id: str
    name: str
    slack: str | None = None
    wecom: str | None = None


def bare_name(text: str) -> str:
    """``text`` as a name is compared: folded (``norm``), without a leading ``@``/``＠``."""
    return norm(text).lstrip("@").strip()


def name_parts(name: str) -> set[str]:
    """The ways a display name is typed: whole, each word, its Chinese part and its latin
    part (``徐凯 Kevin Xu``: ``徐凯``, ``kevin xu``, ``kevin``, ``xu``)."""
    words = norm(name).split()
    latin = [w for w in words if w.isascii()]
    other = [w for w in words if not w.isascii()]
    parts = {" ".join(words), *words}
    if latin:
        parts.add(" ".join(latin))
    if other:
        parts.update((" ".join(other), "".join(other)))
    return parts


def people_named(text: str, people: Iterable[Named]) -> tuple[str, ...]:
    """The ids of those among ``people`` that ``text`` names, from the most exact way found:
    their crossdesk id; a Slack id or WeCom userid (both ignoring case); their whole name;
    a part of it (``name_parts``). Several ids: the name is shared."""
    wanted = bare_name(text)
    if not wanted:
        return ()
    rows = list(people)
    tiers = (lambda p: norm(p.id) == wanted,
             lambda p: wanted in (norm(p.slack or ""), norm(p.wecom or "")),
             lambda p: norm(p.name) == wanted,
             lambda p: wanted in name_parts(p.name))
    for tier in tiers:
        found = tuple(dict.fromkeys(p.id for p in rows if tier(p)))
        if found:
            return found
    return ()


def find_person(catalog: Catalog, text: str) -> str | None:
    """The id of the configured person ``text`` names (``people_named``), when it names
    exactly one."""
    found = people_named(text, (Named(p.id, p.name, p.slack, p.wecom) for p in catalog.people))
    return found[0] if len(found) == 1 else None


def format_value(spec: FieldSpec | None, value: FieldValue, *, catalog: Catalog,
                 locale: str) -> str:
    """``value`` for people to read: ``86.00 CNY``, ``2026-11-20``, the choice's label, the
    person's name, the department's name. ``spec`` may be None (the field left the config)."""
    if value.type == "amount" and value.number is not None:
        return f"{value.number:,.2f} {value.currency or DEFAULT_CURRENCY}"
    if value.type == "number" and value.number is not None:
        return _plain(value.number)
    if value.type == "date" and value.day is not None:
        return value.day.isoformat()
    text = value.text or ""
    if value.type == "choice" and spec is not None:
        choice = next((c for c in spec.choices if c.key == text), None)
        return choice.label(locale) if choice else text
    if value.type == "person":
        person = catalog.person_spec(text)
        return person.name if person else text
    if value.type == "department":
        return catalog.department(text).label(locale) if text else text
    return text


def to_raw(value: FieldValue) -> str:
    """A text that ``parse_value`` reads back as ``value`` (a chat form keeps these): a number
    written out plainly (``100``, never ``1E+2``), an amount with its currency."""
    if value.type == "amount" and value.number is not None:
        return f"{format(value.number, 'f')} {value.currency or DEFAULT_CURRENCY}"
    if value.type == "number" and value.number is not None:
        return format(value.number, "f")
    if value.type == "date" and value.day is not None:
        return value.day.isoformat()
    return value.text or ""


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def field_named(category: Category, word: str) -> FieldSpec | None:
    """The field of ``category`` that ``word`` names (key, name, name_zh or alias)."""
    wanted = norm(word)
    return next((f for f in category.fields if any(w and norm(w) == wanted for w in f.words())),
                None)


class TypedPair(NamedTuple):
    """One ``key=value`` naming a field: the field, its name as typed, the value unquoted, and
    where the pair stands in the text (after any text glued before its name)."""

    spec: FieldSpec
    name: str
    value: str
    start: int
    end: int


def typed_pairs(text: str, category: Category) -> tuple[list[TypedPair], list[str]]:
    """The pairs in ``text`` naming one of ``category``'s fields, in order, and the names
    given with ``=`` that are no field. A value whose quote is never closed runs to the end
    of its line or to the next pair, whichever comes first (``原因="屏幕坏了``). Nothing inside
    a link is a pair (``https://…?date=11-20``)."""
    found: list[TypedPair] = []
    unknown: list[tuple[str, int]] = []
    links = url_spans(text)
    for match in _PAIR.finditer(text):
        if any(start < match.end("name") <= end for start, end in links):
            continue  # "?date=11-20" in a link: a name inside it, or the link's "https:"
        name, value = match.group("name"), match.group("value") or ""
        spec, prefix = _field_in(category, name)
        if spec is None:
            if match.group("sep") in "=＝" and _NAME_LIKE.match(name):
                unknown.append((name, match.start()))
            continue
        value, end = _whole_number(text, spec, value, match.end())
        found.append(TypedPair(spec, name[len(prefix):], value, match.start() + len(prefix),
                               end))
    pairs = [_closed(text, pair, found[i + 1 :]) for i, pair in enumerate(found)]
    inside = [(p.start, p.end) for p, q in zip(pairs, found, strict=True) if p.end != q.end]
    names = [n for n, at in unknown if not any(s <= at < e for s, e in inside)]
    return pairs, list(dict.fromkeys(names))


def _whole_number(text: str, spec: FieldSpec, value: str, end: int) -> tuple[str, int]:
    """A number's value read on past the space that ends other values, and where it ends
    then: its groups of three digits (``8 600``); an amount's currency (``12 USD``) or, after
    a currency alone, its number (``USD 12``, ``USD 8 600``)."""
    if spec.type not in ("number", "amount") or not value:
        return value, end
    amount = spec.type == "amount"
    if amount and re.fullmatch(_CODE + "|[¥￥$€£]", value, re.IGNORECASE):
        number = _NUMBER_AFTER.match(text, end)
        if number is None:
            return value, end
        value, end = value + number.group(), number.end()
    if not value[-1].isdigit():
        return value, end
    for more in (_MORE_GROUPS, _CODE_AFTER) if amount else (_MORE_GROUPS,):
        found = more.match(text, end)
        if found:
            value, end = value + found.group(), found.end()
    return value, end


def _closed(text: str, pair: TypedPair, later: list[TypedPair]) -> TypedPair:
    """``pair`` with its value unquoted; an unclosed quote's value read on to the end of the
    line or the next pair."""
    if len(pair.value) != 1 or pair.value not in OPENING_QUOTES:
        return pair._replace(value=_unquote(pair.value))
    line_end = text.find("\n", pair.end)
    end = min([p.start for p in later] + [len(text) if line_end < 0 else line_end])
    return pair._replace(value=text[pair.end:end].strip(), end=end)


def split_pairs(text: str, category: Category) -> tuple[dict[str, str], str, list[str]]:
    """Pull ``key=value`` / ``名称：值`` pairs out of ``text``: (raw values by field key, the
    free text left, names given with ``=`` that are no field). A value with spaces is quoted
    (``原因="new hire"``); a ``name:`` that names no field stays text (``http://…``, ``10:30``);
    a field name glued to Chinese text before it (``出租车金额=86``) still counts. A field
    given twice keeps its last value (``repeated`` finds those)."""
    if not category.fields:
        return {}, text, []
    pairs, unknown = typed_pairs(text, category)
    values: dict[str, str] = {}
    kept: list[str] = []
    pos = 0
    for found in pairs:
        before = text[pos:found.start]
        pos = found.end
        while pos < len(text) and text[pos] in _SPACES:
            pos += 1  # the pair goes with the spaces after it …
        if pos == len(text) or text[pos] == "\n":
            before = before.rstrip(_SPACES)  # … or, ending a line, with those before it
        kept.append(before)
        values[found.spec.key] = found.value
    if not values:
        return {}, text, unknown
    kept.append(text[pos:])
    return values, "".join(kept).strip(), unknown


def repeated(text: str, category: Category) -> list[list[TypedPair]]:
    """The fields ``text`` gives more than one different value (compared as typed, folded):
    for each, the first pair of each value, in the order typed, then an amount its free text
    shows (``USD 12 amount=90``) when it reads otherwise than the pair (named as it)."""
    by_field: dict[str, dict[str, TypedPair]] = {}
    pairs = typed_pairs(text, category)[0]
    for found in pairs:
        by_field.setdefault(found.spec.key, {}).setdefault(norm(found.value), found)
    for found in _amount_beside(text, category, pairs):
        by_field[found.spec.key].setdefault(norm(found.value), found)
    return [list(values.values()) for values in by_field.values() if len(values) > 1]


def _amount_beside(text: str, category: Category, pairs: list[TypedPair]) -> list[TypedPair]:
    """The amount the free text left by ``pairs`` shows (as ``recognise`` finds it) for an
    amount field a pair gives, as a pair of that field, when the two read differently."""
    given = [p for p in pairs if p.spec.type == "amount"]
    if not given:
        return []
    spec = given[0].spec
    shown = recognise(split_pairs(text, category)[1], category).get(spec.key)
    if shown is None or all(_parse_number(spec, p.value) == _parse_number(spec, shown)
                            for p in given):
        return []
    return [given[0]._replace(value=shown, start=-1, end=-1)]


PLAIN_VALUE_STOP = set("\"“”「」'=＝:：")  # a value holding one of these is quoted


def pair(key: str, value: str) -> str:
    """``key=value`` as ``split_pairs`` reads it back, quoted when needed."""
    if value and not any(c.isspace() or c in PLAIN_VALUE_STOP for c in value):
        return f"{key}={value}"
    for marks in QUOTES:
        if marks[0] not in value and marks[1] not in value:
            return f"{key}={marks[0]}{value}{marks[1]}"
    return f'{key}="{value.replace(chr(34), "”")}"'  # every kind of quote inside: rare


def pairs_line(values: Mapping[str, str]) -> str:
    """The fields as one ``key=value …`` line (empty when there are none)."""
    return " ".join(pair(k, v) for k, v in values.items())


def _field_in(category: Category, name: str) -> tuple[FieldSpec | None, str]:
    """The field ``name`` names, or that ends it after some text (``出租车金额``)."""
    spec = field_named(category, name)
    if spec is not None:
        return spec, ""
    for start in range(1, len(name)):
        if name[start - 1].isascii() or name[start].isascii():
            continue  # only split between non-ASCII characters: "bigamount" is no "amount"
        spec = field_named(category, name[start:])
        if spec is not None:
            return spec, name[:start]
    return None, ""


def recognise(text: str, category: Category, *, given: Collection[str] = (),
              loose: bool = False) -> dict[str, str]:
    """Values readable in free text without ``key=``, for fields not in ``given``: an amount
    with a currency mark (``86 CNY``, ``¥86``, ``8 600元``; ``86 5元`` whole, for its field to
    refuse; with ``loose``, also the only bare number) when the service has exactly one amount
    field, and a date written with digits (``2026-11-20``, ``11-20``, ``11/20``, ``11月20日``)
    when it has exactly one date field.
    Only when the text holds exactly one such value, outside any link (``…?date=11-20``);
    nothing is taken out of the text."""
    text = without_urls(text)
    out: dict[str, str] = {}
    amounts = [f for f in category.fields if f.type == "amount"]
    if len(amounts) == 1 and amounts[0].key not in given:
        found = _amounts_in(text, loose)
        if len(found) == 1:
            out[amounts[0].key] = found[0]
    dates = [f for f in category.fields if f.type == "date"]
    if len(dates) == 1 and dates[0].key not in given:
        found = [m.group().strip() for m in _DATE_IN_TEXT.finditer(norm(text))]
        found = [d for d in found if parse_date(d, date(2000, 1, 1)) is not None]
        if len(found) == 1:
            out[dates[0].key] = found[0]
    return out


_MARKED = re.compile(
    r"(?:(?P<pre>[¥￥$€£]|\b(?:" + "|".join(KNOWN_CURRENCIES) + r")\b)\s*)?"
    r"(?<!\d[.,])(?<![\d/-])(?P<num>(?<![A-Za-z:_#])\d{1,3}(?: \d{3}(?!\d))+(?:,\d+)*(?:\.\d+)?"
    r"|\d+(?:,\d+)*(?:\.\d+)?)(?![\d/-]|\.\d)"
    r"(?:\s*(?P<post>元|块|\b(?:" + "|".join(KNOWN_CURRENCIES) + r")\b))?", re.IGNORECASE)
# a short number and one space just before an amount with its mark after it ("86 5元"): one
# amount mistyped, or a count before it; which is the person's to say
_NUMBER_BEFORE = re.compile(r"(?<![A-Za-z0-9:.,/_#-])\d{1,3} $")


def _amounts_in(text: str, loose: bool) -> list[str]:
    folded = unicode_fold(text)
    marked, bare = [], []
    for m in _MARKED.finditer(folded):
        if m.group("pre") or m.group("post"):
            before = None if m.group("pre") else _NUMBER_BEFORE.search(folded[:m.start()])
            marked.append(folded[before.start() if before else m.start():m.end()].strip())
        else:
            bare.append(m.group("num"))
    if marked:
        return marked
    return bare if loose else []


def unicode_fold(text: str) -> str:
    """Width folded (``８６``→``86``), case kept."""
    return unicodedata.normalize("NFKC", text)


def with_defaults(category: Category, values: Mapping[str, FieldValue], *, requester: str,
                  catalog: Catalog, locale: str, today: date) -> dict[str, FieldValue]:
    """``values`` plus each empty field's default (``today`` for a date; ``@requester`` for a
    department: the first department the requester works in, none for others)."""
    out = dict(values)
    for spec in category.fields:
        if spec.key in out or spec.default is None:
            continue
        if spec.default == REQUESTER:
            own = catalog.departments_of(requester)
            if own:
                out[spec.key] = FieldValue(spec.key, spec.type, text=own[0].key)
            continue
        parsed = parse_value(spec, spec.default, catalog=catalog, locale=locale, today=today)
        if isinstance(parsed, FieldValue):
            out[spec.key] = parsed
    return out


def missing(category: Category, values: Mapping[str, object], has_file: bool) -> list[FieldSpec]:
    """Required fields still empty, in the form's order: a field with a default (other than
    ``@requester``, which may find nothing) is never missing, a ``file`` field is satisfied
    by a file attached."""
    out = []
    for spec in category.fields:
        if spec.may_be_empty() or spec.key in values:
            continue
        if spec.type == "file" and has_file:
            continue
        out.append(spec)
    return out
