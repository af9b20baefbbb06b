"""`crossdesk export --person ID --as ADMIN` (the right of access): one JSON document with
every kind of row stored about the person, datetimes in UTC, recorded as a disclosure; an
erased person's old id is not found (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from storage.models import Disclosure
from tests.bot.cli.person_story import Company, build
from tests.bot.cli.test_cli import invoke


@pytest.fixture
def company(tmp_path, engine, clock) -> Company:
    return build(tmp_path, engine, clock, files_in_folder=False)


def export(company: Company, url: str, *args: str):
    return invoke(["export", "--config", str(company.after), "--database-url", url, *args])


def test_everything_about_her_in_one_json_document(company, engine, database_url, tmp_path):
    out = tmp_path / "alice.json"
    result = export(company, database_url, "--person", "alice", "--as", "root", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert json.loads(json.dumps(data)) == data, "round-trips as JSON"

    person = data["person"]
    assert (person["id"], person["name"], person["slack_id"], person["wecom_id"]) == (
        "alice", "王丽 Alice Wang", "U0ALICE", "wangli")
    assert person["created_at"].endswith("+00:00"), "times are UTC"
    refs = {r["ref"] for r in data["requests"]}
    assert refs == {"FIN-1", "FIN-4", "FIN-5"}  # hers; FIN-2 and FIN-6 are kevin's
    fin1 = next(r for r in data["requests"] if r["ref"] == "FIN-1")
    assert [a["name"] for a in fin1["attachments"]] == ["receipt.jpg", "hotel.pdf"]
    assert "thanks alice, <@U0ALICE> and wangli: the hotel too?" in [
        e["note"] for e in fin1["events"]], "the desk's comments on her request too"
    assert {e["actor_id"] for e in data["events"]} == {"alice"}
    assert [(r["stars"], r["comment"]) for r in data["ratings"]] == [
        (2, "slow, ask alice next time")]
    assert {(s["text"], s["anonymous"]) for s in data["suggestions"]} == {
        ("please accept e-invoices", True), ("a shared calendar", False)}
    assert "anonymous are included" in data["suggestions_note"]
    assert [s["approvers"] for s in data["approval_steps"]] == [["alice"]]
    assert [v["decision"] for v in data["approval_votes"]] == ["approved"]
    assert {p["kind"] for p in data["proposals"]} == {"desk", "requester"}
    assert [a["delegate_id"] for a in data["away"]] == ["emma"]
    assert [h["text"] for h in data["held_messages"]] == ["the receipt for one of them"]
    assert [d["details"] for d in data["form_draft"]] == ["taxi to the airport, alice's own"]
    assert [d["category"] for d in data["deflections"]] == ["reimbursement"]
    assert all("data" not in f for h in data["held_messages"] for f in h["files"])

    with Session(engine) as session:
        (recorded,) = session.exec(select(Disclosure)).all()
    assert (recorded.actor_id, recorded.kind) == ("root", "person_export")


def test_on_stdout_without_o(company, database_url):
    result = export(company, database_url, "--person", "alice", "--as", "root")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["person"]["id"] == "alice"


def test_only_an_admin_may_say_who_asks(company, database_url):
    result = export(company, database_url, "--person", "alice", "--as", "carol")
    assert result.exit_code == 2
    assert "crossdesk export --person alice --as root" in " ".join(result.output.split())


def test_an_erased_person_is_not_found(company, database_url):
    erased = invoke(["erase", "person", "alice", "--as", "root", "--yes", "--config",
                     str(company.after), "--database-url", database_url])
    assert erased.exit_code == 0, erased.output
    result = export(company, database_url, "--person", "alice", "--as", "root")
    assert result.exit_code == 1
    assert "no person alice" in result.output and "{" not in result.stdout


def test_export_what_still_works(company, database_url):
    result = export(company, database_url, "--what", "ratings")
    assert result.exit_code == 0 and json.loads(result.stdout.splitlines()[0])["stars"] == 2
