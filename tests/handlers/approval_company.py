"""The sample company with an approval on Finance's reimbursement, as the approval tests use
it: 86 goes to the manager only; above 500 also to Finance's lead; above 5000 also to frank.
The approval table goes at the end of reimbursement's block (after its fields)."""

from __future__ import annotations

from pathlib import Path

from bot.runtime import config as config_mod

END = '\n[[departments.categories]]\nkey = "cash-advance"\n'  # the service after reimbursement
KEYS_END = 'first_response = "4h"\nresolution = "3d"\n'  # reimbursement's plain keys (first)
APPROVAL = '''
[departments.categories.approval]
amount_field = "amount"
steps = [ { approvers = ["manager"] },
          { above = 500, approvers = ["leads:finance"] },
          { above = 5000, approvers = ["frank"], mode = "all" } ]
'''
AMOUNT = '''
[[departments.categories.fields]]
key = "amount"
name = "Amount"
name_zh = "金额"
type = "amount"
currency = "CNY"
'''


def in_reimbursement(text: str, tables: str) -> str:
    """``text`` with ``tables`` (TOML tables) added at the end of reimbursement's block."""
    assert text.count(END) == 1
    return text.replace(END, "\n" + tables + END, 1)


def with_approval(text: str) -> str:
    """config.example.toml's text with the reimbursement approval (and an amount field when
    the example has none)."""
    has_amount = 'key = "amount"' in text.split(END)[0]
    return in_reimbursement(text, APPROVAL + ("" if has_amount else AMOUNT))


def settings(tmp_path: Path, text: str) -> config_mod.Settings:
    """Load ``with_approval(text)`` from a file in ``tmp_path``."""
    path = tmp_path / "config.toml"
    path.write_text(with_approval(text), encoding="utf-8")
    return config_mod.load(path)
