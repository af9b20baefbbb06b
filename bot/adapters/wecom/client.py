"""The WeCom API client (wechatpy's, pointable at a local stand-in) and its errors as
retries or refusals for good."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import requests
from wechatpy.enterprise import WeChatClient
from wechatpy.exceptions import APILimitedException, WeChatClientException
from wechatpy.session import SessionStorage

from bot.runtime.dispatch import DeliveryError
from storage import redact

REAL_API = "https://qyapi.weixin.qq.com/cgi-bin/"
TIMEOUT = 10.0
# 45009 API call limit, 45011 too frequent, 45033 too many concurrent calls; -1 system busy.
RATE_LIMITED = {45009, 45011, 45033}
# The token was refused: fetch a new one and try once more (wechatpy would loop forever).
TOKEN_REFUSED = {40001, 40014, 42001}
# Trying again cannot help (WeCom's global error codes, developer.work.weixin.qq.com
# document/path/90313; message/send 90236 and appchat/send 90248 for the send-specific ones).
PERMANENT = {
    40003,  # invalid UserID
    40008,  # invalid msgtype
    40031,  # invalid UserID list
    40058,  # invalid parameter (e.g. content over the byte limit)
    44004,  # empty text content
    45002,  # message content over the size limit
    48002,  # API not permitted for this app
    81013,  # every UserID / department / tag invalid or outside the app's visible range
    86001,  # invalid chatid
    86003,  # the group chat does not exist
    86216,  # invalid chat member
    93000,  # invalid group robot webhook
}
RATE_LIMIT_WAIT = 60.0
POOL_SIZE = 32  # connections kept to the API host (requests' default is 10)


class WeComClient(WeChatClient):
    """wechatpy's enterprise client with a configurable API host and bounded timeouts."""

    def __init__(self, corp_id: str, secret: str, session: SessionStorage | None = None,
                 api_base_url: str | None = None, timeout: float = TIMEOUT,
                 agent_id: int | None = None) -> None:
        self.agent_id = agent_id
        # wechatpy's auto_retry refetches the token and retries without bound: ours is once
        super().__init__(corp_id, secret, session=session, timeout=timeout, auto_retry=False)
        self.API_BASE_URL = api_base_url or REAL_API
        # answers go out from many request threads at once, beside the dispatcher
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE)
        self._http.mount("https://", adapter)
        self._http.mount("http://", adapter)
        read_environment_once(self._http, self.API_BASE_URL)

    @property
    def access_token_key(self) -> str:
        """Where the token is stored: the corp and the app, never any part of the secret."""
        return f"wecom:{self.corp_id}:{self.agent_id or 'app'}:access_token"

    @property
    def access_token(self) -> str:
        """The stored token (its store knows when it expires), else a fresh one."""
        token = self.session.get(self.access_token_key)
        if token:
            return str(token)
        return str(self.fetch_access_token()["access_token"])

    def _request(self, method: str, url_or_endpoint: str, **kwargs: Any) -> Any:
        """One call; when WeCom refuses the token, one new token and one more try at most."""
        params = kwargs.get("params")
        retry = {**kwargs, "params": dict(params) if isinstance(params, dict)
                 else {} if params is None else params}
        try:
            return super()._request(method, url_or_endpoint, **kwargs)
        except WeChatClientException as exc:
            if exc.errcode not in TOKEN_REFUSED or not isinstance(retry["params"], dict):
                raise
            self.session.delete(self.access_token_key)
            self.fetch_access_token()
            retry["params"].pop("access_token", None)
            return super()._request(method, url_or_endpoint, **retry)

    def fetch_access_token(self) -> dict[str, Any]:
        """Fetch a token from this client's host (wechatpy hard-codes the real one)."""
        res = self._http.get(
            url=f"{self.API_BASE_URL}gettoken",
            params={"corpid": self.corp_id, "corpsecret": self.secret},
            timeout=self.timeout,
        )
        try:
            res.raise_for_status()
        except requests.RequestException as exc:
            raise WeChatClientException(None, None, client=self, request=exc.request,
                                        response=exc.response) from exc
        result = res.json()
        if result.get("errcode", 0) != 0:
            raise WeChatClientException(result["errcode"], result.get("errmsg"), client=self,
                                        request=res.request, response=res)
        expires_in = int(result.get("expires_in", 7200))
        self.session.set(self.access_token_key, result["access_token"], expires_in)
        self.expires_at = int(time.time()) + expires_in
        return dict(result)

    def close(self) -> None:
        """Close the HTTP connection pool (and the token store's writer, if it has one)."""
        self._http.close()
        close_storage = getattr(self.session, "close", None)
        if callable(close_storage):
            close_storage()


def read_environment_once(http: requests.Session, url: str) -> None:
    """Take the proxy (``HTTPS_PROXY``, ``NO_PROXY``, …) and CA bundle settings for ``url``
    from the environment now: requests would read them again on every call (``trust_env``),
    a few percent of the CPU of each message sent."""
    http.proxies = requests.utils.get_environ_proxies(url)
    http.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    http.trust_env = False


def describe(exc: BaseException) -> str:
    """A short reason for logs and the outbox's last_error, with no secret (a failed
    gettoken's URL carries ``corpsecret=``, a robot's ``key=``)."""
    if isinstance(exc, WeChatClientException):
        if exc.errcode is None and exc.response is not None:
            return f"HTTP {exc.response.status_code}"
        return redact.scrub(f"errcode {exc.errcode}: {exc.errmsg}")
    return redact.scrub(f"{type(exc).__name__}: {exc}")


class WeComCommandError(Exception):
    """A one-shot command's call to WeCom failed; the message says what to check and holds
    no secret."""


def unreachable(exc: BaseException) -> str:
    """One line for a network error: what happened (secrets masked) and what to check."""
    return (f"could not reach WeCom ({describe(exc)}): check the network, the proxy "
            "(HTTPS_PROXY) and [wecom] api_base_url, then try again")


@contextmanager
def command_errors(what: str) -> Iterator[None]:
    """For commands such as `crossdesk sync wecom`: a refusal, a network error or an
    unreadable answer becomes WeComCommandError, one line with every secret masked."""
    try:
        yield
    except WeChatClientException as exc:
        raise WeComCommandError(f"WeCom refused {what} ({describe(exc)}); check WECOM_CORP_ID "
                                "and WECOM_SECRET, and that the app may read the org chart "
                                "(通讯录)") from None
    except requests.JSONDecodeError as exc:
        raise WeComCommandError(_unreadable(what, exc)) from None
    except (requests.RequestException, httpx.HTTPError, OSError) as exc:
        raise WeComCommandError(unreachable(exc)) from None
    except ValueError as exc:  # a reply that is not the JSON WeCom documents
        raise WeComCommandError(_unreadable(what, exc)) from None


def _unreadable(what: str, exc: BaseException) -> str:
    return (f"WeCom's answer to {what} could not be read ({describe(exc)}); check [wecom] "
            "api_base_url")


@contextmanager
def delivery_errors(what: str) -> Iterator[None]:
    """Turn rate limits, API errors and network errors into DeliveryError: rescheduled, or
    ``permanent`` for the codes in ``PERMANENT``."""
    try:
        yield
    except APILimitedException as exc:
        raise DeliveryError(f"{what}: WeCom rate limit ({describe(exc)})", RATE_LIMIT_WAIT) from exc
    except WeChatClientException as exc:
        if exc.errcode in PERMANENT:
            raise DeliveryError(f"{what}: WeCom refused for good ({describe(exc)})",
                                permanent=True, code=f"wecom:{exc.errcode}") from exc
        wait = RATE_LIMIT_WAIT if exc.errcode in RATE_LIMITED else None
        raise DeliveryError(f"{what}: WeCom refused ({describe(exc)})", wait) from exc
    except (requests.RequestException, httpx.HTTPError, OSError) as exc:
        raise DeliveryError(f"{what}: network error ({describe(exc)})") from exc
    except ValueError as exc:  # a reply that is not the JSON WeCom documents
        raise DeliveryError(f"{what}: unreadable answer ({describe(exc)})") from exc
