"""Counts read as words, not "request(s)": the command line says "swept 1 request", "1 problem
in …", "2 problems"; the chat says a request goes for approval in "1 step" or "3 steps"."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli.main import app
from bot.runtime.plural import count
from handlers.i18n import t
from tests.bot.runtime.test_config import edited, write
from tests.bot.runtime.test_holiday_check import GAP, check
from tests.conftest import EXAMPLE
from tests.handlers.test_approval import company

OPEN = "@now 2026-11-23T09:00\nhenry> /request finance reimbursement taxi 86 CNY\n"


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": "200"})


def test_count_says_one_noun_or_many():
    assert count(1, "person", "people") == "1 person"
    assert [count(n, "step", "steps") for n in (0, 2)] == ["0 steps", "2 steps"]


def test_tick_says_it_swept_one_request(engine, database_url):
    chat = invoke("chat", "--config", str(EXAMPLE), "--database-url", database_url, input=OPEN)
    assert chat.exit_code == 0, chat.output
    result = invoke("tick", "--config", str(EXAMPLE), "--database-url", database_url,
                    "--now", "2026-11-23T10:00")
    assert result.exit_code == 0, result.output
    swept = [line for line in result.output.splitlines() if line.startswith("swept ")]
    assert swept and swept[0].startswith("swept 1 request, claimed 0 reminders; "), swept


def test_check_config_counts_one_problem_and_two_problems(tmp_path: Path):
    one = write(tmp_path, edited(('locale = "en"', 'locale = "fr"')), "one.toml")
    result = invoke("check-config", "--config", str(one))
    assert result.exit_code == 1 and f"1 problem in {one}:" in result.output, result.output
    two = write(tmp_path, edited(('locale = "en"', 'locale = "fr"'),
                                 extra='\n[slack]\nmode = "websocket"\n'), "two.toml")
    result = invoke("check-config", "--config", str(two))
    assert result.exit_code == 1 and f"2 problems in {two}:" in result.output, result.output


def test_check_config_counts_one_warning(tmp_path: Path):
    output = check(write(tmp_path, edited()), f"{GAP}-06-01T10:00")
    assert "\n1 warning:\n" in output, output


def test_an_approval_of_one_step_and_of_three_steps(tmp_path, engine, clock):
    desk = company(tmp_path, engine, clock)
    one = desk("alice> /request finance reimbursement 金额=86 taxi to the client")
    assert "is sent for approval to 李华 Henry Li (1 step). Finance gets it" in one, one
    three = desk("alice> /request finance reimbursement 金额=8,600 hotel for the fair")
    assert "(3 steps). Finance gets it once approved" in three, three
    assert "step(s)" not in one + three


def test_a_digest_that_renegotiated_one_request():
    line = t("en", "digest.negotiated", n=1, met=1, total=1, original="0%", agreed="100%")
    assert line.startswith("Renegotiated: 1 request · agreed dates met 1 of 1 · "), line
    assert t("zh-CN", "digest.negotiated", n=1, met=1, total=1, original="0%",
             agreed="100%").startswith("重新协商：1 个请求 · ")
