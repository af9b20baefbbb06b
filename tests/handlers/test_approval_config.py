"""`check-config` explains every broken approval with its key and a fix (#18)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.runtime import config as config_mod
from tests.conftest import EXAMPLE
from tests.handlers.approval_company import KEYS_END, in_reimbursement, with_approval

WHERE = "departments[0].categories[0].approval"


def problems(tmp_path: Path, approval: str, fields: str = "") -> list[str]:
    text = EXAMPLE.read_text(encoding="utf-8")
    if approval.startswith("approval ="):  # a plain key: with the service's own keys
        text = text.replace(KEYS_END, KEYS_END + approval, 1)
    else:
        text = in_reimbursement(text, fields + approval)
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(config_mod.ConfigError) as caught:
        config_mod.load(path)
    return [f"{p.key}: {p.message}" for p in caught.value.problems]


def test_the_chain_loads_with_its_thresholds(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(with_approval(EXAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    service = config_mod.load(path).catalog.department("finance").category("reimbursement")
    assert service is not None and service.approval is not None
    spec = service.approval
    assert spec.amount_field == "amount"
    assert [s.approvers for s in spec.steps_for(Decimal(86))] == [("manager",)]
    assert [s.approvers for s in spec.steps_for(Decimal(8600))] == [
        ("manager",), ("leads:finance",), ("frank",)]


def test_the_shorthand_is_one_manager_step(tmp_path):
    path = tmp_path / "config.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace(KEYS_END, KEYS_END + 'approval = "manager"\n', 1)
    path.write_text(text, encoding="utf-8")
    service = config_mod.load(path).catalog.department("finance").category("reimbursement")
    assert service is not None and service.approval is not None
    assert [(s.approvers, s.mode, s.above) for s in service.approval.steps] == [
        (("manager",), "any", None)]


def test_unknown_person_and_department(tmp_path):
    found = problems(tmp_path, 'approval = ["fred", "leads:legal"]\n')
    assert f"{WHERE}.steps[0].approvers: unknown person 'fred'; use \"manager\", a person id " \
        "from [[people]] or \"leads:<department>\"" in found
    assert f"{WHERE}.steps[0].approvers: unknown department 'legal' in 'leads:legal'; use a " \
        "department key, e.g. \"leads:admin\"" in found  # none is close: the first key


def test_an_unknown_department_is_given_the_closest_key(tmp_path):
    found = problems(tmp_path, 'approval = ["leads:financ"]\n')
    assert f"{WHERE}.steps[0].approvers: unknown department 'financ' in 'leads:financ'; use " \
        "a department key, e.g. \"leads:finance\"" in found


def test_above_without_amount_field_bad_mode_and_empty_approvers(tmp_path):
    found = problems(tmp_path, '''
[departments.categories.approval]
steps = [ { approvers = [] }, { above = 500, approvers = ["carol"], mode = "most" } ]
''')
    assert f"{WHERE}.steps[0].approvers: needs at least one approver: \"manager\", a person id " \
        "or \"leads:<department>\", e.g. approvers = [\"manager\"]" in found
    assert f"{WHERE}.steps[1].mode: 'most' is not a mode; use \"any\" (one approval is enough) " \
        "or \"all\" (every approver)" in found
    assert f"{WHERE}.steps[1].above: needs the approval's amount_field: name the amount field " \
        "that decides the step, e.g. amount_field = \"amount\"" in found


def test_amount_field_must_be_an_amount_of_the_service(tmp_path):
    missing = problems(tmp_path, '''
[departments.categories.approval]
amount_field = "total"
steps = [ { approvers = ["manager"] } ]
''')
    assert any(p.startswith(f"{WHERE}.amount_field: 'total' is not a field of this service")
               for p in missing)
    text_field = '''
[[departments.categories.fields]]
key = "total_words"
name = "Total in words"
type = "text"
'''
    wrong = problems(tmp_path, '''
[departments.categories.approval]
amount_field = "total_words"
steps = [ { approvers = ["manager"] } ]
''', text_field)
    assert f"{WHERE}.amount_field: field 'total_words' is a text, not an amount; give it " \
        "type = \"amount\" or name an amount field" in wrong


def test_steps_out_of_order(tmp_path):
    found = problems(tmp_path, '''
[departments.categories.approval]
amount_field = "amount"
steps = [ { above = 5000, approvers = ["frank"] }, { above = 500, approvers = ["carol"] } ]
''')
    assert f"{WHERE}.steps[1].above: 500 comes after a step above 5000; list the steps in " \
        "order of `above`, smallest first (steps without it first)" in found


def test_a_bad_mode_does_not_hide_unknown_approvers(tmp_path):
    found = problems(tmp_path, '''
[departments.categories.approval]
amount_field = "amount"
steps = [ { approvers = ["manager"] },
          { above = 500, approvers = ["leads:finanse", "zoe"], mode = "most" } ]
''')
    keys = [line.split(": ")[0] for line in found]
    assert f"{WHERE}.steps[1].mode" in keys
    assert any("unknown department 'finanse'" in line for line in found)
    assert any("unknown person 'zoe'" in line for line in found)


def test_a_misspelled_amount_field_does_not_hide_unknown_approvers(tmp_path):
    found = problems(tmp_path, '''
[departments.categories.approval]
amount_field = "amout"
steps = [ { approvers = ["manager"] },
          { above = 500, approvers = ["leads:finanse", "zoe"] } ]
''')
    assert [line.split(": ")[0] for line in found] == [
        f"{WHERE}.amount_field", f"{WHERE}.steps[1].approvers", f"{WHERE}.steps[1].approvers"]
    assert "unknown person 'zoe'" in found[2]


def test_steps_out_of_order_name_the_step_written_after_a_refused_one(tmp_path):
    found = problems(tmp_path, '''
[departments.categories.approval]
amount_field = "amount"
steps = [ { approvers = [] },
          { above = 5000, approvers = ["manager"] },
          { above = 500, approvers = ["manager"] } ]
''')
    keys = [line.split(": ")[0] for line in found]
    assert f"{WHERE}.steps[2].above" in keys and f"{WHERE}.steps[1].above" not in keys
