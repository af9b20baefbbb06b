"""Chart images as WeCom image messages: uploaded media for apps and chats, base64 for robots."""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from pathlib import Path
from typing import Any

from bot.adapters.wecom.client import WeComClient, delivery_errors
from bot.runtime.dispatch import DeliveryError

ROBOT_LIMIT = 2 * 1024 * 1024  # a group robot's image, before base64 (WeCom: "最大不能超过2M")


class ImageSkipped(Exception):
    """The image cannot be sent at all (missing, unreadable, too large); retrying will not help."""


def read_image(path: str, limit: int | None = None) -> bytes:
    """The file's bytes, or ImageSkipped saying why not."""
    file = Path(path)
    if not file.is_file():
        raise ImageSkipped(f"{path} is missing")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ImageSkipped(f"{path} cannot be read: {exc}") from exc
    if limit is not None and len(data) > limit:
        raise ImageSkipped(f"{path} is {len(data)} bytes; a group robot takes at most {limit}")
    return data


def robot_body(data: bytes) -> dict[str, Any]:
    """A group robot's image message: the picture inline, base64 with its md5."""
    return {
        "msgtype": "image",
        "image": {
            "base64": base64.b64encode(data).decode("ascii"),
            "md5": hashlib.md5(data).hexdigest(),
        },
    }


def upload(client: WeComClient, path: str, data: bytes) -> str:
    """Upload ``data`` as temporary image media (media/upload?type=image); its media_id."""
    name = Path(path).name
    kind = mimetypes.guess_type(name)[0] or "image/png"
    with delivery_errors(f"media/upload of {name}"):
        result = client.media.upload("image", (name, data, kind))
    media_id = result.get("media_id") if isinstance(result, dict) else None
    if not media_id:
        raise DeliveryError(f"media/upload of {name}: no media_id in the answer")
    return str(media_id)


def media_body(media_id: str) -> dict[str, Any]:
    """An app or group chat image message for uploaded media."""
    return {"msgtype": "image", "image": {"media_id": media_id}}
