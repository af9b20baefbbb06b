"""The ``[wecom]`` config keys and the secrets, which come only from the environment."""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.adapters.wiring import env_values, text_table
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
    """True when config.toml has ``[wecom] enabled = true``."""
    return bool(settings.section("wecom").get("enabled", False))


def load_config(settings: Settings, environ: Mapping[str, str] | None = None, *,
                receive: bool = True) -> WeComConfig:
    """Read ``[wecom]``; robot webhook URLs are secrets too, so config names their variables.
    Without ``receive`` (``crossdesk tick``: it only sends) the callback's Token and
    EncodingAESKey are not needed."""
    env = os.environ if environ is None else environ
    section = settings.section("wecom")
    problems: list[str] = []
    try:
        secrets = load_secrets(env, ALL_SECRETS if receive else SEND_SECRETS)
    except WeComConfigError as exc:
        problems.append(str(exc).split("\n", 1)[1].strip())
        secrets = WeComSecrets(corp_id="", secret="")
    robots: dict[str, str] = {}
    raw = section.get("robot_webhooks", {})
    if not isinstance(raw, dict):
        problems.append(f"{settings.path}: wecom.robot_webhooks must be a table such as "
                        "{ finance = \"WECOM_ROBOT_FINANCE\" }")
        raw = {}
    keys = {d.key for d in settings.catalog.departments}
    for dep, var in raw.items():
        if dep not in keys:
            problems.append(f"{settings.path}: wecom.robot_webhooks.{dep}: no department "
                            f"{dep!r}; use a department key such as {sorted(keys)[0]!r}")
        elif not env.get(str(var), "").strip():
            problems.append(f"{var} is not set: export it with the group robot's webhook URL "
                            f"for {dep} (wecom.robot_webhooks.{dep})")
        else:
            robots[dep] = env[str(var)].strip()
            redact.remember(robots[dep])  # the webhook URL and its key= are the credential
    chats = text_table(section.get("chats"))
    if chats is None:
        problems.append(f"{settings.path}: wecom.chats must map channel names to group chat "
                        "ids, e.g. { service-office = \"wrkadmin01\" }")
        chats = {}
    if problems:
        raise WeComConfigError("WeCom is not configured:\n  " + "\n  ".join(problems))
    return WeComConfig(secrets=secrets, robot_webhooks=robots, chats=chats)
