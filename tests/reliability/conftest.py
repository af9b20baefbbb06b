"""Rig for the reliability scenarios: `crossdesk serve` processes on 127.0.0.1 (bounded in
number and time, always stopped), their config and signed Slack bodies."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import Engine, text

from bot.runtime.config import Settings
from tests.adapters.slack.conftest import (  # noqa: F401 - the adapters' rigs, as fixtures here
    fake_slack,
    http_settings,
    signed_headers,
    slack,
)
from tests.adapters.slack.fake_slack import FakeSlack, wait_until
from tests.adapters.wecom.conftest import fake_api, wecom, wecom_env  # noqa: F401 - fixtures
from tests.conftest import EXAMPLE, PG_URL

CROSSDESK = Path(sys.executable).parent / "crossdesk"
SECRET = "reliability-signing-secret"
FORM = "application/x-www-form-urlencoded"
MAX_PROCESSES = 4  # no scenario runs more serve processes than this at once

pg_only = pytest.mark.skipif(
    not PG_URL, reason="reliability scenario for PostgreSQL: set CROSSDESK_TEST_DATABASE_URL")


def free_port() -> int:
    """A 127.0.0.1 port nothing listens on yet."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_config(path: Path, port: int, *, slack_url: str | None = None,
                 wecom_url: str | None = None, dispatch_seconds: int = 1,
                 sweep_seconds: int = 60, extra: str = "") -> Path:
    """The sample company's config with Slack (HTTP mode) and/or WeCom at local stand-ins."""
    text = EXAMPLE.read_text(encoding="utf-8") + extra
    if slack_url:
        text += f'\n[slack]\nmode = "http"\napi_base_url = "{slack_url}"\n'
    if wecom_url:
        text += f'\n[wecom]\nenabled = true\napi_base_url = "{wecom_url}"\n'
    text += (f'\n[server]\nhost = "127.0.0.1"\nport = {port}\n'
             f"dispatch_seconds = {dispatch_seconds}\nsweep_seconds = {sweep_seconds}\n")
    path.write_text(text, encoding="utf-8")
    return path


def extra_departments(count: int) -> tuple[str, list[tuple[str, str]]]:
    """TOML for ``count`` more desks (a bigger company: more channels to post to in
    parallel, each paced to one post a second), and their (department, category) keys."""
    parts, keys = [], []
    for n in range(count):
        key = f"desk{n:02d}"
        prefix = "X" + chr(ord("A") + n % 26) + ("" if n < 26 else chr(ord("A") + n // 26))
        parts.append(
            f'\n[[departments]]\nkey = "{key}"\nprefix = "{prefix}"\nname = "Desk {n:02d}"\n'
            f'name_zh = "服务台{n:02d}"\naliases = []\nleads = ["carol"]\n'
            f'members = ["carol", "bob"]\nchannel = "{key}-requests"\n'
            f'\n[[departments.categories]]\nkey = "task"\nname = "Task"\nname_zh = "事务"\n'
            f'aliases = []\npriority = "P3"\nfirst_response = "4h"\nresolution = "3d"\n')
        keys.append((key, "task"))
    return "".join(parts), keys


def healthy(base: str) -> bool:
    """True when ``base``/healthz answers 200."""
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


class ServeProcess:
    """One `crossdesk serve` process on a fixed port; its output goes to a log file."""

    def __init__(self, name: str, config: Path, port: int, database_url: str,
                 env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.config = config
        self.port = port
        self.database_url = database_url
        self.env = env
        self.log_dir = log_dir
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def events_url(self) -> str:
        return f"{self.base}/slack/events"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def launch(self) -> ServeProcess:
        """Start the process (returns at once; see wait_healthy)."""
        assert not self.running(), f"{self.name} is already running"
        self.starts += 1
        log = (self.log_dir / f"{self.name}-{self.starts}.log").open("wb")
        args = [str(CROSSDESK), "serve", "--upgrade", "--config", str(self.config),
                "--database-url", self.database_url]
        self.proc = subprocess.Popen(args, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()
        return self

    def wait_healthy(self, timeout: float = 45.0) -> ServeProcess:
        """Wait (bounded) until /healthz answers 200."""
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while not healthy(self.base):
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.proc.returncode}:\n"
                                     f"{self.log_tail()}")
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"{self.name} did not answer /healthz within {timeout}s:"
                                     f"\n{self.log_tail()}")
            time.sleep(0.05)
        return self

    def start(self, timeout: float = 45.0) -> ServeProcess:
        """Start and wait (bounded) until /healthz answers."""
        return self.launch().wait_healthy(timeout)

    def kill(self) -> None:
        """SIGKILL to serve (and anything it started): no shutdown work at all, as when a
        host dies."""
        if self.running():
            assert self.proc is not None
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: see launch
            self.proc.wait(timeout=15)

    def terminate(self, timeout: float = 40.0) -> int:
        """SIGTERM and wait for the graceful shutdown; the exit status (killed if too slow)."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError(f"{self.name} did not stop within {timeout}s") from None
        return int(self.proc.returncode)

    def stop(self) -> None:
        """Stop whatever way works (teardown)."""
        if self.running():
            with contextlib.suppress(AssertionError):
                self.terminate(timeout=20)
        self.kill()

    def rss_kb(self) -> int:
        """Resident set size of serve and any children, from /proc/<pid>/status."""
        return sum(_rss_kb(pid) for pid in (self.pid, *_children(self.pid)))

    def log_text(self) -> str:
        return "\n".join(p.read_text(encoding="utf-8", errors="replace")
                         for p in sorted(self.log_dir.glob(f"{self.name}-*.log")))

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


def _rss_kb(pid: int) -> int:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:  # exited meanwhile
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("VmRSS:")), 0)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


class Processes:
    """Every serve process a test started; all are stopped at teardown."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.started: list[ServeProcess] = []

    def serve(self, name: str, config: Path, port: int, database_url: str,
              env: dict[str, str]) -> ServeProcess:
        assert len(self.started) < MAX_PROCESSES, "too many serve processes for one scenario"
        proc = ServeProcess(name, config, port, database_url, env, self.log_dir)
        self.started.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self.started:
            proc.stop()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    """Start serve processes through this; they are all stopped after the test."""
    procs = Processes(tmp_path)
    try:
        yield procs
    finally:
        procs.stop_all()


def slack_env(**more: str) -> dict[str, str]:
    """The environment of a serve process with Slack secrets (and ``more``)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "WECOM_", "CROSSDESK_"))}
    return {**env, "SLACK_BOT_TOKEN": "xoxb-reliability", "SLACK_SIGNING_SECRET": SECRET,
            **more}


def command_body(user: str, text: str, response_url: str, *, command: str = "/request",
                 trigger_id: str | None = None, channel: str = "C0GENERAL") -> str:
    """A slash command as Slack posts it (form-encoded)."""
    return urlencode({
        "token": "legacy", "team_id": "T0ACME", "team_domain": "acme", "channel_id": channel,
        "channel_name": "general", "user_id": user, "user_name": user.lower(),
        "command": command, "text": text, "api_app_id": "A0DESK",
        "response_url": response_url, "trigger_id": trigger_id or uuid.uuid4().hex,
    })


def signed(body: str, content_type: str = FORM, **extra: str) -> dict[str, str]:
    """Headers of a genuine Slack request for ``body`` (signed now), plus ``extra``."""
    return {**signed_headers(body, content_type, secret=SECRET), **extra}


def post_command(client: httpx.Client, url: str, body: str, **extra: str) -> httpx.Response:
    """POST a signed slash command body."""
    return client.post(url, content=body, headers=signed(body, **extra), timeout=10)


def started_fake_slack() -> FakeSlack:
    """The Slack Web API stand-in with the users the scenarios use."""
    fake = FakeSlack().start()
    return fake


def consistency_problems(engine: Engine, settings: Settings) -> list[str]:
    """What is wrong with the stored desk: requests without their 'opened' event, gaps in
    request numbers, counters out of step, outbox rows addressed to nobody."""
    problems: list[str] = []
    with engine.connect() as conn:
        orphans = conn.execute(text(
            "SELECT r.ref FROM request r WHERE NOT EXISTS (SELECT 1 FROM event e "
            "WHERE e.request_id = r.id AND e.kind = 'opened')")).scalars().all()
        problems += [f"{ref} has no 'opened' event" for ref in orphans]
        numbers: dict[str, list[int]] = {}
        for dep, number in conn.execute(text(
                "SELECT origin_department, number FROM request ORDER BY number")).all():
            numbers.setdefault(dep, []).append(int(number))
        counters: dict[str, int] = dict(conn.execute(text(
            "SELECT department, last_number FROM department_counter")).all())
        people_ids = set(conn.execute(text("SELECT id FROM person")).scalars().all())
        targets = conn.execute(text("SELECT DISTINCT target FROM outbox")).scalars().all()
        refs = conn.execute(text("SELECT ref, origin_department, number FROM request")).all()
    prefixes = {d.key: d.prefix for d in settings.catalog.departments}
    for dep, got in numbers.items():
        if got != list(range(1, len(got) + 1)):
            problems.append(f"{dep}: request numbers are not 1..{len(got)}: {got[:20]}")
        if counters.get(dep) != len(got):
            problems.append(f"{dep}: counter says {counters.get(dep)}, {len(got)} requests")
    problems += [f"{ref} does not match {dep} #{n}" for ref, dep, n in refs
                 if ref != f"{prefixes.get(dep)}-{n}"]
    departments = set(prefixes)
    channels = {d.channel for d in settings.catalog.departments}
    channels.add(str(settings.policy.admin_channel))
    for target in targets:
        kind, _, who = str(target).partition(":")
        known = ((kind == "dept" and who in departments) or (kind == "person" and who in
                 people_ids) or (kind == "channel" and who in channels))
        if not known:
            problems.append(f"outbox row addressed to unknown target {target!r}")
    return problems


def wait_for(check: Any, timeout: float, what: str, poll: float = 0.5) -> Any:
    """``check()``'s first truthy result, polled every ``poll`` seconds (slower than the
    adapters' default: these checks query the database)."""
    return wait_until(check, timeout, what, poll)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(1, -(-len(ordered) * pct // 100)) - 1
    return ordered[int(min(index, len(ordered) - 1))]


FIGURES: list[str] = []


def report(title: str, **figures: Any) -> None:
    """Print a scenario's figures; they are repeated in the terminal summary at the end."""
    lines = [f"[reliability] {title}"] + [f"    {k} = {v}" for k, v in figures.items()]
    FIGURES.append("\n".join(lines))
    print(FIGURES[-1], flush=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Show every scenario's figures, whatever the capture mode."""
    if FIGURES:
        terminalreporter.section("crossdesk reliability figures")
        for block in FIGURES:
            terminalreporter.write_line(block)
