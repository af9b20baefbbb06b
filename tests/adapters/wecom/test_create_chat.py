"""Group chats: WeCom's appchat/send works only on chats the app created (appchat/create);
`crossdesk wecom create-chat DEPARTMENT` makes one and prints the config line to add."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

from typer.testing import CliRunner

from bot.cli.main import app
from handlers.messages import Message
from storage import outbox
from storage.engine import transaction
from tests.adapters.wecom.conftest import outbox_rows
from tests.conftest import EXAMPLE


def config_for(tmp_path: Path, base_url: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8")
                    + f'\n[wecom]\nenabled = true\napi_base_url = "{base_url}"\n',
                    encoding="utf-8")
    return path


def create_chat(tmp_path: Path, fake_api, wecom_env, department: str):
    config = config_for(tmp_path, fake_api.base_url)
    return CliRunner().invoke(app, [
        "wecom", "create-chat", department, "--config", str(config),
        "--database-url", f"sqlite:///{tmp_path / 'desk.db'}"], env={**wecom_env, "COLUMNS": "200"})


def test_create_chat_makes_the_desk_chat_and_prints_the_config_line(tmp_path, fake_api,
                                                                   wecom_env):
    result = create_chat(tmp_path, fake_api, wecom_env, "财务")
    assert result.exit_code == 0, result.output
    (call,) = fake_api.to("appchat/create")
    assert call.body == {"name": "财务部", "owner": "liufang",  # carol leads finance
                         "userlist": ["liufang", "zhangwei"]}
    chatid = next(iter(set(fake_api.chats) - {"wrkfinance01", "wrkadmin01"}))
    assert f'wecom_chat = "{chatid}"' in result.output
    assert 'key = "finance"' in result.output


def test_create_chat_names_the_keys_when_the_department_is_unknown(
        tmp_path, fake_api, wecom_env):
    result = create_chat(tmp_path, fake_api, wecom_env, "nowhere")
    assert result.exit_code == 1 and "no department 'nowhere'" in result.output
    assert not fake_api.to("appchat/create")


def test_a_chat_the_app_did_not_create_fails_visibly(wecom, caplog):
    del wecom.api.chats["wrkfinance01"]  # e.g. made by hand in the WeCom client
    with transaction(wecom.app.desk.engine) as s:
        outbox.enqueue(s, "dept:finance", Message(text="本周摘要", target="dept:finance")
                       .to_dict(), wecom.clock())
    with caplog.at_level(logging.WARNING):
        stats = wecom.dispatch()
    assert stats.failed == 1
    (row,) = outbox_rows(wecom.app)
    assert row.delivered_at is None and "86003" in (row.last_error or "")
    assert "86003" in caplog.text
    assert not wecom.api.delivered("appchat/send")


def test_a_refusal_by_wecom_says_what_to_fix(tmp_path, fake_api, wecom_env):
    fake_api.fail("appchat/create", 60011, errmsg="no privilege to access/modify contact")
    result = create_chat(tmp_path, fake_api, wecom_env, "finance")
    assert result.exit_code == 1
    assert "60011" in result.output and "root department" in result.output


def test_an_unreachable_wecom_is_named_as_such_without_the_secret(tmp_path, wecom_env):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/cgi-bin/"
    config = config_for(tmp_path, closed)
    result = CliRunner().invoke(app, [
        "wecom", "create-chat", "finance", "--config", str(config),
        "--database-url", f"sqlite:///{tmp_path / 'desk.db'}"], env={**wecom_env, "COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    assert "crossdesk wecom create-chat: could not reach WeCom (" in result.output
    assert "corpsecret=***" in result.output and wecom_env["WECOM_SECRET"] not in result.output
    assert "visible range" not in result.output, "not a refusal: nothing answered"
