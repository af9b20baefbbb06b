"""What the serve benchmarks share: a real ``crossdesk serve`` child, a platform API stand-in
in a process of its own, an asyncio load generator on keep-alive connections, the databases.

Used by bench/slack_http.py and bench/wecom_callback.py; not a benchmark by itself.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import math
import multiprocessing as mp
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/crossdesk_bench"
REF = re.compile(r"\b[A-Z]{2,4}-\d+\b")


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (inf for no values)."""
    if not values:
        return math.inf
    ordered = sorted(values)
    return ordered[max(1, math.ceil(pct / 100 * len(ordered))) - 1]


def free_port() -> int:
    """A port nothing listens on yet."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB, from /proc/<pid>/status (VmRSS); nan when gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return math.nan


def cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system) ``pid`` used so far, from /proc/<pid>/stat; nan when gone. A
    figure per command that other work on the machine barely moves, unlike wall time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return math.nan


def mark(ok: bool) -> str:
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


# --------------------------------------------------------------------------- databases


def sqlite_url(path: Path) -> str:
    """A fresh SQLite file (serve migrates it when it starts: ``--upgrade``)."""
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    return f"sqlite:///{path}"


def postgres_url(url: str) -> str | None:
    """The bench database, created if missing, its schema dropped and rebuilt empty (serve
    migrates it); None when PostgreSQL is unreachable. Refuses ``test`` and the system ones."""
    from bench_pg import ensure_database, reset_schema

    from storage.engine import normalize_url

    url = normalize_url(url)
    if not ensure_database(url):
        return None
    reset_schema(url)
    return url


def count_titles(url: str, pattern: re.Pattern[str]) -> tuple[Counter[str], dict[str, str]]:
    """How many requests carry each ``pattern`` match in their title, and the request ref of
    each match (read after serve stopped)."""
    from sqlalchemy import text

    from storage.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT ref, title FROM request")).all()
    finally:
        engine.dispose()
    counts: Counter[str] = Counter()
    refs: dict[str, str] = {}
    for ref, title in rows:
        found = pattern.search(str(title))
        if found:
            counts[found.group(1)] += 1
            refs[found.group(1)] = str(ref)
    return counts, refs


# --------------------------------------------------------------------------- crossdesk serve


def write_config(directory: Path, port: int, extra: str) -> Path:
    """The sample company's config plus ``[server]`` on ``port`` and ``extra`` TOML."""
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    text += (f'\n[server]\nhost = "127.0.0.1"\nport = {port}\nsweep_seconds = 60\n'
             f"dispatch_seconds = 5\n{extra}")
    path = directory / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


class Serve:
    """``python -m bot serve`` as a child process, its log in a file."""

    def __init__(self, directory: Path, database_url: str, extra_config: str,
                 env: dict[str, str], label: str) -> None:
        self.port = free_port()
        self.label = label
        config = write_config(directory, self.port, extra_config)
        self.log_path = directory / f"serve-{label}.log"
        self.log_file = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--config", str(config),
             "--database-url", database_url, "--upgrade"],
            cwd=ROOT, env={**os.environ, **env}, stdout=self.log_file,
            stderr=subprocess.STDOUT)
        self.exit_status: int | None = None
        self._wait_healthy()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"crossdesk serve exited ({self.proc.returncode}):\n"
                                   + self.log_path.read_text(encoding="utf-8")[-3000:])
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                ok = conn.getresponse().status == 200
                conn.close()
                if ok:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("crossdesk serve did not become healthy")

    def stop(self) -> int:
        """SIGTERM (a graceful stop), then its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log_file.close()
        self.exit_status = self.proc.returncode
        return self.exit_status

    def problems(self) -> list[str]:
        """Log lines worth a look: warnings, errors, tracebacks (first line of each kind)."""
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return [line for line in lines
                if any(word in line for word in ("WARNING", "ERROR", "CRITICAL", "Traceback",
                                                 "Error", "Exception"))]

    def keep_log(self, name: str) -> Path:
        """Copy the log to bench/out/ (for the report); its path."""
        OUT.mkdir(exist_ok=True)
        target = OUT / f"{name}-{self.label}.log"
        target.write_text(self.log_path.read_text(encoding="utf-8", errors="replace"),
                          encoding="utf-8")
        return target


def summarize_problems(lines: list[str], limit: int = 6) -> list[str]:
    """Distinct problem lines (numbers and refs blanked) with their counts, most frequent
    first."""
    counts: Counter[str] = Counter()
    for line in lines:
        shape = re.sub(r"\d+", "N", line.split(" ", 2)[-1] if line[:4].isdigit() else line)
        counts[shape[:160]] += 1
    return [f"{n:>6} × {shape}" for shape, n in counts.most_common(limit)]


# --------------------------------------------------------------------------- API stand-in


def _field(body: bytes, name: str) -> str | None:
    """A field of a JSON or form-encoded Web API call."""
    text = body.decode("utf-8", "replace")
    try:
        value = json.loads(text).get(name)
    except (ValueError, AttributeError):
        value = (parse_qs(text).get(name) or [None])[0]
    return str(value) if value else None


def _slack_reply(path: str, _query: dict[str, str], body: bytes) -> dict[str, Any]:
    method = path.rsplit("/", 1)[-1]
    reply: dict[str, Any] = {"ok": True}
    if method == "auth.test":
        reply.update(user_id="U0BOT", bot_id="B0BOT", team_id="T0ACME", user="crossdesk")
    elif method == "users.info":
        user = _field(body, "user") or "U0NEW"
        reply["user"] = {"id": user, "name": user.lower(), "real_name": f"Bench {user}",
                         "locale": "en-US", "profile": {"real_name": f"Bench {user}",
                                                        "display_name": user.lower()}}
    elif method in ("chat.postMessage", "chat.postEphemeral", "chat.update"):
        reply.update(channel=_field(body, "channel") or "C0BENCH", ts=f"{time.time():.6f}")
    elif method == "conversations.list":
        reply["channels"] = []
        reply["response_metadata"] = {"next_cursor": ""}
    return reply


def _wecom_reply(path: str, query: dict[str, str], _body: bytes,
                 count: int) -> dict[str, Any]:
    name = path.removeprefix("/cgi-bin/")
    if name == "gettoken":
        return {"errcode": 0, "errmsg": "ok", "access_token": "TOKEN-bench", "expires_in": 7200}
    if name == "message/send":
        return {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": f"msg-{count}",
                "response_code": f"rc-{count}"}
    if name == "user/get":
        userid = query.get("userid", "")
        return {"errcode": 0, "errmsg": "ok", "userid": userid, "name": f"Bench {userid}",
                "department": [1]}
    return {"errcode": 0, "errmsg": "ok"}


def standin_main(kind: str, conn: Any) -> None:
    """Child process: the platform's side. Answers every API call as the platform would,
    counts the calls by path and records, with their arrival time (time.time()), the POSTs
    that carry answers: Slack response_url POSTs (/respond/<n>) and chat.postMessage, WeCom
    message/send."""
    counts: Counter[str] = Counter()
    records: list[dict[str, Any]] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._handle(b"")

        def do_POST(self) -> None:  # noqa: N802
            at = time.time()
            self._handle(self.rfile.read(int(self.headers.get("Content-Length") or 0)), at)

        def _handle(self, body: bytes, at: float | None = None) -> None:
            at = at or time.time()
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            with lock:
                counts[url.path] += 1
                count = counts[url.path]
                if url.path.startswith("/respond/") or url.path.endswith(
                        ("/message/send", "/chat.postMessage")):
                    records.append({"at": at, "path": url.path,
                                    "body": body.decode("utf-8", "replace")})
            if url.path.startswith("/respond/"):
                reply: dict[str, Any] | None = None
            elif kind == "slack":
                reply = _slack_reply(url.path, query, body)
            else:
                reply = _wecom_reply(url.path, query, body, count)
            data = b"ok" if reply is None else json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    conn.send(server.server_address[1])
    while True:
        command = conn.recv()
        if command == "stop":
            break
        with lock:
            if command == "counts":
                conn.send(dict(counts))
            else:  # ("records", since)
                conn.send(records[int(command[1]):])
    server.shutdown()


class StandIn:
    """The Slack Web API (+ response_url) or the WeCom API, in a process of its own."""

    def __init__(self, kind: str) -> None:
        self.conn, child_end = mp.Pipe()
        self.process = mp.get_context("spawn").Process(target=standin_main,
                                                       args=(kind, child_end), daemon=True)
        self.process.start()
        self.port = int(self.conn.recv())
        self.base = f"http://127.0.0.1:{self.port}"

    def counts(self) -> dict[str, int]:
        """Calls so far by path."""
        self.conn.send("counts")
        return dict(self.conn.recv())

    def records(self, since: int = 0) -> list[dict[str, Any]]:
        """Answer-carrying POSTs so far (arrival time, path, body)."""
        self.conn.send(("records", since))
        return list(self.conn.recv())

    def close(self) -> None:
        with suppress(OSError, ValueError):
            self.conn.send("stop")
        self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()


# --------------------------------------------------------------------------- load


@dataclass
class Sent:
    """One request of a load: when it left (time.time()), its round trip, status, body."""

    at: float = 0.0
    ms: float = math.inf
    status: int = 0
    body: bytes = b""


@dataclass
class Load:
    """What a load run saw, by request number, and its wall time."""

    sent: dict[int, Sent] = field(default_factory=dict)
    seconds: float = 0.0
    failures: int = 0


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = next((int(line.split(":", 1)[1]) for line in lines[1:]
                   if line.lower().startswith("content-length:")), 0)
    return status, await reader.readexactly(length) if length else b""


def run_load(port: int, numbers: list[int], wire: Callable[[int], bytes], clients: int,
             pause: float = 0.0) -> Load:
    """Send ``wire(n)`` for every n from ``clients`` keep-alive connections in one asyncio
    loop (each client takes the next number when its previous answer is in), timing each."""
    result = Load()
    cursor = iter(numbers)

    async def one_client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for n in cursor:
            data = wire(n)
            item = result.sent[n] = Sent(at=time.time())
            start = time.perf_counter()
            try:
                writer.write(data)
                item.status, item.body = await asyncio.wait_for(_read_response(reader), 60)
                item.ms = (time.perf_counter() - start) * 1000
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                result.failures += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            if pause:
                await asyncio.sleep(pause)
        writer.close()

    async def everyone() -> None:
        await asyncio.gather(*(one_client() for _ in range(min(clients, len(numbers)))))

    began = time.perf_counter()
    asyncio.run(everyone())
    result.seconds = time.perf_counter() - began
    return result


def http_post(path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """One POST as it goes on the wire (HTTP/1.1, keep-alive)."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body
