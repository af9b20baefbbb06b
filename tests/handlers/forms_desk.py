"""The sample company with service forms: Finance's reimbursement asks five fields and has
instructions; IT's laptop asks two, without instructions; HR's confidential complaint asks
one. Built from config.example.toml's settings: the tests do not depend on its forms."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from sqlalchemy import Engine

from bot.runtime import app as app_mod
from bot.runtime.clock import ManualClock
from bot.runtime.config import Settings
from handlers.catalog import Catalog, Category, Department
from handlers.service_spec import Choice, FieldSpec
from tests.conftest import Transcript

REIMBURSEMENT_FIELDS = (
    FieldSpec(key="amount", name="Amount", name_zh="金额", type="amount", required=True,
              currency="CNY", minimum=Decimal("0.01"), maximum=Decimal("100000")),
    FieldSpec(key="spent_on", name="Date of expense", name_zh="消费日期", type="date"),
    FieldSpec(key="cost_centre", name="Cost centre", name_zh="成本中心", type="department"),
    FieldSpec(key="purpose", name="Purpose", name_zh="用途", type="choice", choices=(
        Choice(key="taxi", name="Taxi", name_zh="出租车"),
        Choice(key="meal", name="Client meal", name_zh="客户餐费"))),
    FieldSpec(key="note", name="Note", name_zh="备注", type="text"),
)
INSTRUCTIONS = "Receipts older than 90 days are not reimbursed."
INSTRUCTIONS_ZH = "超过 90 天的票据不予报销。"
COMPLAINT_FIELDS = (FieldSpec(key="about", name="About whom", name_zh="涉及何人", type="text"),)
LAPTOP_FIELDS = (  # "note" is a text in reimbursement, a long text here: two export columns
    FieldSpec(key="model", name="Model", name_zh="型号", type="choice", choices=(
        Choice(key="mbp14", name="MacBook Pro 14"), Choice(key="x1", name="ThinkPad X1"))),
    FieldSpec(key="note", name="Why", name_zh="原因", type="long_text"),
)


def _service(dep: Department, key: str, **changes: object) -> Department:
    cats = tuple(dataclasses.replace(c, **changes) if c.key == key else c  # type: ignore[arg-type]
                 for c in dep.categories)
    return dataclasses.replace(dep, categories=cats, _category_index={})


def with_forms(settings: Settings, **reimbursement: object) -> Settings:
    """``settings`` with the forms above (``reimbursement`` overrides that service's)."""
    changes: dict[str, object] = {"fields": REIMBURSEMENT_FIELDS, "instructions": INSTRUCTIONS,
                                  "instructions_zh": INSTRUCTIONS_ZH, **reimbursement}
    deps = []
    for dep in settings.catalog.departments:
        if dep.key == "finance":
            dep = _service(dep, "reimbursement", **changes)
        elif dep.key == "it":
            dep = _service(dep, "laptop", fields=LAPTOP_FIELDS, instructions="",
                           instructions_zh="")
        elif dep.key == "hr":
            dep = _service(dep, "complaint", fields=COMPLAINT_FIELDS)
        deps.append(dep)
    catalog = Catalog(departments=tuple(deps), people=settings.catalog.people)
    return dataclasses.replace(settings, catalog=catalog)


def forms_app(settings: Settings, engine: Engine, clock: ManualClock,
              **reimbursement: object) -> app_mod.DeskApp:
    """The desk with forms, on the test database and clock."""
    return app_mod.build(with_forms(settings, **reimbursement), clock, engine=engine,
                         upgrade=False)


def forms_chat(settings: Settings, engine: Engine, clock: ManualClock,
               **reimbursement: object) -> Transcript:
    """A console transcript on the desk with forms."""
    return Transcript(forms_app(settings, engine, clock, **reimbursement), clock)


def category(settings: Settings, department: str, key: str) -> Category:
    """A service of ``settings``."""
    found = settings.catalog.department(department).category(key)
    assert found is not None
    return found
