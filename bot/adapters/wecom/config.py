"""The ``[wecom]`` config keys and the secrets, which come only from the environment."""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.adapters.wiring import Problem, env_values, text_table
from bot.runtime.config import Settings
from storage import redact

ENV_HELP = {
    "WECOM_CORP_ID": "the corp id (企业ID, ww…) from 我的企业 › 企业信息",
    "WECOM_AGENT_ID": "the AgentId of your self-built app (应用管理 › 自建应用)",
    "WECOM_SECRET": "the app's Secret from the same page",
    "WECOM_TOKEN": "the Token you chose under 接收消息 › 设置API接收",
    "WECOM_AES_KEY": "the EncodingAESKey (43 characters) from the same page",
}
ALL_SECRETS = tuple(ENV_HELP)
CLIENT_SECRETS = ("WECOM_CORP_ID", "WECOM_SECRET")
SEND_SECRETS = ("WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET")  # no callbacks: tick
PUBLIC_IDS = ("WECOM_CORP_ID", "WECOM_AGENT_ID")  # identifiers, not credentials: not masked
VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # a name a shell can export
NOT_IN_NAME = re.compile(r"[^A-Za-z0-9]+")  # what a variable name cannot hold


class WeComConfigError(Exception):
    """WeCom cannot start: the message names every variable or key to fix."""


@dataclass(frozen=True)
class WeComSecrets:
    """What identifies and authenticates the app; empty when not required."""

    corp_id: str
    secret: str
    agent_id: int = 0
    token: str = ""
    aes_key: str = ""


@dataclass(frozen=True)
class WeComConfig:
    """Everything the WeCom adapter needs besides the desk itself."""

    secrets: WeComSecrets
    robot_webhooks: dict[str, str] = field(default_factory=dict)
    chats: dict[str, str] = field(default_factory=dict)


def load_secrets(environ: Mapping[str, str] | None = None,
                 names: tuple[str, ...] = ALL_SECRETS) -> WeComSecrets:
    """Read the secrets in ``names``; one error lists every missing or malformed one."""
    values = env_values(names, environ, public=PUBLIC_IDS)
    problems = [f"{n} is not set: export it with {ENV_HELP[n]}" for n, v in values.items() if not v]
    agent = values.get("WECOM_AGENT_ID", "")
    if agent and not agent.isdigit():
        problems.append(f"WECOM_AGENT_ID must be a number such as 1000002, not {agent!r}")
    aes = values.get("WECOM_AES_KEY", "")
    if aes and not _valid_aes_key(aes):
        problems.append("WECOM_AES_KEY must be the 43-character EncodingAESKey from the "
                        "WeCom admin console")
    if problems:
        raise WeComConfigError("WeCom is not configured:\n  " + "\n  ".join(problems))
    return WeComSecrets(
        corp_id=values["WECOM_CORP_ID"], secret=values["WECOM_SECRET"],
        agent_id=int(agent or 0), token=values.get("WECOM_TOKEN", ""), aes_key=aes,
    )


def _valid_aes_key(key: str) -> bool:
    if len(key) != 43:
        return False
    try:
        return len(base64.b64decode(key + "=", validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def enabled(settings: Settings) -> bool:
    """True when config.toml has ``[wecom] enabled = true`` (config loading refuses an
    ``enabled`` that is not true or false)."""
    return settings.section("wecom").get("enabled", False) is True


@dataclass(frozen=True)
class WeComKeys:
    """What the ``[wecom]`` table says: names of variables, never the secrets themselves."""

    robot_variables: dict[str, str] = field(default_factory=dict)  # department → variable
    chats: dict[str, str] = field(default_factory=dict)


def read_keys(section: Mapping[str, Any], departments: Iterable[str],
              problem: Problem) -> WeComKeys:
    """The ``[wecom]`` keys, ``departments`` being the config's department keys;
    ``problem(key, message)`` for each one serve would refuse (no secret is read:
    ``check-config`` calls this too). A refused entry is left out."""
    return WeComKeys(
        robot_variables=_robot_variables(section.get("robot_webhooks"), departments, problem),
        chats=text_table(section.get("chats"), "wecom.chats", "a group chat id", "wrkadmin01",
                         problem),
    )


def load_config(settings: Settings, environ: Mapping[str, str] | None = None, *,
                receive: bool = True) -> WeComConfig:
    """Read ``[wecom]``; robot webhook URLs are secrets too, so config names their variables.
    Without ``receive`` (``crossdesk tick``: it only sends) the callback's Token and
    EncodingAESKey are not needed."""
    env = os.environ if environ is None else environ
    problems: list[str] = []
    keys = read_keys(settings.section("wecom"), (d.key for d in settings.catalog.departments),
                     lambda key, message: problems.append(
        f"{settings.path}: {key}: {message}"))
    try:
        secrets = load_secrets(env, ALL_SECRETS if receive else SEND_SECRETS)
    except WeComConfigError as exc:
        problems.insert(0, str(exc).split("\n", 1)[1].strip())
        secrets = WeComSecrets(corp_id="", secret="")
    robots: dict[str, str] = {}
    for dep, var in keys.robot_variables.items():
        url = env.get(var, "").strip()
        if not url:
            problems.append(f"{var} is not set: export it with the group robot's webhook URL "
                            f"for {dep} (wecom.robot_webhooks.{dep})")
            continue
        robots[dep] = url
        redact.remember(url)  # the webhook URL and its key= are the credential
    if problems:
        raise WeComConfigError("WeCom is not configured:\n  " + "\n  ".join(problems))
    return WeComConfig(secrets=secrets, robot_webhooks=robots, chats=keys.chats)


def _robot_variables(raw: Any, departments: Iterable[str], problem: Problem
                     ) -> dict[str, str]:
    """``robot_webhooks = { finance = "WECOM_ROBOT_FINANCE" }``: department key → the
    environment variable holding its group robot's webhook URL."""
    if raw is None:
        return {}
    example = "robot_webhooks = { finance = \"WECOM_ROBOT_FINANCE\" }"
    if not isinstance(raw, dict):
        problem("wecom.robot_webhooks", f"must be a table, e.g. {example}")
        return {}
    keys = sorted(departments)
    out: dict[str, str] = {}
    for dep, var in raw.items():
        key = f"wecom.robot_webhooks.{dep}"
        if dep not in keys:
            such = f" such as {keys[0]!r}" if keys else " from [[departments]]"
            problem(key, f"no department {dep!r}; use a department key{such}")
        elif not isinstance(var, str) or not VARIABLE.match(var.strip()):
            problem(key, f"{var!r} is not the name of an environment variable; write the "
                    f"variable that holds the robot's webhook URL, e.g. {dep} = "
                    f"\"WECOM_ROBOT_{NOT_IN_NAME.sub('_', dep).upper()}\"")
        else:
            out[dep] = var.strip()
    return out
