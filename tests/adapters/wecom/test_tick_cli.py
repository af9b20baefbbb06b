"""`crossdesk tick` on a config that enables WeCom sends what is due through WeCom, as serve
does, and `crossdesk chat` refuses such a config: neither prints (and counts as sent) the
messages queued for the platform."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import typer
from sqlmodel import Session, col, select

from bot.cli.console import run_console, run_tick
from bot.runtime import config as config_mod
from bot.runtime.app import DeskApp
from handlers.inbound import Inbound
from storage.models import Outbox
from tests.adapters.wecom.conftest import FINANCE_CHAT
from tests.adapters.wecom.fake_api import FakeWeCom


@pytest.fixture
def on_wecom(settings: config_mod.Settings, fake_api: FakeWeCom, wecom_env: dict[str, str],
             database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
             ) -> config_mod.Settings:
    """The WeCom company's config, its API at the stand-in, its secrets in the environment."""
    for name, value in wecom_env.items():
        monkeypatch.setenv(name, value)
    text = settings.path.read_text(encoding="utf-8") + f'api_base_url = "{fake_api.base_url}"\n'
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return dataclasses.replace(config_mod.load(path), database_url=database_url)


def _unsent(engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(Outbox).where(col(Outbox.delivered_at).is_(None))).all())


def test_tick_sends_the_queued_messages_through_wecom(
        on_wecom, desk_app: DeskApp, engine, fake_api: FakeWeCom, capsys) -> None:
    desk_app.run(Inbound(platform="wecom", person_id="henry",  # WeCom userid lihua
                         text="/request finance reimbursement amount=86 taxi"))
    assert _unsent(engine) > 0
    run_tick(on_wecom, None)
    assert any("FIN-1" in str(m) for m in fake_api.delivered("appchat/send")
               if m["chatid"] == FINANCE_CHAT), "the desk's group chat got the new request"
    assert _unsent(engine) == 0
    assert "[to " not in capsys.readouterr().out, "nothing printed in place of sending"


def test_chat_refuses_a_config_that_enables_wecom_and_takes_nothing(
        on_wecom, desk_app: DeskApp, engine, capsys) -> None:
    desk_app.run(Inbound(platform="wecom", person_id="lihua",
                         text="/request finance reimbursement amount=86 taxi"))
    queued = _unsent(engine)
    with pytest.raises(typer.Exit) as ended:
        run_console(on_wecom, ["@now 2026-11-23T10:00", "lihua> /request list"])
    assert ended.value.exit_code == 2
    assert "enables WeCom" in capsys.readouterr().err
    assert _unsent(engine) == queued


def test_tick_needs_no_callback_secrets_to_send(
        on_wecom, desk_app: DeskApp, engine, fake_api: FakeWeCom,
        monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """A cron job that only sends is not given the callback's Token and EncodingAESKey."""
    monkeypatch.delenv("WECOM_TOKEN")
    monkeypatch.delenv("WECOM_AES_KEY")
    desk_app.run(Inbound(platform="wecom", person_id="henry",  # WeCom userid lihua
                         text="/request finance reimbursement amount=86 taxi"))
    run_tick(on_wecom, None)
    assert "WECOM_" not in capsys.readouterr().err
    assert any("FIN-1" in str(m) for m in fake_api.delivered("appchat/send")
               if m["chatid"] == FINANCE_CHAT)
    assert _unsent(engine) == 0


def test_tick_still_names_a_missing_sending_secret(
        on_wecom, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.delenv("WECOM_AGENT_ID")
    with pytest.raises(typer.Exit) as ended:
        run_tick(on_wecom, None)
    assert ended.value.exit_code == 1
    err = capsys.readouterr().err
    assert "WECOM_AGENT_ID is not set" in err and "WECOM_TOKEN" not in err
