"""The WeCom client takes its proxy settings from the environment once, when it is built."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from wechatpy.exceptions import WeChatClientException

from bot.adapters.wecom.client import WeComClient
from tests.adapters.wecom.conftest import AGENT_ID, CORP_ID
from tests.adapters.wecom.fake_api import FakeWeCom

PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy",
              "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture
def dead_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A proxy address nothing listens on, and an environment without proxy settings."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def client(api: FakeWeCom) -> WeComClient:
    return WeComClient(CORP_ID, "s3cret", api_base_url=api.base_url, agent_id=AGENT_ID)


def test_a_proxy_set_before_start_is_used_unless_no_proxy_names_the_host(
        fake_api: FakeWeCom, dead_proxy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", dead_proxy)
    proxied = client(fake_api)
    with pytest.raises((WeChatClientException, OSError)):
        proxied.user.get("newbie")  # through the proxy, which is down
    proxied.close()
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    direct = client(fake_api)
    assert direct.user.get("newbie")["userid"] == "newbie"
    direct.close()


def test_the_environment_is_read_once_not_on_every_call(
        fake_api: FakeWeCom, dead_proxy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    built = client(fake_api)
    monkeypatch.setenv("HTTP_PROXY", dead_proxy)  # changed after start: not looked at again
    assert built.user.get("newbie")["userid"] == "newbie"
    built.close()
