"""`check-config` refuses every ``[slack]`` and ``[wecom]`` value `serve` would refuse, by the
same rules and without any secret in the environment; ``enabled`` is true or false; a secret
written in the file names the variable it belongs in; a merged person is one warning."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.adapters.slack.config import SlackConfigError
from bot.adapters.slack.config import load_config as load_slack
from bot.adapters.wecom.config import WeComConfigError
from bot.adapters.wecom.config import load_config as load_wecom
from bot.cli.main import app
from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from bot.runtime.clock import ManualClock
from tests.bot.runtime.test_config import edited, problems_of, write
from tests.conftest import EXAMPLE, local

SECRETS = {
    "SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": "s3cr3t",
    "SLACK_APP_TOKEN": "xapp-test-token", "WECOM_CORP_ID": "ww0123", "WECOM_AGENT_ID": "1000002",
    "WECOM_SECRET": "wecom-secret", "WECOM_TOKEN": "wecom-token",
    "WECOM_AES_KEY": base64.b64encode(bytes(range(32))).decode().rstrip("="),
    "WECOM_ROBOT_X": "https://example.com/robot",
}

# (the table appended to the sample company, key, what the problem says)
CASES = {
    "slack mode": ('[slack]\nmode = "websocket"', "slack.mode",
                   "'websocket' is not a mode; use \"socket\" or \"http\""),
    "slack channel": ("[slack]\nchannels = { nochan = 5 }", "slack.channels.nochan",
                      "5 is not a Slack channel id or name; write it in quotes, e.g. "
                      "channels = { nochan = \"C0123ABCD\" }"),
    "slack reaction": ('[slack]\nreactions = { eyes = "explode" }', "slack.reactions.eyes",
                       "'explode' is not an action; use one of ack, assign_me, resume, wait, "
                       "resolve"),
    "slack form reaction": ("[slack]\nform_reaction = 3", "slack.form_reaction",
                            "3 is not an emoji name; write one in quotes, without colons, e.g. "
                            "form_reaction = \"ticket\""),
    "wecom chats": ('[wecom]\nenabled = true\nchats = "wrk1"', "wecom.chats",
                    "must be a table, e.g. chats = { service-office = \"wrkadmin01\" }"),
    "wecom robot department": ('[wecom]\nenabled = true\n'
                               'robot_webhooks = { nodept = "WECOM_ROBOT_X" }',
                               "wecom.robot_webhooks.nodept",
                               "no department 'nodept'; use a department key such as 'admin'"),
    "wecom robot variable": ('[wecom]\nenabled = true\nrobot_webhooks = { it = "robot for IT" }',
                             "wecom.robot_webhooks.it",
                             "'robot for IT' is not the name of an environment variable; write "
                             "the variable that holds the robot's webhook URL, e.g. "
                             "it = \"WECOM_ROBOT_IT\""),
}


@pytest.fixture(autouse=True)
def _no_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """check-config validates the file: it needs none of the platforms' secrets."""
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)


def run_check(path: Path, *args: str):
    return CliRunner().invoke(app, ["check-config", "--config", str(path), *args],
                              env={"COLUMNS": "200"})


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_config_refuses_what_serve_refuses(tmp_path: Path, case: str) -> None:
    table, key, message = CASES[case]
    path = write(tmp_path, edited(extra=f"\n{table}\n"))
    line = f"{path}: {key}: {message}"
    result = run_check(path)
    assert result.exit_code == 1, result.output
    assert f"1 problem in {path}:" in result.output
    assert line in result.output
    load = load_slack if key.startswith("slack") else load_wecom
    with pytest.raises((SlackConfigError, WeComConfigError)) as refused:
        load(config_mod.load(path), SECRETS)  # serve, with every secret it needs
    assert line in str(refused.value)


def test_every_problem_of_the_platform_tables_is_reported_at_once(tmp_path: Path) -> None:
    """The bad entries only: the good ones beside them (as the README writes them) pass."""
    tables = ('\n[slack]\nmode = "socket"\n'
              'channels = { nochan = 5, service-office = "#C0789IJKL" }\n'
              'reactions = { eyes = "explode", ":white_check_mark:" = "resolve" }\n'
              'form_reaction = 3\n\n[wecom]\nenabled = true\nchats = "wrk1"\n'
              'robot_webhooks = { nodept = "WECOM_ROBOT_X", finance = "WECOM_ROBOT_FINANCE" }\n')
    result = run_check(write(tmp_path, edited(extra=tables)))
    assert result.exit_code == 1 and "5 problems" in result.output
    for key in ("slack.channels.nochan", "slack.reactions.eyes", "slack.form_reaction",
                "wecom.chats", "wecom.robot_webhooks.nodept"):
        assert f": {key}: " in result.output


def test_platform_problems_are_listed_with_the_rest_of_the_file(tmp_path: Path) -> None:
    """A mistake elsewhere in the file does not hide those of [slack] and [wecom]: the
    operator fixes everything after one run."""
    tables = ('\n[slack]\nmode = "websocket"\n\n[wecom]\nenabled = true\n'
              'robot_webhooks = { nodept = "WECOM_ROBOT_X" }\n')
    path = write(tmp_path, edited(('locale = "en"', 'locale = "fr"'), extra=tables))
    result = run_check(path)
    assert result.exit_code == 1 and "3 problems" in result.output, result.output
    for key in (".locale", "slack.mode", "wecom.robot_webhooks.nodept"):
        assert f"{key}: " in result.output


def test_a_file_that_is_not_toml_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[slack]\nmode = "socket\n', encoding="utf-8")
    result = run_check(path)
    assert result.exit_code == 1 and "1 problem" in result.output
    assert "not valid TOML" in result.output


@pytest.mark.parametrize(("table", "value"), [("slack", '"false"'), ("wecom", '"true"'),
                                              ("slack", "0")])
def test_enabled_is_true_or_false(tmp_path: Path, table: str, value: str) -> None:
    path = write(tmp_path, edited(extra=f"\n[{table}]\nenabled = {value}\n"))
    problems = {p.key: p.message for p in problems_of(path)}
    assert problems == {f"{table}.enabled": f"{value} is not true or false; use true or false, "
                                             "without quotes"}
    chat = CliRunner().invoke(app, ["chat", "--config", str(path), "--database-url",
                                    f"sqlite:///{tmp_path / 'chat.db'}"], input="")
    assert chat.exit_code == 1 and f"{table}.enabled" in chat.output
    assert "this config enables" not in chat.output


@pytest.mark.parametrize(("table", "key", "variable"), [
    ("slack", "bot_token", "SLACK_BOT_TOKEN"), ("slack", "signing_secret",
                                                "SLACK_SIGNING_SECRET"),
    ("slack", "app_token", "SLACK_APP_TOKEN"), ("wecom", "secret", "WECOM_SECRET"),
    ("wecom", "token", "WECOM_TOKEN"), ("wecom", "aes_key", "WECOM_AES_KEY"),
])
def test_a_secret_in_the_file_names_its_variable(tmp_path: Path, table: str, key: str,
                                                 variable: str) -> None:
    path = write(tmp_path, edited(extra=f'\n[{table}]\n{key} = "abc"\n'))
    problems = {p.key: p.message for p in problems_of(path)}
    assert problems[f"{table}.{key}"].endswith(
        f"remove it from the file and export it as {variable}")


def test_a_person_merged_by_both_platform_ids_is_one_warning(tmp_path: Path, database_url: str,
                                                             engine: object) -> None:
    before = write(tmp_path, EXAMPLE.read_text(encoding="utf-8"), "before.toml")
    desk = app_mod.build(config_mod.load(before, database_url),
                         ManualClock(local("2026-11-23T09:00")))
    desk.desk.engine.dispose()
    renamed = EXAMPLE.read_text(encoding="utf-8").replace('"alice"', '"alicia"')
    result = run_check(write(tmp_path, renamed, "after.toml"), "--database-url", database_url,
                       "--now", "2025-03-01T09:00")
    assert result.exit_code == 0, result.output
    assert result.output.count("will be merged into 'alicia'") == 1
    assert ("'alice' (who has slack id U0ALICE and wecom id wangli) will be merged into "
            "'alicia'") in result.output
