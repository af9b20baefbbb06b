"""Files on Slack: fetching a shared file (``files.info``, then
its ``url_private`` with the bot token; scope ``files:read``) and passing one on
(``files_upload_v2`` into the request's thread or the person's DM)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
from slack_sdk import WebClient

from bot.adapters.slack.errors import delivery_errors
from bot.runtime.dispatch import DeliveryError
from bot.runtime.file_fetch import EXTERNAL_FILE, Downloaded, read_capped

TIMEOUT = 30.0
GONE = frozenset({"file_not_found", "file_deleted", "access_denied"})  # files.info: for good


class SlackFiles:
    """Downloads with the bot token, which goes to Slack only: an ``https`` host under
    ``slack.com``, or the Web API host the client is configured with (a stand-in)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self.http = httpx.Client(timeout=TIMEOUT, follow_redirects=True)

    def download(self, file_id: str, limit: int) -> Downloaded:
        """The file's bytes (at most ``limit`` + 1: a larger one is refused by its size).
        Slack's refusals for good (the file is gone) are permanent; 5xx, 429 and network
        trouble are retried."""
        info = self._info(file_id)
        url = str(info.get("url_private_download") or info.get("url_private") or "")
        if not url:
            raise DeliveryError(f"slack: file {file_id} has no download URL", permanent=True,
                                code="slack:no_url")
        if info.get("is_external") or not self._on_slack(url):  # a Drive link, say
            raise DeliveryError(f"slack: file {file_id} is kept outside Slack "
                                f"({info.get('external_type') or urlsplit(url).hostname})",
                                permanent=True, code=EXTERNAL_FILE)
        size = info.get("size") if isinstance(info.get("size"), int) else None
        mime = str(info.get("mimetype") or "") or None
        name = str(info.get("name") or "") or None
        if size is not None and size > limit:
            return Downloaded(b"", mime, name, size)  # refused by its size, never fetched
        data = self._get(url, limit)
        return Downloaded(data, mime, name, size)

    def _on_slack(self, url: str) -> bool:
        """Whether ``url`` is Slack's: the bot token may be sent there."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com")):
            return True
        api = urlsplit(self.client.base_url)
        return (parts.scheme, host, parts.port) == (api.scheme, (api.hostname or "").lower(),
                                                   api.port)

    def _info(self, file_id: str) -> dict[str, Any]:
        with delivery_errors(f"files.info {file_id}", permanent=GONE):
            file = self.client.files_info(file=file_id).get("file")
        return dict(file) if isinstance(file, dict) else {}

    def _get(self, url: str, limit: int) -> bytes:
        headers = {"Authorization": f"Bearer {self.client.token}"}
        try:
            with self.http.stream("GET", url, headers=headers) as response:
                if response.status_code in (404, 410):
                    raise DeliveryError(f"slack: file download answered {response.status_code}",
                                        permanent=True, code=f"slack:http_{response.status_code}")
                if response.status_code != 200:
                    raise DeliveryError(f"slack: file download answered {response.status_code}")
                if response.headers.get("content-type", "").startswith("text/html"):
                    # Slack's sign-in page: the token was not accepted for this file
                    raise DeliveryError("slack: file download answered a sign-in page "
                                        "(is files:read granted?)")
                return read_capped(response.iter_bytes(), limit)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"slack: file download failed: {type(exc).__name__}") from exc

    def close(self) -> None:
        """Close the download connections."""
        self.http.close()
