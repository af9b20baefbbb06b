"""A local stand-in for qyapi.weixin.qq.com: records every call and fails on demand; app
messages beyond a member's rate are accepted and dropped, as WeCom does."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Call:
    """One request the bot made."""

    method: str
    path: str
    query: dict[str, str]
    body: dict[str, Any] | None
    ok: bool = False  # it reached someone (an app message dropped for all: False, errcode 0)
    files: dict[str, Upload] = field(default_factory=dict)
    dropped: frozenset[str] = frozenset()  # members it never reached: over their rate


@dataclass(frozen=True)
class Upload:
    """One file of a multipart/form-data POST, as WeCom received it."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Media:
    """A temporary media upload (media/upload) that succeeded, and the media_id it was given."""

    type: str
    media_id: str
    file: Upload


def parse_multipart(content_type: str, raw: bytes) -> dict[str, Upload]:
    """The parts of a multipart/form-data body by field name, bytes untouched."""
    found = re.search(r'boundary="?([^";]+)"?', content_type)
    assert found, f"no boundary in {content_type!r}"
    out: dict[str, Upload] = {}
    for chunk in raw.split(b"--" + found.group(1).encode())[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        headers = {}
        for line in head.decode("utf-8").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        field_name = re.search(r'\bname="([^"]*)"', disposition)
        filename = re.search(r'filename="([^"]*)"', disposition)
        assert field_name, f"a part without a name: {disposition!r}"
        out[field_name.group(1)] = Upload(filename.group(1) if filename else "",
                                          headers.get("content-type", ""),
                                          data.removesuffix(b"\r\n"))
    return out


TEXT_BYTES = 2048  # message/send and appchat/send: text is cut here, markdown refused above
MARKDOWN_BYTES = 2048
ROBOT_MARKDOWN_BYTES = 4096  # only the group robot's markdown may be this long
ROBOT_IMAGE_BYTES = 2 * 1024 * 1024  # a robot's image message, before base64
ROBOT_FILE_BYTES = 20 * 1024 * 1024  # webhook/upload_media
ROBOT_FILE_MIN = 5
# 发送应用消息 › 频率限制: 每应用对同一个成员不可超过30次/分钟，1000次/小时，超过部分会被丢弃不下发
# (developer.work.weixin.qq.com/document/path/90236): no errcode, the excess never arrives.
MEMBER_LIMITS = ((30, timedelta(minutes=1)), (1000, timedelta(hours=1)))


def too_long(body: dict[str, Any] | None, markdown_limit: int = MARKDOWN_BYTES
             ) -> dict[str, Any] | None:
    """WeCom's answer to markdown over its byte limit (40058); text over 2048 bytes is
    accepted and cut short, as WeCom does (the body is changed in place)."""
    body = body or {}
    kind = body.get("msgtype")
    content = str((body.get(kind) or {}).get("content", "")) if kind else ""
    size = len(content.encode("utf-8"))
    if kind == "markdown" and size > markdown_limit:
        return {"errcode": 40058, "errmsg": f"markdown.content exceed max length {markdown_limit}"}
    if kind == "text" and size > TEXT_BYTES:
        cut = content.encode("utf-8")[:TEXT_BYTES].decode("utf-8", errors="ignore")
        body["text"] = {**body["text"], "content": cut}
    return None


def bad_card(body: dict[str, Any] | None) -> dict[str, Any] | None:
    """WeCom's answer (40058, invalid parameter) to a ``button_interaction`` card outside its
    documented limits (模板卡片消息): 1-6 buttons, a key of at most 1024 bytes, a task id of
    at most 128 bytes of letters, digits and ``_-@``."""
    card = (body or {}).get("template_card")
    if not isinstance(card, dict) or card.get("card_type") != "button_interaction":
        return None
    buttons = card.get("button_list") or []
    task_id = str(card.get("task_id") or "")
    if not 1 <= len(buttons) <= 6:
        return {"errcode": 40058, "errmsg": "template_card.button_list size must be 1-6"}
    if any(len(str(b.get("key", "")).encode()) > 1024 for b in buttons):
        return {"errcode": 40058, "errmsg": "template_card.button_list.key exceed 1024 bytes"}
    if not task_id or len(task_id.encode()) > 128 or re.search(r"[^A-Za-z0-9_\-@]", task_id):
        return {"errcode": 40058, "errmsg": "template_card.task_id invalid"}
    return None


@dataclass
class FakeWeCom:
    """gettoken, message/send, appchat/create, appchat/send, message/update_template_card,
    media/upload, media/get, user/get, department/list, user/list and a group robot webhook, on
    127.0.0.1; as strict as WeCom about byte limits and chats the app did not create."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    departments: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    media: list[Media] = field(default_factory=list)
    failures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    chats: dict[str, dict[str, Any]] = field(default_factory=dict)  # appchat/create made these
    token_refused: int | None = None  # every API call answers this (42001, 40014) until reset
    token_lifetime: int = 7200  # gettoken's expires_in
    invalid_users: set[str] = field(default_factory=set)  # outside the app's visible range
    http_errors: dict[str, list[int]] = field(default_factory=dict)  # path → HTTP statuses
    served: dict[str, Upload] = field(default_factory=dict)  # media/get: MediaId → the file
    robot_media: dict[str, tuple[str, Media]] = field(default_factory=dict)  # id → (key, …)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))  # the test's
    member_limits: tuple[tuple[int, timedelta], ...] = MEMBER_LIMITS
    arrived: dict[str, list[datetime]] = field(default_factory=dict)  # member → app messages
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        """What the client uses as API_BASE_URL."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/cgi-bin/"

    def start(self) -> FakeWeCom:
        """Serve on a free 127.0.0.1 port in a thread."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._answer(None)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                kind = self.headers.get("Content-Type") or ""
                if kind.startswith("multipart/form-data"):
                    files = parse_multipart(kind, raw)
                    self._answer({name: {"filename": f.filename, "content_type": f.content_type,
                                         "size": len(f.data)} for name, f in files.items()},
                                 files)
                    return
                self._answer(json.loads(raw.decode("utf-8")) if raw else {})

            def _answer(self, body: dict[str, Any] | None,
                        files: dict[str, Upload] | None = None) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                path = url.path.removeprefix("/cgi-bin/")
                if status := fake.http_error(path):  # a gateway in front of WeCom failing
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if path == "media/get":
                    status, headers, data = fake.media_get(Call(self.command, path, query, body))
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                reply = fake.answer(Call(self.command, path, query, body, files=files or {}))
                data = json.dumps(reply, ensure_ascii=False).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (safe to call twice)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def fail(self, path: str, errcode: int, times: int = 1, errmsg: str = "failed",
             after: int = 0) -> None:
        """The next ``times`` calls to ``path`` answer ``errcode`` (once ``after`` more calls
        were answered as usual)."""
        with self._lock:
            self.failures.setdefault(path, []).extend(
                [None] * after + [{"errcode": errcode, "errmsg": errmsg}] * times)

    def fail_http(self, path: str, status: int = 502, times: int = 1) -> None:
        """The next ``times`` calls to ``path`` get an HTTP ``status`` and no JSON."""
        with self._lock:
            self.http_errors.setdefault(path, []).extend([status] * times)

    def http_error(self, path: str) -> int | None:
        """The HTTP status queued for this call to ``path``, if any."""
        with self._lock:
            queued = self.http_errors.get(path)
            return queued.pop(0) if queued else None

    def refuse_tokens(self, errcode: int | None = 42001) -> None:
        """From now on every call but gettoken answers ``errcode`` (None: tokens work again),
        as WeCom does when it keeps rejecting the access token."""
        with self._lock:
            self.token_refused = errcode

    def to(self, path: str) -> list[Call]:
        """Calls made to ``path``, oldest first (failed ones included)."""
        with self._lock:
            return [c for c in self.calls if c.path == path]

    def delivered(self, path: str) -> list[dict[str, Any]]:
        """Bodies of the calls to ``path`` that succeeded and reached someone."""
        with self._lock:
            return [c.body or {} for c in self.calls if c.path == path and c.ok]

    def received(self, userid: str) -> list[dict[str, Any]]:
        """Bodies of the app messages (message/send) that reached ``userid``, oldest first:
        not the ones WeCom dropped for them (over their rate)."""
        wanted = userid.lower()
        with self._lock:
            return [c.body or {} for c in self.calls if c.path == "message/send" and c.ok
                    and wanted in _recipients(c.body) and wanted not in c.dropped]

    def dropped_for(self, userid: str) -> list[dict[str, Any]]:
        """Bodies of the app messages WeCom accepted (errcode 0) but dropped for ``userid``."""
        wanted = userid.lower()
        with self._lock:
            return [c.body or {} for c in self.calls
                    if c.path == "message/send" and wanted in c.dropped]

    def answer(self, call: Call) -> dict[str, Any]:
        """Record ``call`` and answer it as WeCom would (or with a queued failure)."""
        with self._lock:
            self.calls.append(call)
            queued = self.failures.get(call.path)
            failure = queued.pop(0) if queued else None
            if failure is not None:
                return failure
            count = len(self.calls)
        reply = self._reply(call, count)
        if call.path == "message/send" and reply["errcode"] == 0:
            self._arrive(call)
        call.ok = reply["errcode"] == 0 and not (
            call.dropped and call.dropped >= set(_recipients(call.body)))
        return reply

    def _arrive(self, call: Call) -> None:
        """Count an accepted app message for each member it goes to, now (``clock``); for a
        member already at a limit (``member_limits``, counted in any sliding window) it is
        dropped: WeCom still answers errcode 0."""
        now = self.clock()
        longest = max(window for _, window in self.member_limits)
        dropped = set()
        with self._lock:
            for member in _recipients(call.body):
                times = [t for t in self.arrived.get(member, []) if t > now - longest]
                if any(sum(t > now - window for t in times) >= limit
                       for limit, window in self.member_limits):
                    dropped.add(member)
                else:
                    times.append(now)
                self.arrived[member] = times
            call.dropped = frozenset(dropped)

    def _reply(self, call: Call, count: int) -> dict[str, Any]:
        if call.path == "gettoken":
            return {"errcode": 0, "errmsg": "ok", "access_token": f"TOKEN-{count}",
                    "expires_in": self.token_lifetime}
        if call.path == "webhook/send":
            return too_long(call.body, ROBOT_MARKDOWN_BYTES) or self._robot_media(call) or {
                "errcode": 0, "errmsg": "ok"}
        if call.path == "webhook/upload_media":
            return self._robot_upload(call, count)
        if not call.query.get("access_token", "").startswith("TOKEN-"):
            return {"errcode": 41001, "errmsg": "access_token missing"}
        if self.token_refused is not None:
            return {"errcode": self.token_refused, "errmsg": "access_token expired"}
        if call.path in ("message/send", "appchat/send") and (refused := too_long(call.body)):
            return refused
        if call.path == "message/send" and (refused := bad_card(call.body)):
            return refused
        if call.path in ("message/send", "appchat/send") and (unknown := self._unknown_media(
                call.body)):
            return unknown
        if call.path == "message/send" and (unreachable := self._all_invalid(call.body)):
            return unreachable
        if call.path == "message/send":
            card = (call.body or {}).get("msgtype") == "template_card"
            return {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": f"msg-{count}",
                    **({"response_code": f"rc-{count}"} if card else {})}
        if call.path == "appchat/create":
            return self._create_chat(call.body or {}, count)
        if call.path == "appchat/send":
            if str((call.body or {}).get("chatid")) not in self.chats:
                return {"errcode": 86003, "errmsg": "chatid not exist (not created by the app)"}
            return {"errcode": 0, "errmsg": "ok"}
        if call.path == "message/update_template_card":
            return {"errcode": 0, "errmsg": "ok"}
        if call.path == "media/upload":
            return self._upload(call, count)
        if call.path == "user/get":
            wanted = call.query.get("userid", "").lower()  # userids are unique ignoring case
            user = next((u for k, u in self.users.items() if k.lower() == wanted), None)
            return {"errcode": 0, "errmsg": "ok", **user} if user else {
                "errcode": 60111, "errmsg": "userid not found"}
        if call.path == "department/list":
            return {"errcode": 0, "errmsg": "ok", "department": self.departments}
        if call.path == "user/list":
            return {"errcode": 0, "errmsg": "ok", "userlist": self._members(call.query)}
        return {"errcode": 404, "errmsg": f"no such API in the stand-in: {call.path}"}

    def serve(self, media_id: str, data: bytes, content_type: str, filename: str) -> None:
        """What a person sent in the app chat: media/get gives it for ``media_id``."""
        with self._lock:
            self.served[media_id] = Upload(filename, content_type, data)

    def media_get(self, call: Call) -> tuple[int, dict[str, str], bytes]:
        """media/get (GET, access_token, media_id): the file with its Content-Type and
        Content-disposition, or WeCom's JSON error instead: 40007 for an unknown or expired
        MediaId (temporary media lives three days), 41001/42001 for the token."""
        def error(code: int, message: str) -> tuple[int, dict[str, str], bytes]:
            body = json.dumps({"errcode": code, "errmsg": message}).encode("utf-8")
            return 200, {"Content-Type": "application/json; charset=utf-8"}, body

        with self._lock:
            self.calls.append(call)
            queued = self.failures.get(call.path)
            failure = queued.pop(0) if queued else None
            media = self.served.get(call.query.get("media_id", ""))
        if failure is not None:
            return error(int(failure["errcode"]), str(failure["errmsg"]))
        if not call.query.get("access_token", "").startswith("TOKEN-"):
            return error(41001, "access_token missing")
        if self.token_refused is not None:
            return error(self.token_refused, "access_token expired")
        if media is None:
            return error(40007, "invalid media_id")
        call.ok = True
        return 200, {"Content-Type": media.content_type,
                     "Content-disposition": f'attachment; filename="{media.filename}"'}, \
            media.data

    def _unknown_media(self, body: dict[str, Any] | None) -> dict[str, Any] | None:
        """40007 for an image, voice, video or file message whose media_id was never
        uploaded (media/upload) here."""
        kind = str((body or {}).get("msgtype"))
        if kind not in ("image", "voice", "video", "file"):
            return None
        media_id = str(((body or {}).get(kind) or {}).get("media_id", ""))
        with self._lock:
            known = {m.media_id for m in self.media}
        return None if media_id in known else {"errcode": 40007, "errmsg": "invalid media_id"}

    def _all_invalid(self, body: dict[str, Any] | None) -> dict[str, Any] | None:
        """81013 when every recipient is outside the app's visible range (message/send)."""
        to = [u for u in str((body or {}).get("touser", "")).split("|") if u]
        if to and all(u in self.invalid_users for u in to):
            return {"errcode": 81013, "errmsg": "user & party & tag all invalid",
                    "invaliduser": "|".join(to)}
        return None

    def _create_chat(self, body: dict[str, Any], count: int) -> dict[str, Any]:
        """appchat/create: 2 to 2000 members, the owner among them (86006, 86005)."""
        members = [str(u) for u in body.get("userlist") or []]
        if not 2 <= len(members) <= 2000:
            return {"errcode": 86006, "errmsg": "invalid chat member list size"}
        if body.get("owner") and str(body["owner"]).lower() not in {m.lower() for m in members}:
            return {"errcode": 86005, "errmsg": "invalid chat owner"}
        chatid = str(body.get("chatid") or f"wrk{count:08d}")
        with self._lock:
            self.chats[chatid] = dict(body, chatid=chatid)
        return {"errcode": 0, "errmsg": "ok", "chatid": chatid}

    def _upload(self, call: Call, count: int) -> dict[str, Any]:
        kind, file = call.query.get("type", ""), call.files.get("media")
        if kind not in ("image", "voice", "video", "file") or file is None:
            return {"errcode": 40004, "errmsg": "invalid media type or no media part"}
        media = Media(kind, f"media-{count}", file)
        with self._lock:
            self.media.append(media)
        return {"errcode": 0, "errmsg": "ok", "type": kind, "media_id": media.media_id,
                "created_at": "1700000000"}

    def _robot_upload(self, call: Call, count: int) -> dict[str, Any]:
        """webhook/upload_media (群机器人 文件上传): the robot's key, type file (or voice), a
        ``media`` part of 5 B to 20 MB; its media_id is the robot's own."""
        kind, file, key = call.query.get("type", ""), call.files.get("media"), call.query.get(
            "key", "")
        if not key:
            return {"errcode": 93000, "errmsg": "invalid webhook url"}
        if kind not in ("file", "voice") or file is None:
            return {"errcode": 40004, "errmsg": "invalid media type or no media part"}
        if not ROBOT_FILE_MIN <= len(file.data) <= ROBOT_FILE_BYTES:
            return {"errcode": 40006, "errmsg": "invalid file size (5B to 20MB)"}
        media = Media(kind, f"robot-media-{count}", file)
        with self._lock:
            self.robot_media[media.media_id] = (key, media)
        return {"errcode": 0, "errmsg": "ok", "type": kind, "media_id": media.media_id,
                "created_at": "1700000000"}

    def _robot_media(self, call: Call) -> dict[str, Any] | None:
        """A robot's image message: base64 of a JPG or PNG of at most 2 MB with its md5; a
        file message: a media_id this robot uploaded (webhook/upload_media)."""
        body = call.body or {}
        if body.get("msgtype") == "image":
            image = body.get("image") or {}
            try:
                data = base64.b64decode(str(image.get("base64", "")), validate=True)
            except ValueError:
                return {"errcode": 40009, "errmsg": "invalid image (base64)"}
            if len(data) > ROBOT_IMAGE_BYTES:
                return {"errcode": 40009, "errmsg": "invalid image size (at most 2MB)"}
            if not data.startswith((b"\xff\xd8", b"\x89PNG")):
                return {"errcode": 40009, "errmsg": "image must be JPG or PNG"}
            if hashlib.md5(data).hexdigest() != image.get("md5"):
                return {"errcode": 40009, "errmsg": "image md5 mismatch"}
        if body.get("msgtype") == "file":
            media_id = str((body.get("file") or {}).get("media_id", ""))
            with self._lock:
                known = self.robot_media.get(media_id)
            if known is None or known[0] != call.query.get("key"):
                return {"errcode": 40007, "errmsg": "invalid media_id"}
        return None

    def _members(self, query: dict[str, str]) -> list[dict[str, Any]]:
        wanted = {int(query.get("department_id", "1"))}
        if query.get("fetch_child") == "1":
            grew = True
            while grew:
                more = {d["id"] for d in self.departments if d.get("parentid") in wanted}
                grew = not more <= wanted
                wanted |= more
        return [u for u in self.users.values() if set(u.get("department", [])) & wanted]


def _recipients(body: dict[str, Any] | None) -> list[str]:
    """The members an app message (message/send) goes to, as WeCom matches userids (ignoring
    case)."""
    return [u.lower() for u in str((body or {}).get("touser", "")).split("|") if u]
