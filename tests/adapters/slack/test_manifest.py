"""The app manifest names what the code listens for."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.slack.interactions import SHORTCUT
from bot.adapters.slack.platform import EVENTS_PATH

MANIFEST = Path(__file__).resolve().parents[3] / "slack-manifest.yml"


def test_manifest_matches_the_listeners() -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    for needle in ("command: /request", "command: /suggest", f"callback_id: {SHORTCUT}",
                   "home_tab_enabled: true", "- app_home_opened", "is_enabled: true",
                   "message_menu_options_url:", f"{EVENTS_PATH}\n"):
        assert needle in text, needle
    for scope in ("commands", "chat:write", "im:write", "users:read", "usergroups:read"):
        assert f"      - {scope} " in text or f"      - {scope}\n" in text, scope
