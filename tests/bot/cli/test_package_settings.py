"""Settings a deployment changes come from the environment: CROSSDESK_CONFIG,
CROSSDESK_DATABASE_URL, CROSSDESK_HOST, CROSSDESK_PORT, CROSSDESK_LOG_FORMAT. A flag wins
over its variable, which wins over the config file, which wins over the default."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.runtime import config as config_mod
from bot.runtime.serve_options import resolve
from tests.bot.cli.serving import wait_health
from tests.conftest import EXAMPLE

CROSSDESK = Path(sys.executable).parent / "crossdesk"
ENV_NAMES = ("CROSSDESK_CONFIG", "CROSSDESK_DATABASE_URL", "CROSSDESK_HOST", "CROSSDESK_PORT",
             "CROSSDESK_LOG_FORMAT")


def invoke(args: list[str], env: dict[str, str] | None = None):
    return CliRunner().invoke(app, args, env={"COLUMNS": "100", **(env or {})})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def config_with(tmp_path: Path, extra: str, name: str = "desk.toml") -> Path:
    path = tmp_path / name
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")
    return path


def test_crossdesk_config_chooses_the_file_and_the_flag_beats_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {"CROSSDESK_CONFIG": "etc/from-env.toml",
           "CROSSDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}
    result = invoke(["init"], env)
    assert result.exit_code == 0, result.output
    assert "wrote etc/from-env.toml" in result.output
    assert (tmp_path / "etc" / "from-env.toml").exists()
    assert not (tmp_path / "config.toml").exists()

    flag = invoke(["init", "--config", "from-flag.toml"], env)
    assert flag.exit_code == 0, flag.output
    assert "wrote from-flag.toml" in flag.output


def test_crossdesk_database_url_beats_the_file_and_the_flag_beats_it(tmp_path):
    config = config_with(tmp_path, "").read_text(encoding="utf-8").replace(
        'database_url = "sqlite:///crossdesk.db"',
        f'database_url = "sqlite:///{tmp_path / "file.db"}"')
    (tmp_path / "desk.toml").write_text(config, encoding="utf-8")
    env = {"CROSSDESK_CONFIG": str(tmp_path / "desk.toml"),
           "CROSSDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'env.db'}"}

    from_env = invoke(["db", "upgrade"], env)
    assert from_env.exit_code == 0, from_env.output
    assert f"database sqlite:///{tmp_path / 'env.db'} is empty" in from_env.output
    assert (tmp_path / "env.db").exists() and not (tmp_path / "file.db").exists()

    flag = invoke(["db", "check", "--database-url", f"sqlite:///{tmp_path / 'env.db'}x"], env)
    assert flag.exit_code == 1  # the flag's (empty) database, not the environment's
    assert f"{tmp_path / 'env.db'}x" in flag.output

    without = invoke(["db", "upgrade"], {"CROSSDESK_CONFIG": env["CROSSDESK_CONFIG"]})
    assert without.exit_code == 0 and (tmp_path / "file.db").exists()


def test_serve_options_flag_then_environment_then_file_then_default(tmp_path):
    plain = config_mod.load(EXAMPLE)
    assert resolve(plain) == resolve(plain, None, None, None)
    assert (resolve(plain).host, resolve(plain).port, resolve(plain).log_format) == (
        "127.0.0.1", 8080, "text")
    filed = config_mod.load(config_with(
        tmp_path, '[server]\nhost = "0.0.0.0"\nport = 9100\n\n[logging]\nformat = "json"\n'))
    chosen = resolve(filed)
    assert (chosen.host, chosen.port, chosen.log_format) == ("0.0.0.0", 9100, "json")
    given = resolve(filed, host="127.0.0.2", port=9200, log_format="text", upgrade=True)
    assert (given.host, given.port, given.log_format, given.upgrade) == (
        "127.0.0.2", 9200, "text", True)


def test_the_access_log_is_off_unless_the_file_turns_it_on(tmp_path):
    assert resolve(config_mod.load(EXAMPLE)).access_log is False
    on = config_mod.load(config_with(tmp_path, "[logging]\naccess_log = true\n"))
    assert resolve(on).access_log is True
    with pytest.raises(config_mod.ConfigError, match=r"b\.toml: logging\.access_log: 'yes' is "
                                                     r"not true or false; use access_log = true"):
        config_mod.load(config_with(tmp_path, '[logging]\naccess_log = "yes"\n', "b.toml"))


def test_a_bad_file_setting_names_file_and_key(tmp_path):
    """Refused with the rest of the file (check-config lists it too), even when a flag would
    give serve another value: the file is wrong either way."""
    with pytest.raises(config_mod.ConfigError, match=r"desk\.toml: server\.port: 'eighty' is "
                                                     r"not a TCP"):
        config_mod.load(config_with(tmp_path, '[server]\nport = "eighty"\n'))
    with pytest.raises(config_mod.ConfigError, match=r"logging\.format: 'xml' is not a log "
                                                     r"format"):
        config_mod.load(config_with(tmp_path, '[logging]\nformat = "xml"\n', "x.toml"))
    good = config_mod.load(config_with(tmp_path, "[server]\nport = 9000\n", "g.toml"))
    assert resolve(good).port == 9000 and resolve(good, port=8081).port == 8081  # flag wins


def test_a_bad_log_format_from_the_environment_is_refused_before_anything_starts(tmp_path):
    result = invoke(["serve", "--config", str(EXAMPLE), "--database-url",
                     f"sqlite:///{tmp_path / 'x.db'}"], {"CROSSDESK_LOG_FORMAT": "xml"})
    assert result.exit_code == 2
    assert "CROSSDESK_LOG_FORMAT" in result.output and "use text or json" in result.output
    assert not (tmp_path / "x.db").exists()


def test_every_setting_is_in_the_help_with_its_variable():
    flat = " ".join(invoke(["serve", "--help"]).output.split())
    for name in ENV_NAMES:
        assert name in flat, name


def test_serve_listens_and_logs_as_the_environment_says_over_the_file(tmp_path):
    file_port, env_port = free_port(), free_port()
    config = config_with(tmp_path, f'[server]\nport = {file_port}\n\n[logging]\nformat = '
                         '"text"\n')
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    env.update({"CROSSDESK_CONFIG": str(config),
                "CROSSDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
                "CROSSDESK_HOST": "127.0.0.1", "CROSSDESK_PORT": str(env_port),
                "CROSSDESK_LOG_FORMAT": "json"})
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")
    proc = subprocess.Popen([str(CROSSDESK), "serve", "--upgrade"], env=env, stdout=log,
                            stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        health = wait_health(f"http://127.0.0.1:{env_port}", proc, tmp_path / "serve.log")
        assert health["ok"] is True
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{file_port}/healthz", timeout=1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert proc.returncode == 0
    lines = [line for line in (tmp_path / "serve.log").read_text().splitlines() if line]
    assert lines and all(json.loads(line)["level"] for line in lines)  # JSON, not text


