"""When the TOML does not parse, `check-config` also names misspelled table headers with their
line; a line that starts with `[` inside a multi-line array or a multi-line string is a value,
not a header, and is never named.

The hint is only given when TOML fails, so each file carries one unrelated slip (an unquoted
value) that makes it fail; the rest is the sample company."""

from __future__ import annotations

import pytest

from tests.bot.runtime.test_config import check_config, edited, problems_of, write

# The slip: TOML fails here, on line 15, and nowhere else.
SLIP = ('country = "CN"', "country = CN")
CLOSED_DATES = "closed_dates = []"

ARRAYS = [
    pytest.param('closed_dates = [\n  ["2026-10-01"],\n  ["2026-10-08"],\n]', id="dates"),
    pytest.param("closed_dates = [\n[1,2],\n[ 3 ],\n[[4],[5]],\n]", id="matrix"),
    pytest.param('closed_dates = [\n  "]",  # a ] in a string or comment closes nothing ]\n'
                 '  ["[digets]"],\n  [{ a = "x" }],\n]', id="brackets-in-strings"),
    pytest.param('closed_dates = [\n  "alice",\n  [\n    ["bob"],\n  ],\n]', id="nested"),
]

STRINGS = [
    pytest.param('"""\nSee the form:\n[departmentz]\n[[digets]]\n"""', id="basic"),
    pytest.param("'''\n[departmentz]\n  [[digets]]  # not a comment\n'''", id="literal"),
    pytest.param('"""\nA quote \\""" stays inside\n[departmentz]\n"""', id="escaped-quotes"),
    pytest.param("\"\"\"\n'''\n[departmentz]\n\"\"\"", id="other-quotes-inside"),
    pytest.param('"""one line""" # [departmentz]', id="closed-on-its-line"),
]


def only_the_toml_error(text: str, tmp_path) -> list[str]:
    """The problems check-config reports besides the TOML error itself."""
    found = problems_of(write(tmp_path, text))
    assert found[0].message.startswith("not valid TOML"), found
    assert "line 15" in found[0].message, found[0].message
    return [f"{p.key}: {p.message}" for p in found[1:]]


@pytest.mark.parametrize("array", ARRAYS)
def test_lines_of_a_multi_line_array_are_not_headers(tmp_path, array):
    assert only_the_toml_error(edited(SLIP, (CLOSED_DATES, array)), tmp_path) == []


@pytest.mark.parametrize("string", STRINGS)
def test_lines_of_a_multi_line_string_are_not_headers(tmp_path, string):
    instructions = 'instructions = "Receipts older than 90 days are not reimbursed."'
    text = edited(SLIP, (instructions, f"instructions = {string}"))
    assert only_the_toml_error(text, tmp_path) == []


def test_a_real_misspelled_header_after_them_is_still_named_with_its_line(tmp_path):
    text = edited(SLIP, (CLOSED_DATES, 'closed_dates = [\n  ["2026-10-01"],\n]'),
                  ('instructions = "Receipts',
                   'instructions = """\n[departmentz]\n"""\n#"Receipts'),
                  ("[[departments]]\n", "[[ departmentz ]]   # finance\n"),
                  ("[digest]", "  [digets] # weekly"))
    lines = text.splitlines()
    departmentz = lines.index("[[ departmentz ]]   # finance") + 1
    digets = lines.index("  [digets] # weekly") + 1
    assert only_the_toml_error(text, tmp_path) == [
        f"line {digets}: [digets] is not a table crossdesk reads; did you mean [digest]?",
        f"line {departmentz}: [[departmentz]] is not a table crossdesk reads; did you mean "
        "[[departments]]?",
    ]
    result = check_config(write(tmp_path, text))
    assert result.exit_code == 1
    assert f"line {departmentz}: [[departmentz]] is not a table crossdesk reads" in result.output


@pytest.mark.parametrize("header", ['["departmentz"]', "[departments.'x y']", "[[a.\"b\"]]"])
def test_a_header_with_a_quoted_key_is_not_named(tmp_path, header):
    assert only_the_toml_error(edited(SLIP, extra=f"\n{header}\n"), tmp_path) == []
