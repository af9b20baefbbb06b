"""`crossdesk export --person ID`: the person's own rows on a request (events, ratings,
proposals, files) name it by ref right after request_id, kevin's request too (SQLite and
PostgreSQL)."""

from __future__ import annotations

import json

import pytest

from tests.bot.cli.person_story import Company, build
from tests.bot.cli.test_cli import invoke


@pytest.fixture
def company(tmp_path, engine, clock) -> Company:
    return build(tmp_path, engine, clock, files_in_folder=False)


def test_her_rows_name_their_request_by_ref(company, database_url):
    result = invoke(["export", "--config", str(company.after), "--database-url", database_url,
                     "--person", "alice", "--as", "root"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for kind in ("events", "ratings", "proposals", "attachments"):
        assert data[kind], f"no {kind}"
        for row in data[kind]:
            names = list(row)
            assert names[names.index("request_id") + 1] == "ref", kind
    assert {e["ref"] for e in data["events"]} >= {"FIN-1", "FIN-2"}, "kevin's FIN-2 too"
    assert [(r["ref"], r["stars"]) for r in data["ratings"]] == [("FIN-1", 2)]
    assert [f["ref"] for f in data["attachments"]][:2] == ["FIN-1", "FIN-1"]
    assert {p["ref"] for p in data["proposals"]} == {"FIN-1"}
