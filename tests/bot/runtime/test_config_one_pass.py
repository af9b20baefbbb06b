"""`check-config` refuses a desk channel with no name, lists every problem in one pass, and
`init` names the file it wrote in its check-config hint."""

from __future__ import annotations

import shlex
from pathlib import Path

from typer.testing import CliRunner

from bot.cli.main import app
from tests.bot.runtime.test_config import EXAMPLE_TEXT, check_config, edited, problems_of, write

FINANCE = 'channel = "finance-requests"\n'
WECOM_ONLY = 'wecom_chat = "wrkFINANCE01"\n'


def test_an_empty_channel_is_refused_naming_the_department_and_the_fix(tmp_path):
    for empty in ('channel = ""\n', 'channel = "  "\n'):
        result = check_config(write(tmp_path, edited((FINANCE, empty))))
        assert result.exit_code == 1, result.output
        assert "is valid" not in result.output
        assert ("departments[0].channel: is empty: the messages of department 'finance' would "
                "go to a channel with no name; write the channel, e.g. channel = "
                "\"finance-requests\", or remove the key") in " ".join(result.output.split())


def test_a_wecom_desk_without_a_channel_stays_valid(tmp_path):
    result = check_config(write(tmp_path, edited((FINANCE, WECOM_ONLY))))
    assert result.exit_code == 0, result.output
    assert "is valid" in result.output


def test_the_default_channel_is_documented_in_the_example():
    assert '"<key>-requests"' in EXAMPLE_TEXT


def test_a_person_without_an_id_still_has_their_other_keys_checked(tmp_path):
    path = write(tmp_path, edited(('id = "alice"\n', ''),
                                  ('locale = "en"\nmanager = "henry"',
                                   'locale = "fr"\nmanager = "henry"')))
    found = [(p.key, p.message) for p in problems_of(path)]
    person = next(key.removesuffix(".id") for key, message in found
                  if key.endswith(".id") and message.startswith("missing"))
    assert any(key == f"{person}.locale" and "'fr'" in message for key, message in found)


def test_a_bad_digest_day_does_not_hide_a_bad_time(tmp_path):
    path = write(tmp_path, edited(('[digest]\nday = "mon"', '[digest]\nday = "funday"'),
                                  ('time = "09:30"\ntimeliness', 'time = "9h"\ntimeliness')))
    keys = [p.key for p in problems_of(path)]
    assert "digest.day" in keys and "digest.time" in keys


def test_init_with_another_config_names_it_in_the_hint(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "x" / "sub" / "my config.toml"
    result = CliRunner().invoke(app, ["init", "--config", str(target)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    hint = f"crossdesk check-config --config {shlex.quote(str(target))}"
    assert f"edit it, then run {hint}\n" in result.output
    # the database is the config's database_url, relative to where init ran
    assert (tmp_path / "crossdesk.db").exists()
    assert not (target.parent / "crossdesk.db").exists()
    # and the hint, run as printed, checks the file that was written
    args = shlex.split(hint)[1:]
    checked = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert checked.exit_code == 0, checked.output
    assert checked.output.startswith(f"{target} is valid")


def test_init_with_the_default_config_keeps_the_short_hint(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["init"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "edit it, then run crossdesk check-config\n" in result.output
    assert Path("config.toml").exists()


def test_an_amount_field_refused_for_its_type_is_not_called_unknown_by_the_approval(tmp_path):
    text = edited(('instructions_zh = "超过 90 天的票据不予报销。"\n',
                   'instructions_zh = "超过 90 天的票据不予报销。"\n'
                   'approval = { amount_field = "amount", steps = [ { approvers = ["manager"] } '
                   "] }\n"),
                  ('type = "amount"\ncurrency = "CNY"', 'type = "amout"\ncurrency = "CNY"'))
    result = check_config(write(tmp_path, text))
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert "amout" in said, "the field's own problem is reported"
    assert "is not a field of this service" not in said, said


def test_an_unknown_manager_names_the_persons_place_in_the_file(tmp_path):
    """people[3] is carol whatever happened to the people before her (here root's id is
    missing, so root is not accepted)."""
    path = write(tmp_path, edited(('id = "root"\n', ''),
                                  ('manager = "grace"\n\n[[people]]\nid = "bob"',
                                   'manager = "gracie"\n\n[[people]]\nid = "bob"')))
    found = {p.key: p.message for p in problems_of(path)}
    assert found["people[3].manager"] == ("unknown person 'gracie'; use the id of someone in "
                                          "[[people]]")
