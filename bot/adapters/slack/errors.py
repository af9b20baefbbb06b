"""What a Slack Web API call raises, and which of its errors are worth retrying (from the
chat.postMessage reference)."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError, SlackClientError

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
