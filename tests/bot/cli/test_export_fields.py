"""`crossdesk export --what requests` has one column per form field: amounts as plain numbers
with a currency column, dates ISO, choices by key; a key two services type differently gets
a column per type."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

from bot.cli.export import write_export
from tests.handlers.forms_desk import forms_chat, with_forms

STORY = [
    "alice> /request finance reimbursement taxi amount=86 spent_on=2026-11-20 purpose=taxi "
    "cost_centre=sales note==SUM(A1)",
    "henry> /request finance reimbursement dinner amount=1200.50USD",
    "alice> /request it laptop model=x1 note=\"the old one broke\" screen flickers",
]


def exported(settings, database_url, tmp_path, fmt: str) -> str:
    path = tmp_path / f"requests.{fmt}"
    forms = dataclasses.replace(with_forms(settings), database_url=database_url)
    write_export(forms, "requests", fmt, path)
    return path.read_text(encoding="utf-8")


def test_csv_has_a_column_per_field(settings, engine, clock, database_url, tmp_path):
    forms_chat(settings, engine, clock)(*STORY)
    text = exported(settings, database_url, tmp_path, "csv")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames is not None
    form = ["amount", "amount_currency", "spent_on", "cost_centre", "purpose", "note.text",
            "model", "note.long_text"]  # in the catalog's order, after the request's columns
    columns = list(reader.fieldnames)
    assert [c for c in columns if c in form] == form
    assert columns.index("amount") > columns.index("ref") and "note" not in columns
    rows = {r["ref"]: r for r in reader}
    taxi = rows["FIN-1"]
    assert (taxi["amount"], taxi["amount_currency"], taxi["spent_on"], taxi["purpose"],
            taxi["cost_centre"]) == ("86.00", "CNY", "2026-11-20", "taxi", "sales")
    assert taxi["note.text"] == "'=SUM(A1)"  # never a spreadsheet formula
    assert (rows["FIN-2"]["amount"], rows["FIN-2"]["amount_currency"]) == ("1200.50", "USD")
    laptop = rows["IT-1"]
    assert (laptop["model"], laptop["note.long_text"], laptop["amount"]) == (
        "x1", "the old one broke", "")


def test_json_lines_have_numbers(settings, engine, clock, database_url, tmp_path):
    forms_chat(settings, engine, clock)(*STORY)
    rows = [json.loads(line) for line in
            exported(settings, database_url, tmp_path, "jsonl").splitlines()]
    by_ref = {r["ref"]: r for r in rows}
    assert by_ref["FIN-1"]["amount"] == 86 and by_ref["FIN-2"]["amount"] == 1200.5
    assert by_ref["IT-1"]["amount"] is None and by_ref["IT-1"]["model"] == "x1"
