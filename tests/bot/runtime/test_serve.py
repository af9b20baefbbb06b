"""`crossdesk serve` as a real process: signed Slack requests in, Web API calls out."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from tests.adapters.slack.conftest import signed_headers
from tests.adapters.slack.fake_slack import FakeSlack, wait_until
from tests.conftest import EXAMPLE, PG_URL

CROSSDESK = Path(sys.executable).parent / "crossdesk"
SECRET = "serve-test-signing-secret"
BOT_TOKEN = "xoxb-serve-test-token-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def fake_slack():
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def served(tmp_path, fake_slack, database_url, engine):
    port = free_port()
    config = tmp_path / "config.toml"
    config.write_text(
        EXAMPLE.read_text(encoding="utf-8")
        + f'\n[slack]\nmode = "http"\napi_base_url = "{fake_slack.url}"\n'
        + f"\n[server]\nhost = \"127.0.0.1\"\nport = {port}\ndispatch_seconds = 1\n",
        encoding="utf-8",
    )
    env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET}
    args = [str(CROSSDESK), "serve", "--config", str(config), "--database-url", database_url,
            "--log-format", "json"]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _healthy(base), timeout=30, what="crossdesk serve to answer /healthz")
        yield proc, base, args, env
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def slash(base: str, user: str, text: str, fake: FakeSlack) -> httpx.Response:
    body = urlencode({
        "team_id": "T0ACME", "channel_id": "C0GENERAL", "user_id": user, "command": "/request",
        "text": text, "response_url": fake.response_url(), "trigger_id": uuid.uuid4().hex,
        "api_app_id": "A0DESK",
    })
    headers = signed_headers(body, "application/x-www-form-urlencoded", secret=SECRET)
    return httpx.post(f"{base}/slack/events", content=body, headers=headers, timeout=10)


def test_serve_takes_a_slash_command_posts_to_the_channel_and_stops_on_sigterm(served,
                                                                                fake_slack):
    proc, base, _args, _env = served
    health = httpx.get(f"{base}/healthz", timeout=5).json()
    assert health["database"] is True and health["scheduler"] is True
    opened = slash(base, "U0ALICE", "finance reimbursement taxi 86 CNY", fake_slack)
    assert opened.status_code == 200
    posted = wait_until(lambda: [p for p in fake_slack.posted() if "FIN-1" in str(p)],
                        timeout=20, what="the new request in Finance's channel")
    assert posted
    metrics = httpx.get(f"{base}/metrics", timeout=5).text
    assert 'crossdesk_commands_total{command="open",outcome="ok"} 1.0' in metrics
    assert 'crossdesk_notifications_total{outcome="sent",platform="slack"}' in metrics
    assert "crossdesk_outbox_lag_seconds" in metrics and "crossdesk_handler_seconds" in metrics
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    logs = proc.stdout.read() if proc.stdout else ""
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    assert lines and all({"ts", "level", "msg"} <= set(line) for line in lines)
    assert SECRET not in logs and BOT_TOKEN not in logs
    assert "taxi 86" not in logs  # message bodies stay out of the logs
    assert "/slack/events" not in logs and "/healthz" not in logs  # no line per request
    assert "Running job" not in logs and "executed successfully" not in logs  # nor per pass


def test_forged_request_is_refused_and_stores_nothing(served, fake_slack, engine):
    _proc, base, _args, _env = served
    body = urlencode({"user_id": "U0ALICE", "command": "/request", "text": "it laptop x"})
    headers = signed_headers(body, "application/x-www-form-urlencoded", secret="wrong")
    assert httpx.post(f"{base}/slack/events", content=body, headers=headers).status_code == 401
    from sqlmodel import Session, select

    from storage.models import Request

    with Session(engine) as s:
        assert s.exec(select(Request)).all() == []


@pytest.mark.skipif(bool(PG_URL), reason="the single-process lock is for SQLite files")
def test_second_serve_on_the_same_sqlite_file_refuses_to_start(served):
    _proc, _base, args, env = served
    second = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 1
    assert "another crossdesk serve is already using" in second.stderr


def test_missing_secret_is_named(tmp_path, database_url):
    config = tmp_path / "config.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8") + '\n[slack]\nmode = "http"\n',
                      encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    proc = subprocess.run([str(CROSSDESK), "serve", "--upgrade", "--config", str(config),
                           "--database-url", database_url], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1
    assert "SLACK_BOT_TOKEN is not set" in proc.stderr


def test_serve_answers_a_command_in_its_ack_from_one_process(served, fake_slack):
    """The answer rides in the ack; serve starts no child process to run commands."""
    proc, base, _args, _env = served
    body = urlencode({
        "team_id": "T0ACME", "channel_id": "C0GENERAL", "user_id": "U0ALICE",
        "command": "/request", "text": "finance reimbursement taxi 86 CNY", "api_app_id": "A0DESK",
        "response_url": f"{fake_slack.response_url()}?probe=one", "trigger_id": uuid.uuid4().hex,
    })
    headers = signed_headers(body, "application/x-www-form-urlencoded", secret=SECRET)
    ack = httpx.post(f"{base}/slack/events", content=body, headers=headers, timeout=10)
    assert ack.status_code == 200 and ack.json()["text"].startswith("Opened FIN-1")
    assert not fake_slack.calls_to("response_url")
    children: set[str] = set()
    for task in Path(f"/proc/{proc.pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            children |= set((task / "children").read_text().split())
    assert children == set(), "one process: no worker beside it"
