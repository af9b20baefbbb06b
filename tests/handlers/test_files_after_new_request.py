"""A file given with a new request (with the command, or during its form's chat) reaches
the desk after the request's root: on Slack it goes into the request's thread."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Transcript

ROOT = "[to #finance-requests] 新请求 FIN-1"
FILE = "[to #finance-requests] 李华 Henry Li 在 FIN-1 中发送了 📎 invoice.jpg"


@pytest.fixture
def invoice(tmp_path: Path) -> Path:
    path = tmp_path / "invoice.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0x")
    return path


def test_a_file_sent_with_a_new_request_follows_its_root(chat: Transcript,
                                                         invoice: Path) -> None:
    chat("@now 2026-11-23T09:05")
    out = chat(f"henry> /request 财务 报销 出租车 86元 [file {invoice}]")
    assert "📎 invoice.jpg (5 B) 已添加到 FIN-1。" in out
    assert ROOT in out and FILE in out
    assert out.index(ROOT) < out.index(FILE), "the request first, then its file"


def test_a_file_kept_during_the_forms_chat_follows_its_root(chat: Transcript,
                                                            invoice: Path) -> None:
    chat("@now 2026-11-23T09:05")
    asked = chat(f"henry> /request 财务 报销 出租车 [file {invoice}]")
    assert "invoice.jpg 将在请求提交时一并添加。" in asked
    out = chat("henry> 86元")
    assert ROOT in out and FILE in out
    assert out.index(ROOT) < out.index(FILE), "the request first, then its file"
