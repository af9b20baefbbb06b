"""WeCom userids are unique ignoring case: ``ZhangWei`` and ``zhangwei`` are one person, in
callbacks, on first contact and in the directory sync."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.adapters.wecom import client_from_env, sync_org
from storage.models import Person
from tests.adapters.wecom.conftest import counts, trail


def test_a_differently_cased_userid_is_the_configured_person(wecom):
    wecom.say("lihua", "提单 财务 报销 出租车 86元")
    before = counts(wecom.app)["Person"]
    wecom.say("ZhangWei", "受理 FIN-1")  # config.toml: bob has wecom = "zhangwei"
    assert counts(wecom.app)["Person"] == before, "nobody new registered"
    assert ("acknowledged", "open", "acknowledged", "bob") in trail(wecom.app, "FIN-1")
    assert not wecom.api.to("user/get"), "not looked up as a stranger"


def test_a_newcomer_is_registered_once_whatever_the_case(wecom):
    wecom.say("NewBie", "/request help")
    wecom.say("newbie", "/request list")
    wecom.platform.directory.people.cache.clear()  # e.g. another replica, or after a restart
    wecom.say("NEWBIE", "/request list")
    with Session(wecom.app.desk.engine) as s:
        rows = list(s.exec(select(Person).where(Person.source == "wecom")))
    assert [(r.id, r.name) for r in rows] == [("wecom-newbie", "新同事")]


def test_sync_matches_userids_ignoring_case(desk_app, fake_api, wecom_env):
    fake_api.departments[:] = [{"id": 1, "name": "示例公司", "parentid": 0}]
    fake_api.users.clear()
    fake_api.users["ZhangWei"] = {"userid": "ZhangWei", "name": "张伟", "department": [1]}
    client = client_from_env(desk_app, api_base_url=fake_api.base_url, environ=wecom_env)
    try:
        lines = sync_org(desk_app, client, dry_run=True)
    finally:
        client.close()
    assert not [line for line in lines if line.startswith("+")], lines
