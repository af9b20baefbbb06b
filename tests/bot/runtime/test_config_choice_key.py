"""`check-config` refuses a choice whose key is too long for a Slack menu option (Block Kit:
an option's value holds at most 150 characters): such a choice could never be picked there,
and the menu would leave it out without a word."""

from __future__ import annotations

from tests.bot.runtime.test_config import FIX_WORDS
from tests.bot.runtime.test_config_skip_word import X1, laptop_fields, problems

LONG = "ThinkPad X1 Carbon Gen 12, 32 GB, 1 TB, 2.8K OLED, with the docking station " * 2


def test_a_choice_key_too_long_for_a_slack_menu_is_refused(tmp_path):
    by_key = problems(tmp_path, (X1, X1 + f'\n  {{ key = "{LONG}", name = "X1 docked" }},'))
    key = laptop_fields(by_key)
    assert key.endswith(".choices[2].key"), key
    assert by_key[key].startswith("a choice key over 150 characters cannot be offered in "
                                  "Slack's menus; write a short one")
    named = problems(tmp_path, (X1, X1 + f'\n  "{LONG}",'))
    message = named[laptop_fields(named)]
    assert message.startswith("a choice named by a text over 150"), message
    assert all(any(w in m for w in FIX_WORDS) for m in (message, by_key[key]))
