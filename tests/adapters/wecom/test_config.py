"""Secrets come only from the environment; whatever is missing is named in one error."""

from __future__ import annotations

import pytest

from bot.adapters.wecom import WeComConfigError, build_wecom, enabled


def test_every_missing_secret_is_named_at_once(desk_app, settings):
    with pytest.raises(WeComConfigError) as caught:
        build_wecom(desk_app, settings, environ={})
    message = str(caught.value)
    for name in ("WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET", "WECOM_TOKEN",
                 "WECOM_AES_KEY", "WECOM_ROBOT_IT"):
        assert name in message


def test_malformed_agent_id_and_aes_key_are_explained(desk_app, settings, wecom_env):
    env = {**wecom_env, "WECOM_AGENT_ID": "abc", "WECOM_AES_KEY": "short"}
    with pytest.raises(WeComConfigError, match="WECOM_AGENT_ID must be a number") as caught:
        build_wecom(desk_app, settings, environ=env)
    assert "43-character EncodingAESKey" in str(caught.value)


def test_enabled_reads_the_wecom_table(settings):
    assert enabled(settings)
