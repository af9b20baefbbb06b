"""A service's fields and instructions in the config: parsed, and every mistake explained by
`check-config` with its key and a fix."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.runtime import config as config_mod
from bot.runtime.config_fields import parse_fields, parse_instructions
from handlers.service_spec import Choice
from tests.bot.runtime.test_config import PROBLEM_LINE, check_config, edited, write

WHERE = "departments[0].categories[0]"


def parsed(raw: Any) -> tuple[tuple[Any, ...], dict[str, str]]:
    problems: dict[str, str] = {}
    fields = parse_fields(raw, WHERE, lambda key, message: problems.setdefault(key, message))
    return fields, problems


def test_a_good_form_is_parsed_typed() -> None:
    fields, problems = parsed([
        {"key": "amount", "name": "Amount", "name_zh": "金额", "type": "amount",
         "required": True, "min": 0.01, "max": 100000, "currency": "CNY"},
        {"key": "model", "name": "Model", "type": "choice",
         "choices": ["MacBook Pro", {"key": "x1", "name": "ThinkPad X1", "aliases": ["x1c"]}]},
        {"key": "day", "name": "Date", "type": "date", "default": "today"},
        {"key": "centre", "name": "Cost centre", "type": "department", "default": "@requester"},
    ])
    assert problems == {}
    amount, model, day, centre = fields
    assert (amount.minimum, amount.maximum, amount.currency, amount.required) == (
        Decimal("0.01"), Decimal(100000), "CNY", True)
    assert model.choices == (Choice("MacBook Pro", "MacBook Pro"),
                             Choice("x1", "ThinkPad X1", "", ("x1c",)))
    assert day.default == "today" and centre.default == "@requester"


def test_every_mistake_names_its_key_and_a_fix() -> None:
    fields, problems = parsed([
        {"key": "amount", "name": "Amount", "type": "money", "colour": "red"},
        {"key": "model", "name": "Model", "type": "choice"},
        {"key": "n", "name": "Count", "type": "number", "min": 10, "max": 1},
        {"key": "tag", "name": "Tag", "type": "text", "pattern": "[A-Z", "max_length": 0},
        {"key": "day", "name": "Date", "type": "date", "default": "someday"},
        {"key": "sum", "name": "Sum", "type": "amount", "currency": "yuan"},
        {"key": "why", "name": "Reason", "type": "long_text", "aliases": ["Sum"]},
        {"key": "cancel", "name": "Stop", "type": "text"},
        {"key": "who", "name": "Who", "type": "person", "max_length": 3},
    ])
    assert problems == {
        f"{WHERE}.fields[0].colour": "unknown key; use one of key, name, name_zh, aliases, "
        "type, required, min, max, currency, max_length, pattern, default, choices, hint, hint_zh, "
        "not_before",
        f"{WHERE}.fields[0].type": "unknown type 'money'; use one of text, long_text, number, "
        "amount, date, choice, person, department, file",
        f"{WHERE}.fields[1].choices": "a choice field needs choices; write e.g. choices = "
        "[\"MacBook Pro\", \"ThinkPad X1\"]",
        f"{WHERE}.fields[2].min": "min 10 is above max 1; make min ≤ max",
        f"{WHERE}.fields[3].pattern": problems[f"{WHERE}.fields[3].pattern"],
        f"{WHERE}.fields[3].max_length": "0 is no length; use a whole number above 0, e.g. "
        "max_length = 200",
        f"{WHERE}.fields[4].default": "'someday' fails the field's own check (Date must be a "
        "date, e.g. YYYY-MM-DD, MM-DD (or today, yesterday, tomorrow).); use a valid value or "
        "remove the default",
        f"{WHERE}.fields[5].currency": "'yuan' is not a currency; use a 3-letter code in "
        "capitals, e.g. \"CNY\" or \"USD\"",
        f"{WHERE}.fields[6].aliases": "'Sum' already names field 'sum' of this service; use "
        "another name or remove one of them",
        f"{WHERE}.fields[7].key": "'cancel' is a command word; choose another name",
        f"{WHERE}.fields[8].max_length": "a person field has no max_length; remove it (it is "
        "for text and long_text fields)",
    }
    assert "'[A-Z' is not a valid regular expression" in problems[f"{WHERE}.fields[3].pattern"]
    assert [f.key for f in fields] == ["n", "tag", "sum", "who"]  # the usable ones


def test_a_default_outside_the_limits_is_refused() -> None:
    _, problems = parsed([{"key": "n", "name": "Count", "type": "number", "min": 1,
                           "default": "0"}])
    assert problems == {f"{WHERE}.fields[0].default": "'0' fails the field's own check (Count "
                        "must be at least 1.); use a valid value or remove the default"}


def test_instructions_must_be_text() -> None:
    problems: dict[str, str] = {}
    got = parse_instructions({"instructions": " Keep receipts. ", "instructions_zh": 3},
                             WHERE, lambda k, m: problems.setdefault(k, m))
    assert got == ("Keep receipts.", "")
    assert list(problems) == [f"{WHERE}.instructions_zh"]


BROKEN_FORM = '''
[[departments.categories.fields]]
key = "amount"
name = "Amount"
type = "money"

[[departments.categories.fields]]
key = "model"
name = "Model"
type = "choice"
'''


def _software_key() -> str:
    settings = config_mod.load(Path(__file__).parents[3] / "config.example.toml")
    for i, dep in enumerate(settings.catalog.departments):
        for j, cat in enumerate(dep.categories):
            if (dep.key, cat.key) == ("it", "software"):
                return f"departments[{i}].categories[{j}]"
    raise AssertionError("the example has no it/software service")


def test_check_config_explains_a_broken_form(tmp_path: Path) -> None:
    tail = '\n[[departments]]\nkey = "admin"'
    text = edited(('resolution = "2d"\n' + tail, 'resolution = "2d"\n' + BROKEN_FORM + tail))
    result = check_config(write(tmp_path, text, "broken.toml"))
    assert result.exit_code == 1
    by_key = {m["key"]: m["message"]
              for m in map(PROBLEM_LINE.match, result.output.splitlines()) if m}
    where = _software_key()
    assert by_key == {
        f"{where}.fields[0].type": "unknown type 'money'; use one of text, long_text, number, "
        "amount, date, choice, person, department, file",
        f"{where}.fields[1].choices": "a choice field needs choices; write e.g. choices = "
        "[\"MacBook Pro\", \"ThinkPad X1\"]",
    }
