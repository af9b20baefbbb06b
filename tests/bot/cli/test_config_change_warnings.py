"""Config changes an operator makes, as they see them: `check-config` warns of a person it
drops (renamed or removed) who still has open requests, and `tick` tells of a changed config
only when it changes what the sweep works with, in words that say what it does."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from bot.cli.main import app
from tests.bot.cli.test_tick_config_change import OPEN, invoke, tick
from tests.conftest import EXAMPLE

SAMPLE = EXAMPLE.read_text(encoding="utf-8")
IT_MEMBERS = 'members = ["dave", "kevin"]'
KATE = '[[people]]\nid = "kate"'
# Yang Li, in IT, with no Slack or WeCom id (``handles``: lines such as 'slack = "U0YANG"')
YANG = '[[people]]\nid = "{id}"\nname = "Yang Li"\n{handles}\n'
# Yang asks for IT-1 and is given IT-2, which Henry asked for
TRAFFIC = ("@now 2026-11-23T09:00\n"
           "yang> /request it account-access reset my password\n"
           "henry> /request it account-access new laptop login\n"
           "dave> /request assign IT-2 yang\n")
DROPPED = "'yang' (Yang Li) is no longer in [[people]] but has open requests"


def config(tmp_path: Path, name: str, yang: str | None, handles: str = "") -> Path:
    """The sample config with Yang in IT under the id ``yang`` (None: without Yang)."""
    assert IT_MEMBERS in SAMPLE and KATE in SAMPLE
    text = SAMPLE
    if yang is not None:
        text = text.replace(IT_MEMBERS, f'members = ["dave", "kevin", "{yang}"]', 1)
        text = text.replace(KATE, YANG.format(id=yang, handles=handles) + "\n" + KATE, 1)
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def check(path: Path, url: str) -> str:
    result = CliRunner().invoke(app, ["check-config", "--config", str(path), "--database-url",
                                      url, "--now", "2026-11-23T10:00"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())  # the lines as one, whatever the wrapping


def with_yang(tmp_path: Path, url: str, handles: str = "") -> None:
    """IT-1 (asked by Yang) and IT-2 (assigned to Yang) open in the database at ``url``."""
    out = invoke("chat", "--config", str(config(tmp_path, "before", "yang", handles)),
                 "--database-url", url, input=TRAFFIC)
    assert "IT-1" in out and "IT-2" in out, out


# --- a person dropped with open requests --------------------------------------------------

def test_renaming_a_person_without_platform_ids_warns_of_their_open_requests(
        engine: Engine, database_url: str, tmp_path):
    with_yang(tmp_path, database_url)
    out = check(config(tmp_path, "renamed", "yangli"), database_url)
    assert f"{DROPPED} (1 as requester, 1 as assignee)" in out, out
    assert 'if they were renamed, keep the old id (id = "yang");' in out, out
    assert "`/request assign`" in out and "`/request cancel`" in out, out


def test_removing_a_person_warns_and_names_the_id_that_would_merge_a_rename(
        engine: Engine, database_url: str, tmp_path):
    """Removed: the warning, naming the Slack id a new entry could take over; renamed with
    that id (merged, as the merge warning says) or kept: no warning of them."""
    with_yang(tmp_path, database_url, handles='slack = "U0YANG"')
    out = check(config(tmp_path, "removed", None), database_url)
    assert f"{DROPPED} (1 as requester, 1 as assignee)" in out, out
    assert 'or give the new entry slack = "U0YANG" so their history is merged into it' in out
    merged = check(config(tmp_path, "merged", "yangli", 'slack = "U0YANG"'), database_url)
    assert "'yang' (who has slack id U0YANG) will be merged into 'yangli'" in merged, merged
    assert "no longer in [[people]]" not in merged, merged
    kept = check(config(tmp_path, "kept", "yang", 'slack = "U0YANG"'), database_url)
    assert "people:" not in kept, kept


def test_removing_an_approver_warns_of_the_step_waiting_for_them(
        engine: Engine, database_url: str, tmp_path):
    """Henry's manager Yang approves laptops for him: IT-1 waits for Yang's approval."""
    approval = ('# approval = "manager"', 'approval = "manager"')
    manager = ('wecom = "lihua"\nmanager = "grace"', 'wecom = "lihua"\nmanager = "yang"')
    assert all(old in SAMPLE for old, _ in (approval, manager))
    before = config(tmp_path, "approver", "yang")
    text = before.read_text(encoding="utf-8")
    before.write_text(text.replace(*approval, 1).replace(*manager, 1), encoding="utf-8")
    out = invoke("chat", "--config", str(before), "--database-url", database_url,
                 input="@now 2026-11-23T09:00\nhenry> /request it laptop new one please\n")
    assert "[to yang]" in out and "/request approve IT-1" in out, out
    out = check(config(tmp_path, "removed", None), database_url)
    assert f"{DROPPED} (1 as approver)" in out, out
    assert "an approval step with none of its approvers left in the config is decided by an " \
           "admin" in out, out
    assert "if they left" not in out, out  # nothing of theirs to assign or cancel

# --- what tick says of a changed config ---------------------------------------------------

def test_a_change_only_to_retention_reschedules_nothing(engine: Engine, database_url: str,
                                                       tmp_path):
    invoke("chat", "--config", str(EXAMPLE), "--database-url", database_url, input=OPEN)
    kept_less = tmp_path / "retention.toml"
    kept_less.write_text(SAMPLE + '\n[retention]\ndetails_after = "2y"\n', encoding="utf-8")
    out = tick(kept_less, database_url, "2026-11-23T10:00")
    assert "config" not in out and out.startswith("swept 1 request,"), out


def test_a_renamed_person_is_not_said_to_reschedule_anything(engine: Engine, database_url: str,
                                                            tmp_path):
    with_yang(tmp_path, database_url)
    tick(config(tmp_path, "before", "yang"), database_url, "2026-11-23T09:05")  # next: 09:45
    out = tick(config(tmp_path, "renamed", "yangli"), database_url, "2026-11-23T09:10")
    first = out.splitlines()[0]
    assert first == "config changed: 2 open requests will be looked at again by the next sweep"
    assert "rescheduled" not in out, out
