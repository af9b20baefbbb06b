"""A failed Slack call, classified once (``errors.delivery_errors``) for the sender and for
file fetches; and a sender crash, which the dispatcher keeps and retries in order."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.slack_response import SlackResponse

from bot.adapters.slack.errors import delivery_errors
from bot.adapters.slack.files import GONE
from bot.runtime.dispatch import DeliveryError
from tests.adapters.slack.conftest import SlackDesk


def refused(status: int, error: str | None, **headers: str) -> SlackApiError:
    data: dict[str, Any] = {"ok": False, **({"error": error} if error else {})}
    response = SlackResponse(client=None, http_verb="POST", api_url="https://slack.test/api",
                             req_args={}, data=data, headers=headers, status_code=status)
    return SlackApiError("refused", response)


def raised(exc: Exception, **kwargs: Any) -> DeliveryError:
    with pytest.raises(DeliveryError) as caught, delivery_errors("files.info F1", **kwargs):
        raise exc
    return caught.value


@pytest.mark.parametrize(("exc", "text", "wait"), [
    (refused(429, "ratelimited", **{"Retry-After": "7"}), "slack: files.info F1: ratelimited",
     60.0),
    (refused(503, "service_unavailable"), "slack: files.info F1: service_unavailable", None),
    (refused(502, None), "slack: files.info F1: 502", None),
    (refused(200, "invalid_auth"), "slack: files.info F1: invalid_auth", None),
    (SlackClientError("timed out"), "slack: files.info F1 unreachable: timed out", None),
])
def test_a_file_fetch_failure_reads_as_before(exc: Exception, text: str,
                                              wait: float | None) -> None:
    """Its text reaches the sharer when a fetch fails for days (``file.expired``)."""
    error = raised(exc, permanent=GONE)
    assert (str(error), error.retry_after, error.permanent) == (text, wait, False)


def test_a_file_gone_fails_for_good_with_its_code() -> None:
    error = raised(refused(200, "file_deleted"), permanent=GONE)
    assert (error.permanent, error.code) == (True, "slack:file_deleted")


def test_a_post_backs_its_channel_off_by_slacks_word() -> None:
    asked: list[float | None] = []

    def back_off(retry_after: float | None) -> float:
        asked.append(retry_after)
        return 42.0

    limited = raised(refused(429, "ratelimited", **{"Retry-After": "7"}), back_off=back_off)
    down = raised(refused(500, "internal_error"), back_off=back_off)
    away = raised(OSError("no route"), back_off=back_off)
    other = raised(refused(200, "invalid_auth"), back_off=back_off)
    assert asked == [7.0, None, None]
    assert [e.retry_after for e in (limited, down, away, other)] == [42.0, 42.0, 42.0, None]
    assert "429" in str(limited) and "500" in str(down) and "unreachable" in str(away)
    gone = raised(refused(200, "channel_not_found"), back_off=back_off)
    assert (gone.permanent, gone.code) == (True, "slack:channel_not_found")


def test_anything_else_is_no_delivery_error() -> None:
    with pytest.raises(ValueError), delivery_errors("chat.postMessage"):
        raise ValueError("a bug")


def test_a_sender_crash_is_kept_and_retried_in_order(
        slack: SlackDesk, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """The sender leaves an unexpected error to the dispatcher: it keeps the row, logs the
    crash and retries the row before the target's later ones."""
    client = slack.platform.sender.client
    real = client.chat_postMessage
    crashes = iter([True])  # the first post: the new request's root in Finance's channel

    def post(**kwargs: Any) -> Any:
        if next(crashes, False):
            raise ValueError("a bug in the client")
        return real(**kwargs)

    monkeypatch.setattr(client, "chat_postMessage", post)
    slack.ask("U0HENRY", "finance reimbursement taxi 86 CNY")
    slack.ask("U0BOB", "ack FIN-1")
    with caplog.at_level(logging.ERROR):
        slack.deliver()
    assert any("sender crashed" in r.getMessage() for r in caplog.records)
    root = slack.pending()[0]
    assert root.target == "dept:finance" and root.payload["kind"] == "new_request"
    assert "sender crashed: a bug in the client" in (root.last_error or "")
    slack.drain()
    posted = slack.fake.posted("CFINANCEREQUE")
    assert posted[0]["text"].startswith("新请求 FIN-1"), "the root went first"
    assert sum(p["text"].startswith("新请求 FIN-1") for p in posted) == 1, "and once"
