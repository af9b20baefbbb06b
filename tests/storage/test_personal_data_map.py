"""The personal-data map declares every text or JSON column of every table: a table or column
added later without saying whether it holds someone's id, name or words fails here, so
erasure and the right of access cannot forget it."""

from __future__ import annotations

from sqlalchemy import JSON, Column, String, Text
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import SQLModel

from storage import personal_data
from storage.personal_data import COLUMNS, DELETED_WITH_PERSON, Kind


def _base(column_type: TypeEngine) -> TypeEngine:
    """The type under a TypeDecorator (sqlmodel's AutoString is a String)."""
    if isinstance(column_type, TypeDecorator):
        return _base(column_type.impl_instance)
    return column_type


def holds_text(column: Column) -> bool:
    return isinstance(_base(column.type), String | Text | JSON)


def test_every_text_and_json_column_of_every_table_is_declared():
    missing = [f"{table.name}.{column.name}" for table in SQLModel.metadata.sorted_tables
               for column in table.columns
               if holds_text(column) and column.name not in COLUMNS.get(table.name, {})]
    assert missing == [], (f"declare these in storage/personal_data.py COLUMNS (a person id, "
                           f"free text, JSON, a platform id or not personal): {missing}")


def test_every_table_is_in_the_map_and_the_map_names_real_columns():
    tables = SQLModel.metadata.tables
    assert set(COLUMNS) == set(tables), "a table is missing from the map, or the map is stale"
    for table, columns in COLUMNS.items():
        for name, kind in columns.items():
            column = tables[table].c[name]
            assert holds_text(column), f"{table}.{name} holds no text"
            if kind in (Kind.IDS, Kind.JSON):
                assert isinstance(_base(column.type), JSON), f"{table}.{name} is not JSON"
    for table, name in DELETED_WITH_PERSON.items():
        assert COLUMNS[table][name] is Kind.ID


def test_the_columns_people_are_merged_by_are_person_ids():
    from storage.people import PERSON_COLUMNS

    ids = set(personal_data.columns_of(Kind.ID))
    assert {(m.__tablename__, name) for m, name in PERSON_COLUMNS} <= ids  # type: ignore[attr-defined]
