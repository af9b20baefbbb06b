"""Platform users as our people, shared by Slack and WeCom: the known are found, a stranger is
registered once with what the platform says, and met people are remembered."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from bot.adapters.people import Actor, PlatformPeople, Profile
from bot.runtime.clock import ManualClock
from storage import people, wecom_store
from storage.engine import transaction


class FakeProfiles:
    """A platform's profile lookup that records whom it was asked about."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.asked: list[str] = []

    def __call__(self, platform_id: str, fallback_name: str | None) -> Profile:
        self.asked.append(platform_id)
        return self.profile


def slack_people(engine: Engine, clock: ManualClock, profiles: FakeProfiles) -> PlatformPeople:
    return PlatformPeople(engine, "slack",
                          lambda s, uid: people.by_platform_id(s, "slack", uid), profiles,
                          clock, "en", {"U0ANNA": "zh_CN"})


def test_a_known_person_is_found_without_asking_the_platform(engine: Engine,
                                                             clock: ManualClock) -> None:
    with transaction(engine) as session:
        people.register(session, "anna", "Anna", clock(), source="config", locale="zh-CN",
                        slack_id="U0ANNA")
    profiles = FakeProfiles(("Nobody", None))
    directory = slack_people(engine, clock, profiles)
    assert directory.locale_of("U0ANNA") == "zh-CN", "the config's, before meeting them"
    assert directory.person_of("U0ANNA") == "anna"
    assert directory.resolve("U0ANNA") == Actor("anna", "zh-CN")
    assert directory.platform_id_of("anna") == "U0ANNA"
    assert profiles.asked == []


def test_a_stranger_is_registered_once_with_the_platforms_profile(engine: Engine,
                                                                  clock: ManualClock) -> None:
    profiles = FakeProfiles(("Bea Newcomer", "en-US"))
    directory = slack_people(engine, clock, profiles)
    assert directory.person_of("U0BEA") is None, "picking someone registers nobody"
    assert directory.locale_of("U0BEA") == "en", "the default, before meeting them"
    assert directory.resolve("U0BEA") == Actor("slack-u0bea", "en")
    assert directory.resolve("U0BEA") == Actor("slack-u0bea", "en")
    assert profiles.asked == ["U0BEA"], "remembered after the first time"
    with Session(engine) as session:
        row = people.get(session, "slack-u0bea")
        assert row is not None and (row.name, row.slack_id) == ("Bea Newcomer", "U0BEA")


def test_ids_that_ignore_case_are_one_person(engine: Engine, clock: ManualClock) -> None:
    profiles = FakeProfiles(("新同事", "zh-CN"))
    directory = PlatformPeople(engine, "wecom", wecom_store.person_by_userid, profiles, clock,
                               "zh-CN", {"LiHua": "en"}, ignore_case=True)
    assert directory.configured_locale("lihua") == "en"
    first = directory.resolve("NewBie")
    directory.cache.clear()  # another replica, or after a restart
    assert directory.resolve("newbie") == first == Actor("wecom-newbie", "zh-CN")
    assert directory.cached("NEWBIE") == first
    assert profiles.asked == ["NewBie"]
    assert directory.platform_id_of("wecom-newbie") == "NewBie"
