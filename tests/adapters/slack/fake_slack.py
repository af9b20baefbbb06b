"""A local Slack Web API stand-in: records every call, answers like Slack, fails on demand."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

from tests.adapters.slack.scopes import granted_scopes, refusal

ID_RE = re.compile(r"^[CGD][A-Z0-9]+$")
MAX_OPTIONS = 100  # Block Kit: options in a select, option groups, options in a group
MAX_OPTION_VALUE = 150
MAX_OPTION_TEXT = 75
VIEW_METHODS = {"views.open", "views.update", "views.push", "views.publish"}
MESSAGE_METHODS = {"chat.postMessage", "chat.postEphemeral", "chat.update", "response_url"}
INPUT_ELEMENTS = {"plain_text_input", "number_input", "datepicker", "static_select",
                  "external_select", "users_select", "multi_static_select", "file_input",
                  "checkboxes", "radio_buttons", "email_text_input", "url_text_input"}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True)
class Call:
    """One Web API call as the server saw it."""

    method: str
    args: dict[str, Any]
    token: str | None


@dataclass
class Failure:
    """Answer ``method`` with ``status`` for the next ``times`` calls."""

    method: str
    status: int
    times: int
    retry_after: int | None = None
    error: str | None = None  # with status 200: Slack's {"ok": false, "error": …}
    channel: str | None = None  # only calls to this channel id


def _over_limits(node: Any) -> bool:
    """True when a view or blocks break Block Kit's select limits: over 100 options or
    option groups, an option value over 150 characters or its text over 75."""
    if isinstance(node, list):
        return any(_over_limits(item) for item in node)
    if not isinstance(node, dict):
        return False
    for key in ("options", "option_groups"):
        items = node.get(key)
        if isinstance(items, list) and len(items) > MAX_OPTIONS:
            return True
    for option in node.get("options") or []:
        if isinstance(option, dict) and (
                len(str(option.get("value", ""))) > MAX_OPTION_VALUE
                or len(str((option.get("text") or {}).get("text", ""))) > MAX_OPTION_TEXT):
            return True
    return any(_over_limits(value) for value in node.values())


def _text_over(obj: Any, limit: int) -> bool:
    return isinstance(obj, dict) and len(str(obj.get("text", ""))) > limit


def _element_problems(element: dict[str, Any], scopes: tuple[str, ...]) -> list[str]:
    """Block Kit's rules for one input element (docs.slack.dev/reference/block-kit)."""
    kind = element.get("type")
    out: list[str] = []
    if kind not in INPUT_ELEMENTS:
        out.append(f"{kind} is no input element")
    if len(str(element.get("action_id", ""))) > 255:
        out.append("action_id over 255")
    if _text_over(element.get("placeholder"), 150):
        out.append("placeholder over 150")
    if kind == "number_input":
        if not isinstance(element.get("is_decimal_allowed"), bool):
            out.append("number_input needs is_decimal_allowed")
        numbers = {k: element[k] for k in ("initial_value", "min_value", "max_value")
                   if k in element}
        for key, value in numbers.items():
            if not isinstance(value, str) or not NUMBER_RE.match(value):
                out.append(f"number_input {key} {value!r} is no number string")
            elif not element.get("is_decimal_allowed") and "." in value:
                out.append(f"number_input {key} is decimal but decimals are not allowed")
        if not out and "min_value" in numbers and "max_value" in numbers and \
                float(numbers["min_value"]) > float(numbers["max_value"]):
            out.append("number_input min_value over max_value")
        if not out and "initial_value" in numbers and (
                ("min_value" in numbers and float(numbers["initial_value"])
                 < float(numbers["min_value"]))
                or ("max_value" in numbers and float(numbers["initial_value"])
                    > float(numbers["max_value"]))):
            out.append("number_input initial_value outside min/max")
    elif kind == "datepicker":
        day = element.get("initial_date")
        if day is not None and not (isinstance(day, str) and DATE_RE.match(day)):
            out.append(f"datepicker initial_date {day!r} is not YYYY-MM-DD")
    elif kind == "static_select":
        options = element.get("options") or [o for g in element.get("option_groups") or []
                                             for o in g.get("options") or []]
        if not options:
            out.append("static_select without options")
        chosen = element.get("initial_option")
        if chosen is not None and chosen not in options:
            out.append("static_select initial_option is none of its options")
    elif kind == "users_select":
        user = element.get("initial_user")
        if user is not None and not (isinstance(user, str) and user.startswith("U")):
            out.append(f"users_select initial_user {user!r} is no user id")
    elif kind == "plain_text_input":
        longest = element.get("max_length", 3000)
        if not isinstance(longest, int) or not 1 <= longest <= 3000:
            out.append("plain_text_input max_length must be 1..3000")
        elif len(str(element.get("initial_value", ""))) > longest:
            out.append("plain_text_input initial_value over max_length")
        if "multiline" in element and not isinstance(element["multiline"], bool):
            out.append("plain_text_input multiline must be a boolean")
    elif kind == "file_input":
        if "files:read" not in scopes:
            out.append("file_input needs the files:read scope")
        most = element.get("max_files", 10)
        if not isinstance(most, int) or not 1 <= most <= 10:
            out.append("file_input max_files must be 1..10")
    return out


def _text_objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every text object (``plain_text`` or ``mrkdwn``) in blocks, however deep."""
    if isinstance(node, list):
        for item in node:
            yield from _text_objects(item)
    elif isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and "text" in node:
            yield node
        for value in node.values():
            if isinstance(value, (list, dict)):
                yield from _text_objects(value)


def blocks_problems(blocks: list[dict[str, Any]], most: int = 50,
                    scopes: tuple[str, ...] = ("files:read",)) -> list[str]:
    """What Slack refuses in a surface's blocks (docs.slack.dev/reference/block-kit/blocks):
    over ``most`` blocks (50 a message, 100 a modal or Home tab), block ids repeated or over
    255, a section's text over 3000 or its fields over 10 (each at most 2000), a header over
    150, a context over 10 elements, an actions block outside 1..25 elements (buttons: text
    75, value 2000, action ids 255), any text object empty or over 3000, and each input
    element's rules."""
    out: list[str] = []
    if len(blocks) > most:
        out.append(f"over {most} blocks")
    seen: set[str] = set()
    for block in blocks:
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in seen:
                out.append(f"duplicate block_id {block_id}")
            seen.add(block_id)
            if len(str(block_id)) > 255:
                out.append("block_id over 255")
        kind = block.get("type")
        if kind == "input":
            if _text_over(block.get("label"), 2000) or not block.get("label"):
                out.append(f"input {block_id}: label missing or over 2000")
            if _text_over(block.get("hint"), 2000):
                out.append(f"input {block_id}: hint over 2000")
            if "optional" in block and not isinstance(block["optional"], bool):
                out.append(f"input {block_id}: optional must be a boolean")
            out += [f"input {block_id}: {p}"
                    for p in _element_problems(block.get("element") or {}, scopes)]
        elif kind == "section":
            fields = block.get("fields") or []
            if not block.get("text") and not fields:
                out.append("section without text or fields")
            if _text_over(block.get("text"), 3000):
                out.append("section text over 3000")
            if len(fields) > 10 or any(_text_over(f, 2000) for f in fields):
                out.append("section over 10 fields, or a field over 2000")
        elif kind == "header":
            if not isinstance(block.get("text"), dict) or _text_over(block["text"], 150):
                out.append("header text missing or over 150")
        elif kind == "actions":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 25:
                out.append("actions block needs 1..25 elements")
            ids = [e.get("action_id") for e in elements if e.get("action_id")]
            if len(ids) != len(set(ids)):
                out.append("duplicate action_id in an actions block")
            if any(len(str(i)) > 255 for i in ids):
                out.append("action_id over 255")
            for e in elements:
                if e.get("type") == "button" and (
                        _text_over(e.get("text"), 75) or len(str(e.get("value", ""))) > 2000):
                    out.append("button text over 75 or value over 2000")
        elif kind == "context" and not 1 <= len(block.get("elements") or []) <= 10:
            out.append("context needs 1..10 elements")
        if any(e.get("type") == "file_input" for e in [block.get("element") or {}]) and \
                kind != "input":
            out.append("file_input outside an input block")
    out += [f"{t['type']} text of {len(str(t['text']))} characters (1..3000)"
            for t in _text_objects(blocks) if not 1 <= len(str(t["text"])) <= 3000]
    return out


def view_problems(view: dict[str, Any], scopes: tuple[str, ...] = ("files:read",)) -> list[str]:
    """What Slack would refuse in a view (views.open/update/push, or a response_action
    "update"): a modal's title, buttons and metadata, and its blocks (``blocks_problems``,
    100 at most)."""
    out: list[str] = []
    blocks = view.get("blocks") or []
    if view.get("type") == "modal":
        for key in ("title", "submit", "close"):
            if _text_over(view.get(key), 24):
                out.append(f"modal {key} over 24")
        if not isinstance(view.get("title"), dict):
            out.append("modal without a title")
        if len(str(view.get("private_metadata", ""))) > 3000:
            out.append("private_metadata over 3000")
        has_input = any(b.get("type") == "input" for b in blocks)
        if has_input and not view.get("submit"):
            out.append("a modal with inputs needs a submit button")
    return out + blocks_problems(blocks, 100, scopes)


def errors_problems(view: dict[str, Any], errors: dict[str, str]) -> list[str]:
    """What Slack refuses in a ``response_action: errors`` ack: each key must be the block_id
    of an input block in the submitted view; a message is at most 3000 characters (Slack
    shows it under that field and keeps what was typed)."""
    inputs = {b.get("block_id") for b in view.get("blocks") or [] if b.get("type") == "input"}
    out = [f"errors key {k!r} is no input block of the view" for k in errors if k not in inputs]
    out += [f"error for {k} over 3000" for k, v in errors.items() if len(v) > 3000]
    return out


def _decode(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeSlack:
    """Slack's Web API on 127.0.0.1, good enough for Bolt and our sender. The bot token holds
    ``scopes`` (by default those slack-manifest.yml asks for): a method needing another is
    refused with ``missing_scope``, as Slack does."""

    def __init__(self, scopes: Iterable[str] | None = None) -> None:
        self.scopes = tuple(granted_scopes() if scopes is None else scopes)
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.down_status: int | None = None
        self.users: dict[str, dict[str, Any]] = {}
        self.files: dict[str, tuple[dict[str, Any], bytes]] = {}  # shared files: info, bytes
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}  # (channel id, ts) → message
        self.outside: set[str] = set()  # channel ids the bot is not a member of
        self._ts = 0
        self._issued: set[tuple[str, str]] = set()  # (channel id, ts) of posted messages
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        """The base URL to give WebClient."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def response_url(self) -> str:
        """A fresh response_url (what Slack puts in commands and clicks) served here."""
        with self._lock:
            self._ts += 1
            n = self._ts
        return f"http://127.0.0.1:{self._server.server_address[1]}/respond/{n}"

    def start(self) -> FakeSlack:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # --- what tests ask
    def fail(self, method: str, status: int, times: int = 1,
             retry_after: int | None = None) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``status``."""
        with self._lock:
            self.failures.append(Failure(method, status, times, retry_after))

    def refuse(self, method: str, error: str, times: int = 1,
               channel: str | None = None) -> None:
        """Make the next ``times`` calls of ``method`` (to ``channel``'s id, if given) answer
        as Slack refuses a call: HTTP 200 with ``{"ok": false, "error": error}``."""
        with self._lock:
            self.failures.append(Failure(method, 200, times, error=error, channel=channel))

    def recover(self) -> None:
        """Forget every planned failure: Slack is back."""
        with self._lock:
            self.failures.clear()
            self.down_status = None

    def share_file(self, file_id: str, name: str, mimetype: str, data: bytes,
                   user: str) -> dict[str, Any]:
        """A file someone shared in Slack: files.info describes it and its url_private serves
        it (to the bot token). The file object of a file_share message event."""
        port = self._server.server_address[1]
        url = f"http://127.0.0.1:{port}/files-pri/T0ACME-{file_id}/{name}"
        info = {"id": file_id, "created": 1790000000, "timestamp": 1790000000, "name": name,
                "title": name, "mimetype": mimetype, "filetype": name.rsplit(".", 1)[-1],
                "pretty_type": mimetype, "user": user, "mode": "hosted", "editable": False,
                "is_external": False, "external_type": "", "size": len(data),
                "url_private": url, "url_private_download": f"{url}?download=1",
                "permalink": f"https://acme.slack.com/files/{user}/{file_id}/{name}",
                "is_public": False}
        with self._lock:
            self.files[file_id] = (info, data)
        return dict(info)

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """The arguments of every successful-or-not call to ``method``, oldest first."""
        with self._lock:
            return [c.args for c in self.calls if c.method == method]

    def posted(self, channel: str | None = None) -> list[dict[str, Any]]:
        """chat.postMessage calls Slack accepted (optionally to one channel id, or user's DM)."""
        with self._lock:
            accepted = [c.args for c in self.calls
                        if c.method == "chat.postMessage" and c.args.get("_ok")]
        return [a for a in accepted
                if channel is None or self.channel_id(str(a.get("channel"))) == channel]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Wait (bounded) until ``method`` was called ``count`` times; return the calls."""
        return wait_until(lambda: len(self.calls_to(method)) >= count and self.calls_to(method),
                          timeout, f"{method} x{count}")

    # --- the server
    def _answer(self, method: str, args: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            if self.down_status is not None:
                return self.down_status, {}, "Service Unavailable"
            for failure in self.failures:
                if failure.channel is not None and failure.channel != self.channel_id(
                        str(args.get("channel"))):
                    continue
                if failure.method == method and failure.times > 0:
                    failure.times -= 1
                    headers = {"Retry-After": str(failure.retry_after)} \
                        if failure.retry_after is not None else {}
                    if failure.error is not None:
                        return 200, headers, {"ok": False, "error": failure.error}
                    if failure.status == 429:
                        return 429, headers, {"ok": False, "error": "ratelimited"}
                    return failure.status, headers, "<html>Internal Server Error</html>"
            unscoped = refusal(method, self.scopes) if method != "response_url" else None
            if unscoped:
                return 200, {}, unscoped
            refused = self._refusal(method, args)
            if refused:
                return 200, {}, {"ok": False, "error": refused}
            self._ts += 1
            ts = f"{1790000000 + self._ts}.{self._ts:06d}"
            if method == "chat.postMessage":
                channel = self.channel_id(str(args.get("channel")))
                self._issued.add((channel, ts))
                self.messages[(channel, ts)] = self._as_stored(args, ts)
            if method == "chat.update":
                key = (str(args.get("channel")), str(args.get("ts")))
                self.messages[key] = {**self.messages.get(key, {}),
                                      **self._as_stored(args, key[1])}
        return 200, {}, self._ok(method, args, ts)

    @staticmethod
    def _as_stored(args: dict[str, Any], ts: str) -> dict[str, Any]:
        """A message the bot posted, as conversations.history returns it: Slack gives every
        block without a block_id one of its own."""
        blocks = [{"block_id": f"b{ts[-6:]}.{i}", **b}
                  for i, b in enumerate(args.get("blocks") or [])]
        stored = {"type": "message", "ts": ts, "text": args.get("text") or "", "blocks": blocks,
                  "bot_id": "B0BOT", "user": "U0BOT"}
        return {**stored, "thread_ts": args["thread_ts"]} if args.get("thread_ts") else stored

    def _refusal(self, method: str, args: dict[str, Any]) -> str | None:
        """The error Slack answers a call it refuses (checked under the lock)."""
        if method in ("chat.update", "chat.getPermalink"):
            channel = str(args.get("channel"))
            if not ID_RE.match(channel):  # Slack wants the id here, never a #name
                return "channel_not_found"
            if method == "chat.update" and (channel, str(args.get("ts"))) not in self._issued:
                return "message_not_found"
        if method in VIEW_METHODS and (_over_limits(args.get("view")) or view_problems(
                dict(args.get("view") or {}), self.scopes)):
            return "invalid_arguments"
        blocks = args.get("blocks")
        if method in MESSAGE_METHODS and isinstance(blocks, list) and (
                _over_limits(blocks) or blocks_problems(blocks)):
            return "invalid_blocks"  # as Slack answers chat.postMessage (and response_url)
        if method == "chat.postEphemeral":  # only in a conversation the bot is a member of
            channel = str(args.get("channel"))
            if not ID_RE.match(channel):
                return "channel_not_found"
            if channel in self.outside:
                return "not_in_channel"
            if not str(args.get("user") or "").startswith("U"):
                return "user_not_in_channel"
        if method in ("conversations.history", "conversations.replies"):
            channel = str(args.get("channel"))
            if not ID_RE.match(channel):  # a conversation's id: a user id or #name is none
                return "channel_not_found"
            if channel in self.outside:
                return "not_in_channel"
        return None

    def _ok(self, method: str, args: dict[str, Any], ts: str) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "url": "https://acme.slack.com/", "team": "Acme", "team_id":
                    "T0ACME", "user": "crossdesk", "user_id": "U0BOT", "bot_id": "B0BOT"}
        if method == "chat.postMessage":
            return {"ok": True, "channel": self.channel_id(str(args.get("channel"))), "ts": ts,
                    "message": {"text": args.get("text"), "ts": ts}}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "chat.getPermalink":
            channel, message_ts = args.get("channel"), str(args.get("message_ts"))
            return {"ok": True, "channel": channel, "permalink":
                    f"https://acme.slack.com/archives/{channel}/p{message_ts.replace('.', '')}"}
        if method in ("views.open", "views.update", "views.push", "views.publish"):
            view = dict(args.get("view") or {})
            return {"ok": True, "view": {**view, "id": args.get("view_id") or f"V{ts[-6:]}",
                                         "hash": f"h{ts}"}}
        if method in ("conversations.history", "conversations.replies"):
            found = self._history(method, args)
            limit = int(args.get("limit") or 100) if method == "conversations.history" \
                else len(found)  # history's default page is 100 messages
            return {"ok": True, "has_more": len(found) > limit, "messages": found[:limit]}
        if method == "files.info":
            shared = self.files.get(str(args.get("file")))
            return {"ok": True, "file": shared[0]} if shared else {
                "ok": False, "error": "file_not_found"}
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": self.channel_id(str(args.get("users")))}}
        if method == "files.getUploadURLExternal":
            port = self._server.server_address[1]
            return {"ok": True, "upload_url": f"http://127.0.0.1:{port}/upload/F{ts[-6:]}",
                    "file_id": f"F{ts[-6:]}"}
        if method == "files.completeUploadExternal":
            return {"ok": True, "files": [{"id": f["id"]} for f in args.get("files") or []]}
        if method == "apps.connections.open":
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True}

    def _history(self, method: str, args: dict[str, Any]) -> list[dict[str, Any]]:
        """conversations.history (top-level messages up to ``latest``, newest first) or
        .replies (the thread of ``ts``, oldest first), from ``messages``; every page."""
        channel = str(args.get("channel"))
        here = sorted(((ts, m) for (c, ts), m in self.messages.items() if c == channel),
                      key=lambda item: float(item[0]))
        if method == "conversations.replies":
            root = str(args.get("ts"))
            root = str(self.messages.get((channel, root), {}).get("thread_ts") or root)
            return [m for ts, m in here if ts == root or m.get("thread_ts") == root]
        latest = float(args.get("latest") or "inf")
        inclusive = str(args.get("inclusive")).lower() in ("1", "true")
        top = [m for ts, m in here if m.get("thread_ts") in (None, ts)
               and (float(ts) < latest or (inclusive and float(ts) == latest))]
        return list(reversed(top))

    @staticmethod
    def channel_id(channel: str) -> str:
        """The id Slack would report for a channel name, id or user id (a DM)."""
        if channel.startswith("U"):
            return "D" + channel[1:]
        if ID_RE.match(channel):
            return channel
        return "C" + re.sub(r"[^A-Z0-9]", "", channel.upper())[:12]

    def _record(self, method: str, args: dict[str, Any], token: str | None, ok: bool) -> None:
        with self._lock:
            self.calls.append(Call(method, {**args, "_ok": ok}, token))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self.do_POST()

            def do_POST(self) -> None:
                parsed = urlparse(self.path)
                method = parsed.path.rsplit("/", 1)[-1]
                if parsed.path.startswith("/respond/"):
                    method = "response_url"
                length = int(self.headers.get("Content-Length") or 0)
                if parsed.path.startswith("/files-pri/"):
                    self._download(parsed.path)
                    return
                if parsed.path.startswith("/upload/"):
                    data = self.rfile.read(length)
                    fake._record("upload", {"path": parsed.path, "bytes": len(data),
                                            "png": data[:8] == b"\x89PNG\r\n\x1a\n",
                                            "sha256": hashlib.sha256(data).hexdigest()},
                                 None, True)
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"OK")
                    return
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                args: dict[str, Any] = dict(parse_qsl(parsed.query))
                if "json" in (self.headers.get("Content-Type") or ""):
                    args.update(json.loads(raw or "{}"))
                else:
                    args.update({k: _decode(v) for k, v in parse_qsl(raw)})
                auth = self.headers.get("Authorization") or ""
                status, headers, body = fake._answer(method, args)
                ok = status == 200 and isinstance(body, dict) and bool(body.get("ok"))
                fake._record(method, args, auth.removeprefix("Bearer ") or None, ok)
                data = (json.dumps(body) if isinstance(body, dict) else body).encode()
                self.send_response(status)
                ctype = "application/json" if isinstance(body, dict) else "text/html"
                self.send_header("Content-Type", f"{ctype}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _download(self, path: str) -> None:
                """url_private: the file with the bot token (files:read); without it, Slack's
                sign-in page (HTML, 200)."""
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                status, headers, body = fake._answer("files.download", {"path": path})
                file_id = path.split("/")[2].rsplit("-", 1)[-1]
                shared = fake.files.get(file_id)
                ok = status == 200 and bool(shared) and token.startswith("xoxb-") and \
                    "files:read" in fake.scopes
                fake._record("files.download", {"path": path}, token or None, ok)
                if status != 200:
                    data, kind = b"<html>Server Error</html>", "text/html"
                elif shared is None:
                    status, data, kind = 404, b"Not Found", "text/plain"
                elif not ok:
                    data, kind = b"<html>Sign in to Slack</html>", "text/html; charset=utf-8"
                else:
                    data, kind = shared[1], str(shared[0].get("mimetype"))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def wait_until(check: Callable[[], Any], timeout: float = 5.0, what: str = "condition",
               poll: float = 0.01) -> Any:
    """Poll ``check`` every ``poll`` seconds until it returns something truthy; fail after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(poll)
