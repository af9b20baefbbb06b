"""Files on requests through the console transcript (``[file path]``): kept in the shared
store (the database, or ``[files] dir``), listed in ``show``, passed on to the other side,
and refused politely, saying the limit, with nothing half-written."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.runtime import config as config_mod
from storage.models import Attachment, FileBlob
from tests.conftest import Transcript

OPEN = "henry> /request finance cash-advance taxi 86"


@pytest.fixture
def invoice(tmp_path: Path) -> Path:
    path = tmp_path / "invoice.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + b"x" * 2044)  # 2 KB
    return path


def stored(chat: Transcript) -> list[tuple[Attachment, bytes | None]]:
    with Session(chat.app.desk.engine) as session:
        rows = list(session.exec(select(Attachment)))
        return [(r, (b.data if (b := session.get(FileBlob, r.id)) else None)) for r in rows]


def test_a_requesters_file_reaches_the_desk_thread_and_show_lists_it(
        chat: Transcript, invoice: Path) -> None:
    chat(OPEN)
    out = chat(f"henry@dm:FIN-1> the receipt [file {invoice}]")
    assert "📎 invoice.jpg (2 KB) 已添加到 FIN-1。" in out
    assert "[to #finance-requests] 李华 Henry Li 在 FIN-1 中发送了 📎 invoice.jpg (2 KB)" in out
    ((row, data),) = stored(chat)
    assert data == invoice.read_bytes() and row.state == "stored" and row.location is None
    assert "附件: 📎 invoice.jpg (2 KB)" in chat("henry> /request show FIN-1")
    assert "添加了附件: invoice.jpg" in chat("bob> /request show FIN-1")


def test_a_desk_members_file_reaches_the_requester(chat: Transcript, invoice: Path) -> None:
    chat(OPEN)
    out = chat(f"bob@FIN-1> here is the form [file {invoice}]")
    assert "[to henry] 张伟 Bob Zhang 在 FIN-1 中发送了 📎 invoice.jpg (2 KB)" in out
    assert "[to #finance-requests] 张伟 Bob Zhang 在 FIN-1 中发送了" not in out


def test_an_internal_notes_file_stays_with_the_desk(chat: Transcript, invoice: Path) -> None:
    chat(OPEN)
    out = chat(f"bob@FIN-1> // checked against the ledger [file {invoice}]")
    assert "[to henry]" not in out
    assert "invoice.jpg" not in chat("henry> /request show FIN-1"), "not even in the history"
    desk_view = chat("bob> /request show FIN-1")
    assert "附件: 📎 invoice.jpg" in desk_view
    assert "在内部备注中添加了附件: invoice.jpg" in desk_view


def test_a_file_over_the_limit_is_refused_saying_the_limit(
        chat: Transcript, invoice: Path) -> None:
    chat.app.desk.files = dataclasses.replace(chat.app.desk.files, max_bytes=1024)
    chat(OPEN)
    out = chat(f"henry@dm:FIN-1> [file {invoice}]")
    assert "invoice.jpg 未添加：文件大小为 2 KB，服务台最多保存 1 KB 的文件。" in out
    assert "发送了 📎" not in out and not stored(chat)


def test_a_refused_type_is_answered_with_what_to_send(chat: Transcript, tmp_path: Path) -> None:
    tool = tmp_path / "setup.exe"
    tool.write_bytes(b"MZ")
    chat("alice> /request finance cash-advance hotel 300")
    out = chat(f"alice@dm:FIN-1> [file {tool}]")
    assert "setup.exe was not attached: files of type" in out and "application/pdf" in out
    assert not stored(chat)


def test_with_a_files_folder_the_bytes_go_there_whole(chat: Transcript, invoice: Path,
                                                       tmp_path: Path) -> None:
    folder = tmp_path / "shared-files"
    chat.app.desk.files = dataclasses.replace(chat.app.desk.files, dir=str(folder))
    chat(OPEN)
    chat(f"henry@dm:FIN-1> [file {invoice}]")
    ((row, blob),) = stored(chat)
    assert blob is None and row.location
    assert (folder / row.location).read_bytes() == invoice.read_bytes()
    assert not list(folder.glob("*.part")), "nothing half-written is left"


def test_the_sample_config_keeps_files_in_the_database_up_to_10_mb(
        settings: config_mod.Settings) -> None:
    assert settings.files.dir is None and settings.files.max_bytes == 10 * 1024 * 1024
    assert settings.files.allows("image/jpeg") and not settings.files.allows("application/x-sh")


def test_files_config_is_checked(tmp_path: Path) -> None:
    from tests.conftest import EXAMPLE

    text = re.sub(r"\n\[files\]\n.*?\n\n", "\n\n", EXAMPLE.read_text(encoding="utf-8"),
                  flags=re.S)  # the sample's own [files], replaced below
    good = tmp_path / "good.toml"
    good.write_text(text + '\n[files]\ndir = "files"\nmax_size = "2MB"\n'
                    'types = ["image/*", "application/pdf"]\n', encoding="utf-8")
    files = config_mod.load(good).files
    assert (files.dir, files.max_bytes) == ("files", 2 * 1024 * 1024)
    assert files.allows("image/png") and not files.allows("application/zip")
    bad = tmp_path / "bad.toml"
    bad.write_text(text + '\n[files]\nmax_size = "huge"\ntypes = "images"\n', encoding="utf-8")
    with pytest.raises(config_mod.ConfigError) as error:
        config_mod.load(bad)
    keys = {p.key for p in error.value.problems}
    assert {"files.max_size", "files.types"} <= keys
