"""Delivery keys are claimed in the database, so a repeat reaching another replica is seen; a
command's claim commits with the command, so a replica dying mid-command leaves neither."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from bot.adapters.slack import build_slack
from bot.adapters.slack.dedupe import AlreadyRan, Delivery, SeenIds
from bot.adapters.slack.platform import DatabaseClaims
from bot.app import App
from bot.config import Settings
from storage.engine import transaction
from storage.models import Request, SeenNonce
from tests.adapters.slack.conftest import ENV, SlackDesk


def claims(engine: Any) -> set[str]:
    with Session(engine) as session:
        return {n.nonce for n in session.exec(select(SeenNonce))}


def test_two_replicas_share_delivery_ids(desk_app: App) -> None:
    replica_a = SeenIds(shared=DatabaseClaims(desk_app))
    replica_b = SeenIds(shared=DatabaseClaims(desk_app))
    assert replica_a.first_time("Ev0001")
    assert not replica_b.first_time("Ev0001")  # the retry went to the other replica
    assert not replica_a.first_time("Ev0001")
    assert replica_b.first_time("Ev0002")
    assert not replica_a.unseen("Ev0002"), "claimed by B: A sees it without claiming"
    assert replica_a.unseen("trig-1") and not replica_a.unseen("trig-1")
    assert replica_b.unseen("trig-1"), "looked at, not claimed: B may still run it"


def test_a_long_key_is_stored_hashed(desk_app: App) -> None:
    seen = SeenIds(shared=DatabaseClaims(desk_app))
    assert seen.first_time("x" * 500)
    assert not SeenIds(shared=DatabaseClaims(desk_app)).first_time("x" * 500)
    assert all(len(n) <= 128 for n in claims(desk_app.desk.engine))


def test_the_claim_commits_with_the_command(desk_app: App) -> None:
    seen = SeenIds(shared=DatabaseClaims(desk_app))
    assert seen.unseen("trig-a")
    delivery = Delivery("trig-a", seen)
    with delivery.with_the_change():
        reply = desk_app.handle("henry", "/request finance reimbursement taxi 86")
    assert reply.ok and delivery.claimed
    assert "slack:trig-a" in claims(desk_app.desk.engine)
    other = SeenIds(shared=DatabaseClaims(desk_app))  # another replica, replayed to
    assert not other.unseen("trig-a")


def test_a_command_already_run_elsewhere_is_rolled_back(desk_app: App) -> None:
    replica_a = SeenIds(shared=DatabaseClaims(desk_app))
    replica_b = SeenIds(shared=DatabaseClaims(desk_app))
    assert replica_a.unseen("trig-b") and replica_b.unseen("trig-b")  # both at once
    with Delivery("trig-b", replica_a).with_the_change():
        assert desk_app.handle("henry", "/request finance reimbursement taxi 86").ok
    late = Delivery("trig-b", replica_b)
    with pytest.raises(AlreadyRan), late.with_the_change():
        desk_app.handle("henry", "/request finance reimbursement taxi 86")
    assert not late.claimed
    with Session(desk_app.desk.engine) as session:
        assert [r.ref for r in session.exec(select(Request))] == ["FIN-1"]


def test_a_command_that_did_not_commit_leaves_no_claim(desk_app: App) -> None:
    seen = SeenIds(shared=DatabaseClaims(desk_app))
    assert seen.unseen("trig-c")
    delivery = Delivery("trig-c", seen)
    with (pytest.raises(RuntimeError), delivery.with_the_change(),
          transaction(desk_app.desk.engine) as session):
        session.execute(text("UPDATE department_counter SET last_number = last_number + 1"))
        raise RuntimeError("the replica died here, before the commit")
    assert not delivery.claimed and "slack:trig-c" not in claims(desk_app.desk.engine)
    assert seen.unseen("trig-c"), "forgotten here too: a retry runs it"


def test_a_replay_to_another_replica_runs_once(slack: SlackDesk, desk_app: App,
                                               http_settings: Settings) -> None:
    """The same signed request at a second Bolt app on the same database (another replica)."""
    other = build_slack(desk_app, http_settings, lambda: None, client_base_url=slack.fake.url,
                        environ=ENV)
    try:
        body = slack.command_body("U0HENRY", "finance reimbursement taxi 86", probe="replay")
        assert slack.dispatch(body).status == 200
        assert "FIN-1" in slack.answer("replay")["text"]
        slack.platform, mine = other, slack.platform
        try:
            replayed = slack.dispatch(body)
            slack.settle()
        finally:
            slack.platform = mine
        assert replayed.status == 200 and not replayed.body
        assert [r.ref for r in slack.requests()] == ["FIN-1"]
        slack.answer("replay")  # still answered once
    finally:
        other.stop()
