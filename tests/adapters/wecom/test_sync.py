"""`crossdesk sync wecom`: new people and managers from the org chart; config wins where it
speaks, and membership differences are reported, never written into config.toml."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.adapters.wecom import client_from_env, sync_org
from bot.adapters.wecom.config import WeComConfigError
from storage import people
from tests.conftest import EXAMPLE

CROSSDESK = Path(sys.executable).parent / "crossdesk"
SECRET = "LeakCheckSecret42"


@pytest.fixture
def org(fake_api):
    fake_api.departments[:] = [
        {"id": 1, "name": "示例公司", "parentid": 0, "department_leader": ["chenjing"]},
        {"id": 2, "name": "财务部", "parentid": 1, "department_leader": ["liufang"]},
        {"id": 3, "name": "信息技术部", "parentid": 1, "department_leader": ["sunlei"]},
    ]
    fake_api.users.clear()
    for uid, name, deps, boss in [
        ("chenjing", "陈静", [1], []),
        ("liufang", "刘芳", [2], ["chenjing"]),
        ("zhangwei", "张伟", [2], ["zhaofeng"]),   # config.toml says carol
        ("wangwu", "王五", [2], []),               # new: the finance leader is the manager
        ("sunlei", "孙磊", [3], ["zhaofeng"]),
        ("zhaoliu", "赵六", [3], ["wangwu"]),      # new, reporting to another newcomer
        ("zhaofeng", "赵峰", [1], ["chenjing"]),
    ]:
        fake_api.users[uid] = {"userid": uid, "name": name, "department": deps,
                               "direct_leader": boss}
    return fake_api


@pytest.fixture
def client(desk_app, wecom_env, fake_api):
    client = client_from_env(desk_app, api_base_url=fake_api.base_url, environ=wecom_env)
    yield client
    client.close()


EXPECTED = [
    "+ person wecom-wangwu 王五 (WeCom userid wangwu)",
    "~ manager of wecom-wangwu: (none) → carol",
    "+ person wecom-zhaoliu 赵六 (WeCom userid zhaoliu)",
    "~ manager of wecom-zhaoliu: (none) → wecom-wangwu",
    "! manager of bob: config.toml says carol, WeCom says frank; config wins — "
    "edit [[people]] manager",
    "! finance (WeCom department 财务部, id 2): in WeCom, not in config members: wecom-wangwu",
    "! it (WeCom department 信息技术部, id 3): in WeCom, not in config members: wecom-zhaoliu",
    "! it (WeCom department 信息技术部, id 3): in config members, not in WeCom: kevin",
]


def test_dry_run_lists_the_changes_and_writes_nothing(desk_app, org, client):
    lines = sync_org(desk_app, client, dry_run=True)
    assert lines == [*EXPECTED, "dry run: 4 changes to write; nothing written"]
    with Session(desk_app.desk.engine) as s:
        assert people.by_platform_id(s, "wecom", "wangwu") is None


def test_apply_writes_people_and_managers_and_is_idempotent(desk_app, org, client):
    assert sync_org(desk_app, client, dry_run=False)[-1] == "wrote 4 changes"
    with Session(desk_app.desk.engine) as s:
        wangwu = people.by_platform_id(s, "wecom", "wangwu")
        zhaoliu = people.by_platform_id(s, "wecom", "zhaoliu")
        bob = people.get(s, "bob")
    assert wangwu is not None and zhaoliu is not None and bob is not None
    assert (wangwu.id, wangwu.name, wangwu.manager_id, wangwu.locale, wangwu.source) == (
        "wecom-wangwu", "王五", "carol", "zh-CN", "wecom")
    assert zhaoliu.manager_id == "wecom-wangwu"
    assert bob.manager_id == "carol", "config.toml stays the source for configured people"
    again = sync_org(desk_app, client, dry_run=False)
    assert again[-1] == "wrote 0 changes"
    assert not [line for line in again if line.startswith(("+", "~"))]


def test_missing_secrets_are_all_named_in_one_error(desk_app):
    with pytest.raises(WeComConfigError) as caught:
        client_from_env(desk_app, environ={})
    assert "WECOM_CORP_ID" in str(caught.value) and "WECOM_SECRET" in str(caught.value)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("dry_run", [["--dry-run"], []], ids=["dry-run", "apply"])
def test_sync_wecom_says_wecom_cannot_be_reached_in_one_line_without_the_secret(tmp_path, dry_run):
    config = tmp_path / "config.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8") + '\n[wecom]\napi_base_url = '
                      f'"http://127.0.0.1:{closed_port()}/cgi-bin/"\n', encoding="utf-8")
    env = {**os.environ, "COLUMNS": "200", "WECOM_CORP_ID": "ww1", "WECOM_AGENT_ID": "1",
           "WECOM_SECRET": SECRET}
    proc = subprocess.run([str(CROSSDESK), "sync", "wecom", *dry_run, "--config", str(config),
                           "--database-url", f"sqlite:///{tmp_path / 'desk.db'}"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert SECRET not in proc.stdout + proc.stderr
    assert proc.stderr.startswith("crossdesk sync wecom: could not reach WeCom (")
    assert "gettoken?corpid=ww1&corpsecret=***" in proc.stderr
    assert "check the network" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert proc.stdout == ""
