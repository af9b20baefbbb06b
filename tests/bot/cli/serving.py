"""Waiting for a `crossdesk serve` started by a test to answer `/healthz`."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx


def wait_health(base: str, proc: subprocess.Popen[bytes], log: Path) -> dict:
    """The first 200 answer of ``base``/healthz (45 s at most); the serve log on failure."""
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            answer = httpx.get(f"{base}/healthz", timeout=1)
            if answer.status_code == 200:
                return answer.json()
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"serve did not answer on {base}:\n{log.read_text()}")
