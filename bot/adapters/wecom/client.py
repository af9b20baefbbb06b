"""The WeCom API client (wechatpy's, pointable at a local stand-in) and its errors as retries."""

from __future__ import annotations

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

REAL_API = "https://qyapi.weixin.qq.com/cgi-bin/"
TIMEOUT = 10.0
# 45009 API call limit, 45011 too frequent, 45033 too many concurrent calls; -1 system busy.
RATE_LIMITED = {45009, 45011, 45033}
BUSY = {-1}
RATE_LIMIT_WAIT = 60.0
POOL_SIZE = 32  # connections kept to the API host (requests' default is 10)


class WeComClient(WeChatClient):
    """wechatpy's enterprise client with a configurable API host and bounded timeouts."""

    def __init__(self, corp_id: str, secret: str, session: SessionStorage | None = None,
                 api_base_url: str | None = None, timeout: float = TIMEOUT) -> None:
        super().__init__(corp_id, secret, session=session, timeout=timeout)
        self.API_BASE_URL = api_base_url or REAL_API
        # answers go out from many request threads at once, beside the dispatcher
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE)
        self._http.mount("https://", adapter)
        self._http.mount("http://", adapter)

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


def describe(exc: BaseException) -> str:
    """A short reason for logs and the outbox's last_error."""
    if isinstance(exc, WeChatClientException):
        if exc.errcode is None and exc.response is not None:
            return f"HTTP {exc.response.status_code}"
        return f"errcode {exc.errcode}: {exc.errmsg}"
    return f"{type(exc).__name__}: {exc}"


@contextmanager
def delivery_errors(what: str) -> Iterator[None]:
    """Turn rate limits, API errors and network errors into DeliveryError (rescheduled)."""
    try:
        yield
    except APILimitedException as exc:
        raise DeliveryError(f"{what}: WeCom rate limit ({describe(exc)})", RATE_LIMIT_WAIT) from exc
    except WeChatClientException as exc:
        wait = RATE_LIMIT_WAIT if exc.errcode in RATE_LIMITED else None
        raise DeliveryError(f"{what}: WeCom refused ({describe(exc)})", wait) from exc
    except (requests.RequestException, httpx.HTTPError, OSError) as exc:
        raise DeliveryError(f"{what}: network error ({describe(exc)})") from exc
    except ValueError as exc:  # a reply that is not the JSON WeCom documents
        raise DeliveryError(f"{what}: unreadable answer ({describe(exc)})") from exc
