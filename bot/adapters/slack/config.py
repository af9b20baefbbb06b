"""The ``[slack]`` config keys, per-department channels, and the secrets from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.adapters.wiring import Problem, env_values, text_table
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
    """True when the config has a ``[slack]`` table without ``enabled = false`` (config
    loading refuses an ``enabled`` that is not true or false)."""
    return "slack" in settings.raw and settings.section("slack").get("enabled", True) is True


class SlackConfigError(Exception):
    """The Slack platform cannot start: the message names the key or variable to fix."""


@dataclass(frozen=True)
class SlackKeys:
    """What the ``[slack]`` table says: every key but the secrets, which it never holds."""

    mode: str = DEFAULT_MODE
    named: dict[str, str] = field(default_factory=dict)
    reactions: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_REACTIONS))
    form_reaction: str = "ticket"


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


def read_keys(section: Mapping[str, Any], problem: Problem) -> SlackKeys:
    """The ``[slack]`` keys; ``problem(key, message)`` for each one serve would refuse (no
    secret is read: ``check-config`` calls this too). A refused key keeps its default."""
    return SlackKeys(
        mode=_mode(section.get("mode", DEFAULT_MODE), problem),
        named=text_table(section.get("channels"), "slack.channels", "a Slack channel id or name",
                         "C0123ABCD", problem, strip="#"),
        reactions=_reactions(section.get("reactions"), problem),
        form_reaction=_form_reaction(section.get("form_reaction", "ticket"), problem),
    )


def load_config(settings: Settings, environ: Mapping[str, str] | None = None, *,
                receive: bool = True) -> SlackConfig:
    """Read ``[slack]`` and the departments' Slack keys; secrets only from ``environ``
    (SlackConfigError names every key to fix, else the first secret missing and where to
    find it). Without ``receive`` (``crossdesk tick``: it only sends) the bot token is the
    one secret needed."""
    problems: list[str] = []
    keys = read_keys(settings.section("slack"), lambda key, message: problems.append(
        f"{settings.path}: {key}: {message}"))
    if problems:
        raise SlackConfigError("\n".join(problems))
    inbound = "SLACK_SIGNING_SECRET" if keys.mode == "http" else "SLACK_APP_TOKEN"
    needed = ("SLACK_BOT_TOKEN", inbound) if receive else ("SLACK_BOT_TOKEN",)
    secrets = env_values(needed, environ)
    missing = [f"{name} is not set: export {name} with {ENV_HELP[name]}"
               for name in needed if not secrets[name]]
    if missing:  # every one at once, as WeCom's are
        raise SlackConfigError("\n".join(missing))
    channels = {
        d.key: (d.slack_channel or d.channel).lstrip("#") for d in settings.catalog.departments
    }
    return SlackConfig(
        mode=keys.mode, bot_token=secrets["SLACK_BOT_TOKEN"],
        signing_secret=secrets.get("SLACK_SIGNING_SECRET"),
        app_token=secrets.get("SLACK_APP_TOKEN"), channels=channels,
        usergroups=_usergroups(settings.raw.get("departments", [])),
        named=keys.named, reactions=keys.reactions, form_reaction=keys.form_reaction,
        intake={d.intake_channel.strip().lstrip("#"): d.key
                for d in settings.catalog.departments if d.intake_channel},
    )


def _mode(raw: Any, problem: Problem) -> str:
    mode = str(raw).lower()
    if mode in MODES:
        return mode
    problem("slack.mode", f"{raw!r} is not a mode; use \"socket\" or \"http\"")
    return DEFAULT_MODE


def _reactions(raw: Any, problem: Problem) -> dict[str, str]:
    """``[slack] reactions = { eyes = "ack", white_check_mark = "resolve" }`` (the default):
    an emoji name (without colons) → a desk action on the request whose root it is put on."""
    if raw is None:
        return dict(DEFAULT_REACTIONS)
    if not isinstance(raw, dict):
        problem("slack.reactions", "must be a table of emoji names to actions, e.g. "
                "reactions = { eyes = \"ack\", white_check_mark = \"resolve\" }")
        return dict(DEFAULT_REACTIONS)
    out: dict[str, str] = {}
    for emoji, action in raw.items():
        name = str(emoji).strip(":")
        if not name or any(c.isspace() for c in name):
            problem(f"slack.reactions.{emoji}", "is not an emoji name; write the name Slack "
                    "shows between colons, with underscores, e.g. reactions = "
                    "{ white_check_mark = \"resolve\" }")
        elif action in REACTION_ACTIONS:
            out[name] = str(action)
        else:
            problem(f"slack.reactions.{emoji}", f"{action!r} is not an action; use one of "
                    f"{', '.join(REACTION_ACTIONS)}, e.g. reactions = {{ eyes = \"ack\" }}")
    return out


def _form_reaction(raw: Any, problem: Problem) -> str:
    """The emoji that offers the request form from any message (``ticket``)."""
    name = raw.strip().strip(":") if isinstance(raw, str) else ""
    if not name:
        problem("slack.form_reaction", f"{raw!r} is not an emoji name; write one in quotes, "
                "without colons, e.g. form_reaction = \"ticket\"")
    return name or "ticket"


def _usergroups(raw_departments: Any) -> dict[str, str]:
    """Department key → Slack user group id (``slack_usergroup = "S0123…"``), if given."""
    out: dict[str, str] = {}
    for raw in raw_departments if isinstance(raw_departments, list) else []:
        if isinstance(raw, dict) and raw.get("slack_usergroup") and raw.get("key"):
            out[str(raw["key"])] = str(raw["slack_usergroup"])
    return out
