"""The answer to a slash command, wherever the desk puts it: in the ack's body (Slack shows
it to the typer) or, posted after an empty ack, to the command's response_url."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from handlers.i18n import t
from tests.adapters.slack.fake_slack import FakeSlack

STILL_WORKING = {t("en", "slack.still_working"), t("zh-CN", "slack.still_working")}


def in_ack(response: httpx.Response) -> dict[str, Any] | None:
    """The reply carried by the ack, or None for an empty ack."""
    if response.status_code != 200 or not response.content.strip():
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    return body if isinstance(body, dict) and "text" in body else None


def posted(fake: FakeSlack, probe: str) -> dict[str, Any] | None:
    """The reply posted to the response_url tagged ``?probe=<probe>``, if any yet."""
    for call in fake.calls_to("response_url"):
        if str(call.get("probe")) == probe:
            return call
    return None


def answer(response: httpx.Response, fake: FakeSlack, probe: str,
           timeout: float = 30.0) -> dict[str, Any] | None:
    """The reply to the command ``response`` acked: from the ack, else (an empty or "still
    working" ack) from its response_url (waiting at most ``timeout`` seconds); None if none
    came."""
    reply = in_ack(response)
    if reply is not None and reply.get("text") in STILL_WORKING:
        reply = None  # the answer follows on the response_url
    deadline = time.monotonic() + timeout
    while reply is None and time.monotonic() < deadline:
        reply = posted(fake, probe)
        if reply is None:
            time.sleep(0.05)
    return reply
