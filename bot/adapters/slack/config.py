"""The ``[slack]`` config keys, per-department channels, and the secrets from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.adapters.wiring import env_values, text_table
from bot.runtime.config import Settings
from handlers.actions import STAFF_COMMANDS

MODES = ("socket", "http")
DEFAULT_MODE = "http"  # what slack-manifest.yml ships: request URLs, socket_mode_enabled false
ENV_HELP = {
    "SLACK_BOT_TOKEN": "the bot token (xoxb-…) from your Slack app's OAuth & Permissions page",
    "SLACK_SIGNING_SECRET": "the signing secret from Basic Information › App Credentials "
    "(needed when [slack] mode = \"http\")",
    "SLACK_APP_TOKEN": "an app-level token (xapp-…) with the connections:write scope, from "
    "Basic Information › App-Level Tokens (needed when [slack] mode = \"socket\")",
}


# A reaction on a request's thread root runs the desk's action: emoji name → action.
DEFAULT_REACTIONS = {"eyes": "ack", "white_check_mark": "resolve"}
REACTION_ACTIONS = tuple(STAFF_COMMANDS)


def slack_enabled(settings: Settings) -> bool:
    """True when the config has a ``[slack]`` table without ``enabled = false``."""
    return "slack" in settings.raw and bool(settings.section("slack").get("enabled", True))


class SlackConfigError(Exception):
    """The Slack platform cannot start: the message names the key or variable to fix."""


@dataclass(frozen=True)
class SlackConfig:
    """Everything the Slack adapter needs besides the desk itself."""

    mode: str
    bot_token: str
    signing_secret: str | None
    app_token: str | None
    channels: dict[str, str] = field(default_factory=dict)
    usergroups: dict[str, str] = field(default_factory=dict)
    named: dict[str, str] = field(default_factory=dict)  # channel:<name> target → Slack channel
    reactions: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_REACTIONS))
    form_reaction: str = "ticket"  # on any message: open the request form from it
    intake: dict[str, str] = field(default_factory=dict)  # intake channel → department key


def load_config(settings: Settings, environ: Mapping[str, str] | None = None, *,
                receive: bool = True) -> SlackConfig:
    """Read ``[slack]`` and the departments' Slack keys; secrets only from ``environ``
    (SlackConfigError names the first one missing and where to find it). Without ``receive``
    (``crossdesk tick``: it only sends) the bot token is the one secret needed."""
    section = settings.section("slack")
    mode = str(section.get("mode", DEFAULT_MODE)).lower()
    if mode not in MODES:
        raise SlackConfigError(f"{settings.path}: slack.mode: {mode!r} is not a mode; "
                               "use \"socket\" or \"http\"")
    inbound = "SLACK_SIGNING_SECRET" if mode == "http" else "SLACK_APP_TOKEN"
    needed = ("SLACK_BOT_TOKEN", inbound) if receive else ("SLACK_BOT_TOKEN",)
    secrets = env_values(needed, environ)
    for name in needed:
        if not secrets[name]:
            raise SlackConfigError(f"{name} is not set: export {name} with {ENV_HELP[name]}")
    channels = {
        d.key: (d.slack_channel or d.channel).lstrip("#") for d in settings.catalog.departments
    }
    return SlackConfig(
        mode=mode, bot_token=secrets["SLACK_BOT_TOKEN"],
        signing_secret=secrets.get("SLACK_SIGNING_SECRET"),
        app_token=secrets.get("SLACK_APP_TOKEN"), channels=channels,
        usergroups=_usergroups(settings.raw.get("departments", [])),
        named=_named_channels(section.get("channels"), settings),
        reactions=_reactions(section.get("reactions"), settings),
        form_reaction=str(section.get("form_reaction", "ticket")).strip(":"),
        intake={d.intake_channel.strip().lstrip("#"): d.key
                for d in settings.catalog.departments if d.intake_channel},
    )


def _reactions(raw: Any, settings: Settings) -> dict[str, str]:
    """``[slack] reactions = { eyes = "ack", white_check_mark = "resolve" }`` (the default):
    an emoji name (without colons) → a desk action on the request whose root it is put on."""
    if raw is None:
        return dict(DEFAULT_REACTIONS)
    if not isinstance(raw, dict) or not all(v in REACTION_ACTIONS for v in raw.values()):
        raise SlackConfigError(f"{settings.path}: slack.reactions: map emoji names to one of "
                               f"{', '.join(REACTION_ACTIONS)}, e.g. "
                               "reactions = { eyes = \"ack\", white_check_mark = \"resolve\" }")
    return {str(k).strip(":"): str(v) for k, v in raw.items()}


def _named_channels(raw: Any, settings: Settings) -> dict[str, str]:
    """``[slack] channels = { service-office = "C0123ABCD" }``: the Slack channel (id or name)
    of a named channel such as ``bot.admin_channel``; a name not listed is its own channel."""
    table = text_table(raw)
    if table is None or not all(v.strip().lstrip("#") for v in table.values()):
        raise SlackConfigError(f"{settings.path}: slack.channels: map each channel name to a "
                               "Slack channel id or name, e.g. "
                               "channels = { service-office = \"C0123ABCD\" }")
    return {k.lstrip("#"): v.strip().lstrip("#") for k, v in table.items()}


def _usergroups(raw_departments: Any) -> dict[str, str]:
    """Department key → Slack user group id (``slack_usergroup = "S0123…"``), if given."""
    out: dict[str, str] = {}
    for raw in raw_departments if isinstance(raw_departments, list) else []:
        if isinstance(raw, dict) and raw.get("slack_usergroup") and raw.get("key"):
            out[str(raw["key"])] = str(raw["slack_usergroup"])
    return out
