"""A Slack retry that lands on another replica is still recognised (the claim is in the DB)."""

from __future__ import annotations

from bot.adapters.slack.dedupe import SeenIds
from bot.adapters.slack.platform import shared_claim


def test_two_replicas_share_delivery_ids(desk_app):
    replica_a = SeenIds(shared=shared_claim(desk_app))
    replica_b = SeenIds(shared=shared_claim(desk_app))
    assert replica_a.first_time("Ev0001")
    assert not replica_b.first_time("Ev0001")  # the retry went to the other replica
    assert not replica_a.first_time("Ev0001")
    assert replica_b.first_time("Ev0002")
