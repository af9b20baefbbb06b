"""slack-manifest.yml: Slack accepts it, it names what the code listens for, it grants exactly
the scopes the code's Web API calls need, and it agrees with the default ``[slack] mode``."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.slack.config import load_config
from bot.adapters.slack.platform import EVENTS_PATH
from bot.runtime.config import Settings
from tests.adapters.slack.conftest import ENV, SlackDesk
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.scopes import (
    EVENT_SCOPES,
    METHOD_SCOPES,
    WIDENING,
    event_type,
    granted_scopes,
    manifest,
)

ROOT = Path(__file__).resolve().parents[3]
SCHEMA_ENV = "CROSSDESK_SLACK_MANIFEST_SCHEMA"
# beside the checkout, in the steering repository's shared/ folder (fetched files are kept
# there, never committed here)
SCHEMA_PATH = Path(os.environ.get(SCHEMA_ENV)
                   or ROOT.parent / "shared" / "slack-manifest.schema.json")
SCHEMA_MISSING = (f"Slack's manifest schema is not here: save schemas/manifest.schema.1.0.0.json "
                  f"of github.com/slackapi/manifest-schema as {SCHEMA_PATH} (or point "
                  f"{SCHEMA_ENV} at it)")

# --- the rules of Slack's manifest schema (slackapi/manifest-schema, manifest.schema.1.0.0)
# that apply to the keys we use: (min length, max length) of strings, allowed keys, patterns.
URL = re.compile(r"^https?://")
COLOR = re.compile(r"^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$")
KEYS = {
    "": {"_metadata", "display_information", "features", "oauth_config", "settings",
         "app_directory", "functions", "workflows", "datastores", "outgoing_domains", "types",
         "external_auth_providers", "mcp_servers", "$schema"},
    "display_information": {"name", "description", "background_color", "long_description"},
    "features": {"app_home", "bot_user", "functions", "shortcuts", "slash_commands",
                 "workflow_steps", "unfurl_domains", "assistant_view", "agent_view"},
    "features.app_home": {"home_tab_enabled", "messages_tab_enabled",
                          "messages_tab_read_only_enabled"},
    "features.bot_user": {"display_name", "always_online"},
    "features.shortcuts[]": {"name", "type", "callback_id", "description"},
    "features.slash_commands[]": {"command", "url", "description", "usage_hint",
                                  "should_escape"},
    "oauth_config": {"redirect_urls", "scopes", "token_management_enabled", "pkce_enabled"},
    "oauth_config.scopes": {"bot", "user", "bot_optional", "user_optional"},
    "settings": {"allowed_ip_address_ranges", "event_subscriptions", "incoming_webhooks",
                 "interactivity", "org_deploy_enabled", "socket_mode_enabled", "is_hosted",
                 "token_rotation_enabled", "siws_links", "hermes_app_type", "function_runtime",
                 "is_mcp_enabled"},
    "settings.event_subscriptions": {"request_url", "user_events", "bot_events",
                                     "metadata_subscriptions"},
    "settings.interactivity": {"is_enabled", "request_url", "message_menu_options_url"},
}
REQUIRED = {
    "": {"display_information"},
    "display_information": {"name"},
    "features.bot_user": {"display_name"},
    "features.shortcuts[]": {"name", "type", "callback_id", "description"},
    "features.slash_commands[]": {"command", "description"},
    "settings.interactivity": {"is_enabled"},
}
LENGTHS = {  # (min, max) characters
    "display_information.name": (1, 35),
    "display_information.description": (1, 140),
    "display_information.long_description": (175, 4000),
    "display_information.background_color": (4, 7),
    "features.bot_user.display_name": (1, 80),
    "features.shortcuts[].name": (1, 24),
    "features.shortcuts[].callback_id": (1, 255),
    "features.shortcuts[].description": (1, 150),
    "features.slash_commands[].command": (2, 32),
    "features.slash_commands[].url": (0, 3000),
    "features.slash_commands[].description": (1, 2000),
    "features.slash_commands[].usage_hint": (1, 1000),
    "oauth_config.scopes.bot[]": (0, 50),
    "settings.event_subscriptions.request_url": (0, 3500),
    "settings.event_subscriptions.bot_events[]": (0, 50),
    "settings.interactivity.request_url": (0, 3500),
    "settings.interactivity.message_menu_options_url": (0, 3500),
}
COUNTS = {  # (min, max) items
    "features.shortcuts": (1, 10),
    "features.slash_commands": (1, 50),
    "oauth_config.scopes.bot": (0, 255),
    "settings.event_subscriptions.bot_events": (0, 100),
}
PATTERNS = {
    "display_information.background_color": COLOR,
    "features.slash_commands[].command": re.compile(r"^/"),
    "features.slash_commands[].url": URL,
    "settings.event_subscriptions.request_url": URL,
    "settings.interactivity.request_url": URL,
    "settings.interactivity.message_menu_options_url": URL,
}
BOOLEANS = {
    "features.app_home.home_tab_enabled", "features.app_home.messages_tab_enabled",
    "features.app_home.messages_tab_read_only_enabled", "features.bot_user.always_online",
    "features.slash_commands[].should_escape", "settings.interactivity.is_enabled",
    "settings.org_deploy_enabled", "settings.socket_mode_enabled",
    "settings.token_rotation_enabled",
}
ENUMS = {"features.shortcuts[].type": {"message", "global"}}
UNIQUE = {"settings.event_subscriptions.bot_events", "oauth_config.scopes.bot"}


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(rule path, value) of every node; list items are ``path[]``."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, f"{path}[]")


def manifest_errors(data: Any) -> list[str]:
    """Where ``data`` breaks the schema's rules above, one line each (empty when it is fine)."""
    errors: list[str] = []
    if not isinstance(data, dict):
        return ["the manifest is not a mapping"]
    for path, value in _walk(data):
        if path in KEYS and isinstance(value, dict):
            errors += [f"{path or 'top level'}: unknown key {k!r}" for k in value
                       if k not in KEYS[path]]
            errors += [f"{path or 'top level'}: {k!r} is required"
                       for k in sorted(REQUIRED.get(path, set()) - set(value))]
        if path in LENGTHS:
            low, high = LENGTHS[path]
            if not isinstance(value, str):
                errors.append(f"{path}: {value!r} is not a string")
            elif not low <= len(value) <= high:
                errors.append(f"{path}: {value!r} has {len(value)} characters; "
                              f"Slack allows {low} to {high}")
        if path in PATTERNS and isinstance(value, str) and not PATTERNS[path].match(value):
            errors.append(f"{path}: {value!r} does not match {PATTERNS[path].pattern}")
        if path in BOOLEANS and not isinstance(value, bool):
            errors.append(f"{path}: {value!r} is not true or false")
        if path in ENUMS and value not in ENUMS[path]:
            errors.append(f"{path}: {value!r} is not one of {sorted(ENUMS[path])}")
        if path in COUNTS:
            low, high = COUNTS[path]
            if not isinstance(value, list) or not low <= len(value) <= high:
                errors.append(f"{path}: needs a list of {low} to {high} items")
            elif path in UNIQUE and len(set(value)) != len(value):
                errors.append(f"{path}: items repeat")
    return errors


def _load_schema() -> dict[str, Any]:
    if not SCHEMA_PATH.is_file():
        pytest.skip(SCHEMA_MISSING)
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def schema_errors(data: Any, schema: dict[str, Any]) -> list[str]:
    """Where ``data`` breaks Slack's own schema (jsonschema), one line each."""
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(data)]


# --- what Slack would reject
def test_manifest_validates_against_slacks_schema() -> None:
    assert schema_errors(manifest(), _load_schema()) == []


def test_manifest_keeps_the_schemas_rules() -> None:
    assert manifest_errors(manifest()) == []


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is KeyError:
            del node[last]
        else:
            node[int(last) if last.isdigit() else last] = value
    return change


BROKEN = {
    "shortcut name of 27 characters": _set("features.shortcuts.0.name",
                                           "Create request from message"),
    "shortcut without a description": _set("features.shortcuts.0.description", KeyError),
    "shortcut of an unknown type": _set("features.shortcuts.0.type", "channel"),
    "command without a slash": _set("features.slash_commands.0.command", "request"),
    "command of 33 characters": _set("features.slash_commands.0.command", "/" + "r" * 32),
    "empty usage hint": _set("features.slash_commands.0.usage_hint", ""),
    "request URL without a scheme": _set("settings.event_subscriptions.request_url",
                                         "desk.example.com/slack/events"),
    "interactivity without is_enabled": _set("settings.interactivity.is_enabled", KeyError),
    "app description over 140": _set("display_information.description", "x" * 141),
    "long description under 175": _set("display_information.long_description", "Short."),
    "app name over 35": _set("display_information.name", "c" * 36),
    "a key Slack does not know": _set("settings.socket_mode", False),
    "socket mode as a string": _set("settings.socket_mode_enabled", "false"),
    "scope name over 50": _set("oauth_config.scopes.bot.0", "s" * 51),
    "a bot event twice": _set("settings.event_subscriptions.bot_events",
                              ["app_home_opened", "app_home_opened"]),
}


@pytest.mark.parametrize("change", BROKEN.values(), ids=BROKEN.keys())
def test_our_checks_reject_what_slacks_schema_rejects(change: Callable[[dict[str, Any]], None],
                                                      ) -> None:
    broken = copy.deepcopy(manifest())
    change(broken)
    assert manifest_errors(broken), "our checks let it through"
    if SCHEMA_PATH.is_file():  # and Slack's schema agrees, when we have it
        assert schema_errors(broken, _load_schema()), "Slack's schema lets it through"


# --- the manifest names what the code listens for
_KINDS = {"is_slash_command": "command", "is_shortcut": "shortcut", "is_event": "event",
          "_block_suggestion": "options", "_dialog_suggestion": "options"}


def listened(bolt: App) -> dict[str, set[str]]:
    """What the real Bolt app listens for: kind (command, shortcut, event, options) → the
    command names, callback ids, event types or action ids of its listeners."""
    out: dict[str, set[str]] = {}
    for listener in bolt._listeners:
        func = getattr(listener.matchers[0], "func", None)
        names = getattr(getattr(func, "__code__", None), "co_names", ())
        kinds = {_KINDS[n] for n in names if n in _KINDS}
        constraints = [c.cell_contents for c in getattr(func, "__closure__", None) or ()]
        for kind in kinds:
            out.setdefault(kind, set()).update(
                str(getattr(c, "pattern", c)) for c in constraints)
    return out


def test_manifest_names_the_listeners_and_the_events_path(slack: SlackDesk) -> None:
    data, code = manifest(), listened(slack.platform.bolt)
    features, settings = data["features"], data["settings"]
    assert {c["command"] for c in features["slash_commands"]} == code["command"]
    assert {s["callback_id"] for s in features["shortcuts"]} == code["shortcut"]
    assert {event_type(e) for e in settings["event_subscriptions"]["bot_events"]} == \
        code["event"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    urls = [c["url"] for c in features["slash_commands"]]
    urls += [settings["event_subscriptions"]["request_url"],
             settings["interactivity"]["request_url"]]
    assert all(u.startswith("https://") and u.endswith(EVENTS_PATH) for u in urls), urls


def test_people_can_write_to_the_bot_in_its_messages_tab() -> None:
    """The README's direct messages (a plain DM goes to the person's open request, files in
    the DM, a form's answers) need a Messages tab people can type in: enabled, not read-only,
    with the message.im event and its im:history scope."""
    data = manifest()
    app_home = data["features"]["app_home"]
    assert app_home["messages_tab_enabled"] is True
    assert app_home["messages_tab_read_only_enabled"] is False
    events = set(data["settings"]["event_subscriptions"]["bot_events"])
    assert {"message.im", "message.channels", "message.groups", "reaction_added",
            "app_home_opened"} <= events
    granted = set(data["oauth_config"]["scopes"]["bot"])
    assert {scope for event in events for scope in EVENT_SCOPES[event]} <= granted


def test_the_readme_calls_the_shortcut_what_slack_shows() -> None:
    """Operators and people look for the shortcut by the name the README gives it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (shortcut,) = manifest()["features"]["shortcuts"]
    named = re.findall(r"message shortcut \*([^*]+)\*", readme)
    assert named and set(named) == {shortcut["name"]}, named


def test_options_url_only_when_the_app_answers_options(slack: SlackDesk) -> None:
    """Slack sends select menus' option requests to message_menu_options_url: the manifest
    names it exactly when the app has an options listener (an external_select)."""
    interactivity = manifest()["settings"]["interactivity"]
    answers_options = bool(listened(slack.platform.bolt).get("options"))
    assert ("message_menu_options_url" in interactivity) == answers_options
    if answers_options:
        assert interactivity["message_menu_options_url"].endswith(EVENTS_PATH)


# --- scopes: exactly what the code's Web API calls need
def _api_methods(name: str, seen: frozenset[str] = frozenset()) -> set[str]:
    """The Web API methods a WebClient method calls (files_upload_v2 calls two)."""
    source = inspect.getsource(getattr(WebClient, name))
    direct = set(re.findall(r'api_call\(\s*"([\w.]+)"', source))
    if direct:
        return direct
    out: set[str] = set()
    for inner in re.findall(r"self\.(\w+)\(", source):
        if inner not in seen and callable(getattr(WebClient, inner, None)):
            out |= _api_methods(inner, seen | {name})
    return out


def called_methods() -> set[str]:
    """Every Web API method the Slack adapter's code calls (``client.<method>(``)."""
    names: set[str] = set()
    for path in (ROOT / "bot" / "adapters" / "slack").rglob("*.py"):
        names |= set(re.findall(r"\bclient\.(\w+)\(", path.read_text(encoding="utf-8")))
    methods: set[str] = set()
    for name in names:
        if callable(getattr(WebClient, name, None)):
            methods |= _api_methods(name)
    return methods


def test_the_code_calls_these_web_api_methods() -> None:
    """Keeps the scan honest: the calls the sender and listeners are known to make."""
    assert {"chat.postMessage", "chat.update", "chat.getPermalink", "users.info",
            "views.open", "views.publish", "files.getUploadURLExternal",
            "files.completeUploadExternal"} <= called_methods()


def test_manifest_grants_exactly_the_scopes_the_code_needs() -> None:
    methods = called_methods()
    unknown = methods - METHOD_SCOPES.keys()
    assert not unknown, f"add the scopes of {sorted(unknown)} to tests/adapters/slack/scopes.py"
    granted = granted_scopes()
    needed: set[str] = set()
    for method in methods:
        options = METHOD_SCOPES[method]
        if options:
            chosen = set(options) & granted
            assert chosen, f"{method} needs one of {options}"
            needed |= chosen if len(options) > 1 else set(options)
    data = manifest()
    if data["features"].get("slash_commands") or data["features"].get("shortcuts"):
        needed.add("commands")  # Slack refuses slash commands and shortcuts without it
    needed |= {scope for scope, method in WIDENING.items() if method in methods}
    for event in data["settings"]["event_subscriptions"]["bot_events"]:
        assert event in EVENT_SCOPES, f"add {event}'s scopes to tests/adapters/slack/scopes.py"
        needed |= set(EVENT_SCOPES[event])
    assert granted == needed, (f"not needed: {sorted(granted - needed)}; "
                               f"missing: {sorted(needed - granted)}")


@pytest.mark.parametrize(("method", "scopes"), [
    (m, s) for m, s in METHOD_SCOPES.items() if s])
def test_the_stand_in_refuses_a_method_without_its_scope(method: str,
                                                          scopes: tuple[str, ...]) -> None:
    fake = FakeSlack(scopes=["commands"]).start()
    try:
        client = WebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[])
        with pytest.raises(SlackApiError) as refused:
            client.api_call(method, json={})
        assert refused.value.response.status_code == 200
        assert refused.value.response.data == {"ok": False, "error": "missing_scope",
                                               "needed": ",".join(scopes),
                                               "provided": "commands"}
        granted = FakeSlack(scopes=[scopes[-1]]).start()
        try:
            ok = WebClient(token="xoxb-test", base_url=granted.url, retry_handlers=[])
            assert ok.api_call(method, json={}).get("error") != "missing_scope"
        except SlackApiError as exc:
            assert exc.response.get("error") != "missing_scope"
        finally:
            granted.stop()
    finally:
        fake.stop()


def test_without_files_write_the_digest_goes_out_without_its_chart(
        slack: SlackDesk, tmp_path: Path) -> None:
    """What a department notices when the manifest lacks files:write: the digest arrives,
    its trend chart never does (Slack says missing_scope)."""
    from handlers.messages import Message

    slack.fake.scopes = tuple(s for s in slack.fake.scopes if s != "files:write")
    png = tmp_path / "chart.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 8)
    slack.platform.sender.send(Message(text="📊 Finance", target="dept:finance", kind="digest",
                                       extra={"image": str(png)}), None)
    assert len(slack.fake.posted()) == 1
    assert not slack.fake.calls_to("upload")
    assert slack.fake.calls_to("files.getUploadURLExternal")[0]["_ok"] is False


# --- the default mode is the manifest's
def test_default_mode_is_the_one_the_manifest_ships(settings: Settings) -> None:
    bare = dataclasses.replace(settings, raw={**settings.raw, "slack": {}})
    mode = load_config(bare, {**ENV, "SLACK_APP_TOKEN": "xapp-test"}).mode
    socket = bool(manifest()["settings"].get("socket_mode_enabled", False))
    assert mode == ("socket" if socket else "http")
