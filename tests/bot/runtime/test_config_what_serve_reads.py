"""What an operator's trial found `check-config` let through though it breaks the desk: the
[server] and [logging] values `serve` refuses, blank names, platform ids that reach no
channel, an emoji name with spaces; and `db check` lists the platform tables' problems as
`check-config` does."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from tests.bot.runtime.test_config import edited, problems_of, write

FINANCE = 'channel = "finance-requests"\n'


@pytest.mark.parametrize(("table", "key", "says"), [
    ('[server]\nport = "eighty"', "server.port", "'eighty' is not a TCP port"),
    ('[server]\nhost = ""', "server.host", "'' is not a host to listen on"),
    ("[server]\nsweep_seconds = 0", "server.sweep_seconds", "0 is not a number of seconds"),
    ('[server]\ndispatch_seconds = "5"', "server.dispatch_seconds",
     "'5' is not a number of seconds"),
    ('[logging]\nformat = "xml"', "logging.format", "'xml' is not a log format"),
    ('[logging]\naccess_log = "yes"', "logging.access_log", "'yes' is not true or false"),
])
def test_server_and_logging_values_serve_refuses_are_problems(tmp_path, table, key, says):
    found = {p.key: p.message for p in problems_of(write(tmp_path, edited(extra=f"\n{table}\n")))}
    assert list(found) == [key]
    assert found[key].startswith(says)


def test_good_server_and_logging_values_pass(tmp_path):
    path = write(tmp_path, edited(extra='\n[server]\nhost = "0.0.0.0"\nport = 9000\n'
                                        'sweep_seconds = 30\n[logging]\nformat = "json"\n'))
    assert CliRunner().invoke(app, ["check-config", "--config", str(path)]).exit_code == 0


@pytest.mark.parametrize(("old", "new", "key"), [
    ('name = "Finance"', 'name = ""', "departments[0].name"),
    ('name_zh = "财务部"', 'name_zh = "  "', "departments[0].name_zh"),
    ('name = "Reimbursement"', 'name = ""', "departments[0].categories[0].name"),
])
def test_a_blank_name_is_refused(tmp_path, old, new, key):
    found = {p.key: p.message for p in problems_of(write(tmp_path, edited((old, new))))}
    assert key in found and "is not a name" in found[key], found


@pytest.mark.parametrize(("line", "key"), [
    ('slack_channel = "finance desk"\n', "slack_channel"),
    ('wecom_chat = ""\n', "wecom_chat"),
    ('slack_usergroup = "finance-team"\n', "slack_usergroup"),
])
def test_a_platform_id_that_reaches_nothing_is_refused(tmp_path, line, key):
    found = {p.key: p.message for p in problems_of(write(tmp_path, edited((FINANCE,
                                                                           FINANCE + line))))}
    assert list(found) == [f"departments[0].{key}"], found
    assert "e.g." in found[f"departments[0].{key}"]


def test_good_platform_ids_pass(tmp_path):
    path = write(tmp_path, edited((FINANCE, FINANCE + 'slack_channel = "#C0123ABCD"\n'
                                   'wecom_chat = "wrkFIN01"\nslack_usergroup = "S0FIN"\n')))
    assert CliRunner().invoke(app, ["check-config", "--config", str(path)]).exit_code == 0


def test_an_emoji_name_with_spaces_is_refused(tmp_path):
    path = write(tmp_path, edited(extra='\n[slack]\nreactions = { "white check mark" = '
                                        '"resolve", eyes = "ack" }\n'))
    result = CliRunner().invoke(app, ["check-config", "--config", str(path)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 1 and "1 problem" in result.output
    assert "slack.reactions.white check mark: is not an emoji name" in result.output


def test_db_check_lists_the_platform_tables_problems_too(tmp_path):
    path = write(tmp_path, edited(('locale = "en"', 'locale = "fr"'),
                                  extra='\n[slack]\nmode = "sockets"\n'))
    result = CliRunner().invoke(app, ["db", "check", "--config", str(path), "--database-url",
                                      f"sqlite:///{tmp_path / 'x.db'}"], env={"COLUMNS": "200"})
    assert result.exit_code == 4 and "2 problems" in result.output, result.output
    assert "slack.mode: 'sockets' is not a mode" in result.output


@pytest.mark.parametrize(("pid", "fix"), [("Zoe Zhao", "zoe.zhao"), ("max>", "max"),
                                          ("li@hr", "li.hr")])
def test_a_person_id_that_cannot_be_typed_is_refused(tmp_path, pid, fix):
    found = {p.key: p.message for p in problems_of(write(tmp_path, edited(
        ('id = "root"', f'id = "{pid}"'), ('admins = ["root"]', f'admins = ["{pid}"]'))))}
    assert list(found) == ["people[0].id"], found
    assert found["people[0].id"].startswith(f"{pid!r} cannot be typed as one word")
    assert found["people[0].id"].endswith(f'e.g. "{fix}"')


def test_a_misspelled_table_header_is_named_with_the_toml_error(tmp_path):
    """TOML fails lines later, at the next [[departments.categories]]; the header is named."""
    text = edited(("[[departments]]\n", "[[departmentz]]\n"), ("[digest]", "[digets]"))
    found = [(p.key, p.message) for p in problems_of(write(tmp_path, text))]
    assert found[0][1].startswith("not valid TOML")
    lines = text.splitlines()
    where = lines.index("[[departmentz]]") + 1
    assert (f"line {where}", "[[departmentz]] is not a table crossdesk reads; did you mean "
            "[[departments]]?") in found
    assert any(m == "[digets] is not a table crossdesk reads; did you mean [digest]?"
               for _, m in found)
