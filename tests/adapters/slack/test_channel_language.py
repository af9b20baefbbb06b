"""A desk channel on Slack is one message in the channel's language, whatever its members
read: IT's members read Chinese (dave) and English (kevin); its channel hears a new request
once, in Chinese, with nothing of the English rendering WeCom gives kevin in person."""

from __future__ import annotations

from tests.adapters.slack.conftest import SlackDesk

IT = "CITREQUESTS"


def test_a_desk_channel_hears_a_new_request_once_in_its_own_language(slack: SlackDesk) -> None:
    slack.ask("U0ALICE", "it laptop screen flickers")
    slack.drain()
    posts = [p for p in slack.fake.posted(IT) if "IT-1" in p["text"]]
    assert len(posts) == 1, posts
    assert "新请求 IT-1" in posts[0]["text"]
    assert "New request" not in str(posts[0]), "no English copy in the channel"
    assert not [p for p in slack.fake.posted("D0KEVIN") if "IT-1" in p["text"]], \
        "kevin reads the channel, no copy in person"
