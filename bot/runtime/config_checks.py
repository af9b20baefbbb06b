"""Config checks beyond parsing: shapes, unknown keys, lengths the database allows, manager
cycles, secrets by value (a token or a URL with its credential pasted under any key) and the
platforms' tables as ``serve`` reads them."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from bot.runtime.config_calendar import shown
from storage.models import Person, Request

if TYPE_CHECKING:
    from bot.runtime.config import Problem as FileProblem

Problem = Callable[[str, str], None]

# top-level keys that must be tables, and those that must be arrays of tables
TABLES = ("bot", "calendar", "priorities", "nudges", "feedback", "digest", "slack", "wecom",
          "server", "logging", "files", "retention")
ARRAYS = ("people", "departments")
DEPARTMENT_TABLES = ("nudges",)
# The platforms' tables, read by bot/adapters/slack/config.py, bot/adapters/wecom/config.py
# and serve.enabled_platforms (``api_base_url``); kept here because loading the config must
# not import the adapters (the WeCom package loads wechatpy). Their maps (channels,
# reactions, robot_webhooks, chats) have keys of the people's choosing.
PLATFORMS = ("slack", "wecom")
SLACK_KEYS = ("enabled", "mode", "channels", "reactions", "form_reaction", "api_base_url")
WECOM_KEYS = ("enabled", "robot_webhooks", "chats", "api_base_url")
SECRET_SUFFIXES = ("token", "secret", "password", "passwd", "aes_key", "api_key", "private_key")
# A platform's secret written in its table → the variable serve reads it from instead.
SECRET_VARIABLES = {
    "slack": {"bot_token": "SLACK_BOT_TOKEN", "token": "SLACK_BOT_TOKEN",
              "signing_secret": "SLACK_SIGNING_SECRET", "app_token": "SLACK_APP_TOKEN"},
    "wecom": {"secret": "WECOM_SECRET", "corp_secret": "WECOM_SECRET",
              "corpsecret": "WECOM_SECRET", "app_secret": "WECOM_SECRET", "token": "WECOM_TOKEN",
              "aes_key": "WECOM_AES_KEY", "encoding_aes_key": "WECOM_AES_KEY"},
}

SECRET_PARAMS = {"key", "token", "secret", "password", "passwd", "pwd", "access_token",
                 "corpsecret", "signature", "sig", "sign", "apikey", "api_key", "auth",
                 "client_secret"}
SECRET_VALUE = re.compile(r"^(xox[abposr]-|xapp-|ghp_|sk-)[A-Za-z0-9-]{6,}")
SECRET_HOSTS = ("hooks.slack.com",)


def _limit(model: Any, column: str) -> int:
    return int(model.__table__.c[column].type.length)


PERSON_ID_MAX = _limit(Person, "id")
NAME_MAX = _limit(Person, "name")
PLATFORM_ID_MAX = _limit(Person, "slack_id")
KEY_MAX = _limit(Request, "department")
CATEGORY_MAX = _limit(Request, "category")


def shapes(raw: dict[str, Any], problem: Problem) -> dict[str, Any]:
    """A copy of ``raw`` without values of the wrong shape, each reported (``nudges = "loud"``
    would otherwise be ignored, or end in a traceback)."""
    clean = dict(raw)
    for name in TABLES:
        if name in clean and not isinstance(clean[name], dict):
            problem(name, f"must be a table: write [{name}] on its own line, then its keys")
            clean[name] = {}
    for name in ARRAYS:
        if name not in clean:
            continue
        items = clean[name]
        if not isinstance(items, list):
            problem(name, f"must be tables: write [[{name}]] before each entry")
            clean[name] = []
            continue
        kept = []
        for i, item in enumerate(items):
            if isinstance(item, dict):
                kept.append(_department(item, f"{name}[{i}]", problem)
                            if name == "departments" else item)
            else:
                problem(f"{name}[{i}]", f"{item!r} is not a table: write [[{name}]] and then "
                        "its keys (id = …, name = …) on the lines below")
        clean[name] = kept
    return clean


def unknown_keys(table: Mapping[str, Any], known: Iterable[str], where: str,
                 problem: Problem) -> None:
    """Report each key of ``table`` not in ``known`` with the one meant, else those there are:
    a typo (``manger``) is never a setting silently ignored."""
    known = tuple(known)
    for name in table:
        if name in known or secret_name(name):  # a secret has its own problem: remove it
            continue
        close = difflib.get_close_matches(str(name), known, n=1)
        fix = f"did you mean `{close[0]}`?" if close else f"use one of {', '.join(known)}"
        problem(f"{where}.{name}" if where else str(name), f"unknown key; {fix}")


def secret_name(key: object) -> bool:
    """A key named like a secret (``token``, ``signing_secret``, ``aes_key`` …)."""
    return str(key).lower().replace("-", "_").endswith(SECRET_SUFFIXES)


def secret_in_file(where: str) -> str:
    """The fix for a secret written in the file at ``where``, naming the environment
    variable it belongs in when the key is a platform's (``slack.bot_token``)."""
    section, _, name = where.partition(".")
    variables = SECRET_VARIABLES.get(section, {})
    variable = variables.get(name.lower().replace("-", "_"))
    if variable:
        place = f"export it as {variable}"
    elif variables:
        names = sorted(set(variables.values()))
        place = f"export it as whichever of {', '.join(names[:-1])} or {names[-1]} it is"
    else:
        place = "set it in the environment"
    return ("secrets are read only from environment variables; remove it from the file and "
            f"{place}")


def platform_switches(raw: Mapping[str, Any], problem: Problem) -> None:
    """``enabled`` in ``[slack]`` and ``[wecom]`` is true or false: ``"false"`` in quotes
    is text, which the platform would read as on."""
    for name in PLATFORMS:
        table = raw.get(name)
        value = table.get("enabled") if isinstance(table, dict) else None
        if value is not None and not isinstance(value, bool):
            problem(f"{name}.enabled", f"{shown(value)} is not true or false; use true or "
                    "false, without quotes")


def platform_problems(file: str, raw: Mapping[str, Any]) -> list[FileProblem]:
    """What ``serve`` would refuse in the ``[slack]`` and ``[wecom]`` tables of ``raw`` (the
    file as read), found by the adapters' own rules without reading any secret: for
    ``check-config``, also when the rest of the file has problems of its own."""
    from bot.runtime.config import Problem as FileProblem

    found: list[FileProblem] = []

    def problem(key: str, message: str) -> None:
        found.append(FileProblem(file, key, message))

    def table(name: str) -> dict[str, Any]:
        value = raw.get(name)
        return value if isinstance(value, dict) else {}

    if "slack" in raw:
        from bot.adapters.slack.config import read_keys as slack_keys  # no Bolt

        slack_keys(table("slack"), problem)
    if "wecom" in raw:
        from bot.adapters.wecom.config import read_keys as wecom_keys

        departments = raw.get("departments")
        keys = [d["key"] for d in departments if isinstance(d, dict)
                and isinstance(d.get("key"), str)] if isinstance(departments, list) else []
        wecom_keys(table("wecom"), keys, problem)
    return found


USERGROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
# A department's names on the platforms: (key, what it is, an example)
PLATFORM_NAMES = (("slack_channel", "a Slack channel id or name", "C0123ABCD"),
                  ("wecom_chat", "a WeCom group chat id", "wrkFINANCE01"),
                  ("intake_channel", "a channel id or name", "finance-help"))


def names(table: Mapping[str, Any], where: str, problem: Problem) -> None:
    """``name`` and ``name_zh``, when given, are words people read: not blank."""
    for key in ("name", "name_zh"):
        value = table.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            problem(f"{where}.{key}", f"{shown(value)} is not a name; write the name people "
                    f"read, e.g. {key} = \"{'财务部' if key == 'name_zh' else 'Finance'}\", "
                    "or remove the key")


def platform_names(dep: Mapping[str, Any], where: str, problem: Problem) -> None:
    """A department's channel and group ids on Slack and WeCom, when given: one word each
    (an empty one, or one with a space, reaches no channel), and its Slack user group an id
    (``S0123ABCD``: a name such as ``finance-team`` cannot be mentioned)."""
    for key, what, sample in PLATFORM_NAMES:
        value = dep.get(key)
        if value is None:
            continue
        text = value.strip().lstrip("#") if isinstance(value, str) else ""
        if not text or any(c.isspace() for c in text):
            problem(f"{where}.{key}", f"{shown(value)} is not {what}; write it as one word, "
                    f"e.g. {key} = \"{sample}\", or remove the key")
    group = dep.get("slack_usergroup")
    if group is not None and not (isinstance(group, str) and USERGROUP_ID.match(group.strip())):
        problem(f"{where}.slack_usergroup", f"{shown(group)} is not a Slack user group id; "
                "write the group's id (Slack: the group's page › ⋯ › Copy group ID), e.g. "
                "slack_usergroup = \"S0123ABCD\"")


def _department(dep: dict[str, Any], key: str, problem: Problem) -> dict[str, Any]:
    dep = dict(dep)
    for name in DEPARTMENT_TABLES:
        if name in dep and not isinstance(dep[name], dict):
            problem(f"{key}.{name}", f"must be a table: write [{key.split('[')[0]}.{name}] "
                    "under the department, then its keys")
            del dep[name]
    cats = dep.get("categories", [])
    if not isinstance(cats, list):
        problem(f"{key}.categories", "must be tables: write [[departments.categories]]")
        dep["categories"] = []
    else:
        good = [c for c in cats if isinstance(c, dict)]
        if len(good) != len(cats):
            problem(f"{key}.categories", "every service must be a [[departments.categories]] "
                    "table")
        dep["categories"] = good
    return dep


def text(value: Any, key: str, limit: int, problem: Problem, *,
         example: str) -> str | None:
    """An optional string no longer than the database column; else a problem."""
    if value is None:
        return None
    if not isinstance(value, str):
        problem(key, f"must be text such as \"{example}\", not {value!r}")
        return None
    if len(value) > limit:
        problem(key, f"is {len(value)} characters; the database keeps at most {limit}: "
                "use a shorter one")
        return None
    return value


def manager_cycles(managers: Mapping[str, str | None], places: Mapping[str, int],
                   problem: Problem) -> None:
    """Report each loop in the ``manager`` chain (a breach would escalate in circles), at
    the place in ``[[people]]`` (``places``: id → index) of the person it comes back to."""
    reported: set[str] = set()
    for start in managers:
        chain: list[str] = []
        current: str | None = start
        while current is not None and current not in chain:
            chain.append(current)
            current = managers.get(current)
        if current is not None and current not in reported:
            loop = chain[chain.index(current):]
            reported.update(loop)
            people = " → ".join([*loop, current])
            problem(f"people[{places[current]}].manager", f"the manager chain loops ({people}); "
                    "remove the manager of whoever is at the top")


def secrets_by_value(value: Any, path: str, problem: Problem) -> None:
    """Report credentials pasted anywhere: tokens, and URLs carrying a password or a secret
    query parameter (``…/webhook/send?key=…``)."""
    if isinstance(value, dict):
        for k, v in value.items():
            secrets_by_value(v, f"{path}.{k}" if path else str(k), problem)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            secrets_by_value(v, f"{path}[{i}]", problem)
    elif isinstance(value, str) and _looks_secret(value):
        problem(path, "holds a credential; remove it from the file and put it in an environment "
                "variable (e.g. a robot's webhook URL: robot_webhooks = { finance = "
                "\"WECOM_ROBOT_FINANCE\" } and export WECOM_ROBOT_FINANCE; a database password: "
                "export PGPASSWORD)")


def _looks_secret(value: str) -> bool:
    text_value = value.strip()
    if SECRET_VALUE.match(text_value):
        return True
    if "://" not in text_value:
        return False
    try:
        url = urlsplit(text_value)
        password = url.password
    except ValueError:
        return False
    if password:
        return True
    if (url.hostname or "") in SECRET_HOSTS:
        return True
    return any(k.lower() in SECRET_PARAMS and v for k, v in parse_qsl(url.query))
