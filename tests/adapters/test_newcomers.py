"""People first met on Slack or WeCom: one id rule and one registration for both platforms."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.adapters.newcomers import newcomer_id, register_newcomer
from bot.runtime.clock import ManualClock
from storage import people, wecom_store
from storage.engine import transaction
from storage.models import Person


def test_a_newcomers_id_is_the_platform_and_their_id_in_lower_case() -> None:
    assert newcomer_id("slack", "U0NEWBIE") == "slack-u0newbie"
    assert newcomer_id("wecom", "ZhangWei") == "wecom-zhangwei"
    assert len(newcomer_id("wecom", "x" * 100)) == 64, "fits Person.id"


def test_a_newcomer_is_registered_with_the_platforms_id(engine: Engine,
                                                         clock: ManualClock) -> None:
    row = register_newcomer(engine, "wecom", "LiHua", "李华", clock(), "zh-CN",
                            lambda s: wecom_store.person_by_userid(s, "LiHua"))
    assert (row.id, row.name, row.locale, row.wecom_id, row.slack_id) == (
        "wecom-lihua", "李华", "zh-CN", "LiHua", None)


def test_someone_registered_a_moment_before_is_found_not_doubled(engine: Engine,
                                                                 clock: ManualClock) -> None:
    """Another request (or replica) registered the Slack user first, under another id: the
    second registration hits the unique Slack id and answers with that person."""
    with transaction(engine) as session:
        people.register(session, "henry", "Henry", clock(), source="config", slack_id="U0HENRY")
    row = register_newcomer(engine, "slack", "U0HENRY", "Henry L.", clock(), None,
                            lambda s: people.by_platform_id(s, "slack", "U0HENRY"))
    assert row.id == "henry"
    with Session(engine) as session:
        holders = session.exec(select(Person).where(Person.slack_id == "U0HENRY")).all()
        assert [p.id for p in holders] == ["henry"]
        assert session.get(Person, "slack-u0henry") is None
