"""The sample company with the service forms config.example.toml describes for Finance's
reimbursement (amount, date of expense, cost centre, invoice, note) and its instructions,
parsed from TOML by the config's own parser: the tests hold even while the example file
changes around them."""

from __future__ import annotations

import dataclasses
import tomllib

from sqlalchemy import Engine

from bot.runtime import app as app_mod
from bot.runtime.clock import ManualClock
from bot.runtime.config import Settings
from bot.runtime.config_fields import parse_fields
from handlers.catalog import Catalog
from tests.conftest import Transcript

REIMBURSEMENT = '''
instructions = "Receipts older than 90 days are not reimbursed."
instructions_zh = "超过 90 天的票据不予报销。"

[[fields]]
key = "amount"
name = "Amount"
name_zh = "金额"
aliases = ["sum"]
type = "amount"
currency = "CNY"
required = true
min = 0.01
max = 100000

[[fields]]
key = "spent_on"
name = "Date of expense"
name_zh = "日期"
aliases = ["消费日期", "date"]
type = "date"
default = "today"

[[fields]]
key = "cost_centre"
name = "Cost centre"
name_zh = "成本中心"
type = "department"
default = "@requester"

[[fields]]
key = "invoice"
name = "Invoice"
name_zh = "发票"
type = "file"
hint = "attach the invoice photo"
hint_zh = "请上传发票照片"
'''


def with_form(settings: Settings, invoice_required: bool = False) -> Settings:
    """``settings`` whose reimbursement has the form above."""
    raw = tomllib.loads(REIMBURSEMENT.replace(
        'type = "file"', f'type = "file"\nrequired = {str(invoice_required).lower()}'))
    problems: list[tuple[str, str]] = []
    fields = parse_fields(raw["fields"], "reimbursement", lambda k, m: problems.append((k, m)))
    assert not problems, problems
    deps = []
    for dep in settings.catalog.departments:
        if dep.key == "finance":
            cats = tuple(dataclasses.replace(
                c, fields=fields, instructions=raw["instructions"],
                instructions_zh=raw["instructions_zh"]) if c.key == "reimbursement" else c
                for c in dep.categories)
            dep = dataclasses.replace(dep, categories=cats, _category_index={})
        deps.append(dep)
    catalog = Catalog(departments=tuple(deps), people=settings.catalog.people)
    return dataclasses.replace(settings, catalog=catalog)


def form_chat(settings: Settings, engine: Engine, clock: ManualClock,
              invoice_required: bool = False) -> Transcript:
    """A console transcript on the sample company with the reimbursement form."""
    app = app_mod.build(with_form(settings, invoice_required), clock, engine=engine,
                        upgrade=False)
    return Transcript(app, clock)
