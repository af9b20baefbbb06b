"""`check-config` refuses a form field or choice named like a word a chat form reads as an
instruction: ``skip``/``跳过`` as ``cancel`` and ``answered`` are (typing it would leave the
field out, never pick the choice), with a line that says why and what to write instead."""

from __future__ import annotations

from pathlib import Path

from tests.bot.runtime.test_config import FIX_WORDS, PROBLEM_LINE, check_config, edited, write

X1 = '{ key = "x1", name = "ThinkPad X1 Carbon", aliases = ["thinkpad"] },'
SKIP_CHOICE = (X1, X1 + '\n  { key = "none", name = "Skip", name_zh = "不需要" },')
SKIP_ZH_ALIAS = (X1, X1 + '\n  { key = "any", name = "Any model", aliases = ["跳过"] },')
REASON_KEY = 'key = "reason"\nname = "Reason"'
SKIP_FIELD = (REASON_KEY, 'key = "skip"\nname = "Reason"')


def problems(tmp_path: Path, *edits: tuple[str, str]) -> dict[str, str]:
    result = check_config(write(tmp_path, edited(*edits)))
    assert result.exit_code == 1, result.output
    return {m["key"]: m["message"]
            for m in map(PROBLEM_LINE.match, result.output.splitlines()) if m}


def laptop_fields(by_key: dict[str, str]) -> str:
    [key] = by_key
    assert key.startswith("departments[8].categories[1].fields["), key  # it / laptop
    return key


def test_a_choice_named_skip_is_refused_saying_why_and_what_to_write(tmp_path):
    by_key = problems(tmp_path, SKIP_CHOICE)
    key = laptop_fields(by_key)
    assert key.endswith(".fields[0].choices[2]"), key
    assert by_key[key] == (
        "'skip' is what a person types in a chat form to leave out the field asked, so "
        "typing it could never pick this choice; please choose another key and name for it "
        "(not cancel, 取消, answered, 已解答, skip or 跳过)")
    assert any(word in by_key[key] for word in FIX_WORDS)


def test_a_choice_aliased_tiaoguo_is_refused(tmp_path):
    by_key = problems(tmp_path, SKIP_ZH_ALIAS)
    message = by_key[laptop_fields(by_key)]
    assert message.startswith("'跳过' is what a person types in a chat form to leave out"), message


def test_a_field_named_skip_is_refused_as_cancel_is(tmp_path):
    by_key = problems(tmp_path, SKIP_FIELD)
    key = laptop_fields(by_key)
    assert (key, by_key[key]) == ("departments[8].categories[1].fields[1].key",
                                  "'skip' is a command word; choose another name")


def test_the_other_words_name_what_they_do(tmp_path):
    cancel = problems(tmp_path, (X1, X1 + '\n  { key = "cancel", name = "Cancel" },'))
    assert "to stop the form, so typing it could never pick" in cancel[laptop_fields(cancel)]
