"""A Slack Web API call's failures: which are worth retrying (from the chat.postMessage
reference), as the outbox's DeliveryError; those of a call that only shows something, logged."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.runtime.dispatch import DeliveryError

log = logging.getLogger(__name__)

# A call Slack refused, or could not be made (the network, a timeout).
SLACK_ERRORS = (SlackApiError, SlackClientError, OSError)

# Retrying cannot help: the channel is gone or closed to us, the message itself is bad, or
# the app lacks a scope. Source: docs.slack.dev/reference/methods/chat.postMessage ("Errors").
# Anything else (``ratelimited``, ``internal_error``, ``fatal_error``, ``service_unavailable``,
# ``request_timeout``, auth errors an admin can fix, codes we do not know) is retried.
PERMANENT = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "msg_too_long", "no_text",
    "invalid_blocks", "invalid_blocks_format", "too_many_attachments", "missing_scope",
    "restricted_action", "restricted_action_read_only_channel",
    "restricted_action_thread_only_channel", "restricted_action_non_threadable_channel",
    "cannot_reply_to_message", "invalid_arguments", "invalid_metadata_format",
    "invalid_metadata_schema", "metadata_too_large", "ekm_access_denied",
    "team_access_not_granted", "not_allowed_token_type", "messages_tab_disabled",
    "user_not_in_channel", "channel_is_archived",
})
RATE_LIMITED_WAIT = 60.0  # seconds a 429 waits when no pacer says otherwise

BackOff = Callable[[float | None], float]


def retry_after(headers: Mapping[str, Any]) -> float | None:
    """The seconds a 429's ``Retry-After`` asks for, if it says."""
    raw = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    try:
        return float(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


@contextmanager
def delivery_errors(what: str, permanent: frozenset[str] = PERMANENT,
                    back_off: BackOff | None = None) -> Iterator[None]:
    """A failed Slack call (``what``) as the outbox's DeliveryError: an error code in
    ``permanent`` fails for good (code ``slack:<error>``: the target's later rows still go).
    A 429, a 5xx and network trouble wait ``back_off(Retry-After)`` (None but for a 429), and
    the text then names the status; without ``back_off`` a 429 waits a minute. Anything
    else is retried after the outbox's own backoff."""
    try:
        yield
    except SlackApiError as exc:
        status = getattr(exc.response, "status_code", None)
        error = exc.response.get("error") if hasattr(exc.response, "get") else None
        if error in permanent:
            raise DeliveryError(f"slack: {what}: {error}", permanent=True,
                                code=f"slack:{error}") from exc
        wait: float | None = None
        if status == 429:
            asked = retry_after(exc.response.headers) or 1.0
            wait = back_off(asked) if back_off else RATE_LIMITED_WAIT
        elif back_off and (status or 0) >= 500:
            wait = back_off(None)
        said = f"{error} ({status})" if back_off and wait is not None and error else error
        raise DeliveryError(f"slack: {what}: {said or status}", retry_after=wait) from exc
    except (SlackClientError, OSError) as exc:
        raise DeliveryError(f"slack: {what} unreachable: {exc}",
                            retry_after=back_off(None) if back_off else None) from exc


@contextmanager
def logged(what: str, level: int = logging.WARNING) -> Iterator[None]:
    """Around a Slack call that only shows something (the change is stored already): when
    Slack refuses it or cannot be reached, log that we could not ``what`` and go on after
    the block."""
    try:
        yield
    except SLACK_ERRORS as exc:
        log.log(level, "could not %s: %s", what, exc)


@contextmanager
def refusal_logged(what: str) -> Iterator[None]:
    """Around a call through ``delivery_errors`` that only adds to what is out already (a
    chart, an update): a failure worth waiting for (a 429, a 5xx, the network: it has a
    ``retry_after``) is raised, for the outbox to try the row again; a refusal is logged."""
    try:
        yield
    except DeliveryError as exc:
        if exc.retry_after is not None:
            raise
        log.warning("could not %s: %s", what, exc)
