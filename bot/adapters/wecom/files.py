"""Files on WeCom: what an image, voice, video or file callback carries, fetching it
(``media/get`` with its MediaId, valid three days) and passing a stored file on
(``media/upload``, then an image or file message; to a group robot, a JPG or PNG up to 2 MB
inline as base64, anything else up to 20 MB through the robot's ``webhook/upload_media``)."""

from __future__ import annotations

import json
import mimetypes
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import requests

from bot.adapters.wecom import images
from bot.adapters.wecom.client import (
    PERMANENT,
    RATE_LIMIT_WAIT,
    RATE_LIMITED,
    TOKEN_REFUSED,
    WeComClient,
    delivery_errors,
)
from bot.runtime.dispatch import DeliveryError
from bot.runtime.file_fetch import Downloaded, Stored, read_capped
from handlers.inbound import IncomingFile

MEDIA_KINDS = ("image", "voice", "video", "file")
# What each kind is when nothing better is known (a voice message is AMR, WeCom says).
DEFAULTS = {"image": ("image.jpg", "image/jpeg"), "voice": ("voice.amr", "audio/amr"),
            "video": ("video.mp4", "video/mp4"), "file": ("file", "application/octet-stream")}
GONE = {40007}  # invalid media_id: expired (three days) or never existed
IMAGE_TYPES = {"image/jpeg", "image/png"}  # media/upload type=image takes JPG and PNG only
# A group robot (群机器人配置说明): an image message holds a JPG or PNG of at most 2 MB (before
# base64); webhook/upload_media takes a file of 5 B to 20 MB for a file message.
ROBOT_IMAGE_LIMIT = images.ROBOT_LIMIT
ROBOT_FILE_LIMIT = 20 * 1024 * 1024
ROBOT_FILE_MIN = 5
FILENAME_RE = re.compile(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', re.IGNORECASE)


def incoming(kind: str, data: dict[str, Any]) -> IncomingFile | None:
    """The file a media callback carries (None without a MediaId)."""
    media_id = str(data.get("MediaId") or "")
    if kind not in MEDIA_KINDS or not media_id:
        return None
    name, mime = DEFAULTS[kind]
    if kind == "voice" and data.get("Format"):
        name = f"voice.{str(data['Format']).lower()}"
    title = str(data.get("Title") or data.get("FileName") or "")
    if title:
        name = title
        mime = mimetypes.guess_type(title)[0] or mime
    return IncomingFile(name=name, mime=mime, size=None, source=f"wecom:{media_id}")


def download(client: WeComClient, media_id: str, limit: int) -> Downloaded:
    """``media/get``: the bytes (at most ``limit`` + 1) with the type and name WeCom gives.
    An expired or unknown MediaId is refused for good; a refused token is fetched anew once."""
    for attempt in (1, 2):
        with delivery_errors("media/get"):
            response = client._http.get(
                f"{client.API_BASE_URL}media/get", stream=True, timeout=client.timeout,
                params={"access_token": client.access_token, "media_id": media_id})
        try:
            answer = _error_of(response)
            if answer is None:
                return _downloaded(response, limit)
        finally:
            response.close()
        code = int(answer.get("errcode") or 0)
        if code in TOKEN_REFUSED and attempt == 1:
            client.session.delete(client.access_token_key)
            continue
        what = f"media/get: errcode {code}: {answer.get('errmsg')}"
        raise DeliveryError(what, permanent=code in GONE or code in PERMANENT,
                            code=f"wecom:{code}")
    raise DeliveryError("media/get: the access token was refused twice")


def _error_of(response: requests.Response) -> dict[str, Any] | None:
    """WeCom's JSON error in place of the file, or None when the file came."""
    if response.status_code >= 400:
        raise DeliveryError(f"media/get: HTTP {response.status_code}")
    kind = response.headers.get("Content-Type", "")
    if "json" not in kind and not kind.startswith("text/plain"):
        return None
    try:
        answer = json.loads(response.content or b"{}")
    except ValueError as exc:
        raise DeliveryError("media/get: unreadable answer") from exc
    return answer if isinstance(answer, dict) and answer.get("errcode") else None


def _downloaded(response: requests.Response, limit: int) -> Downloaded:
    with delivery_errors("media/get"):
        data = read_capped(response.iter_content(64 * 1024), limit)
    found = FILENAME_RE.search(response.headers.get("Content-Disposition", ""))
    mime = response.headers.get("Content-Type", "").split(";", 1)[0].strip() or None
    length = response.headers.get("Content-Length", "")
    return Downloaded(data, mime, found.group(1) if found else None,
                      int(length) if length.isdigit() else None)


def media_type(mime: str) -> str:
    """The media/upload type a file goes as: JPG and PNG as pictures, the rest as files."""
    return "image" if mime in IMAGE_TYPES else "file"


def upload(client: WeComClient, stored: Stored) -> dict[str, Any]:
    """Upload a stored file as temporary media; the message body that shows it."""
    kind = media_type(stored.mime)
    with delivery_errors(f"media/upload of {stored.name}"):
        result = client.media.upload(kind, (stored.name, stored.data, stored.mime))
    media_id = result.get("media_id") if isinstance(result, dict) else None
    if not media_id:
        raise DeliveryError(f"media/upload of {stored.name}: no media_id in the answer")
    return {"msgtype": kind, kind: {"media_id": str(media_id)}}


def robot_upload_url(send_url: str) -> str:
    """The robot's ``webhook/upload_media?key=…&type=file`` beside its ``webhook/send?key=…``."""
    parts = urlsplit(send_url)
    path = parts.path.replace("webhook/send", "webhook/upload_media")
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "type"] + [("type", "file")]
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))


def robot_body(http: httpx.Client, send_url: str, stored: Stored) -> dict[str, Any] | None:
    """The group robot message that shows a stored file: a JPG or PNG within 2 MB inline,
    anything else within 20 MB uploaded with the robot's key as a file; None when the robot
    cannot take it (its size)."""
    size = len(stored.data)
    if stored.mime in IMAGE_TYPES and size <= ROBOT_IMAGE_LIMIT:
        return images.robot_body(stored.data)
    if not ROBOT_FILE_MIN <= size <= ROBOT_FILE_LIMIT:
        return None
    what = f"webhook/upload_media of {stored.name}"
    with delivery_errors(what):
        response = http.post(robot_upload_url(send_url), files={
            "media": (stored.name, stored.data, "application/octet-stream")})
        response.raise_for_status()
        result = response.json()
    code = int(result.get("errcode", 0)) if isinstance(result, dict) else -1
    if code in RATE_LIMITED:
        raise DeliveryError(f"{what}: rate limit ({code})", RATE_LIMIT_WAIT)
    if code != 0 or not result.get("media_id"):
        raise DeliveryError(f"{what}: errcode {code}", permanent=code in PERMANENT,
                            code=f"wecom:{code}")
    return {"msgtype": "file", "file": {"media_id": str(result["media_id"])}}
