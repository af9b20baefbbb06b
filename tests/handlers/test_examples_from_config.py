"""Hints give examples from the company crossdesk is configured for, not the sample's: its
departments, services, request ids and people, and dates near today (never a fixed day)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.runtime import app as app_mod
from bot.runtime import config as config_mod
from tests.conftest import Transcript

# IT, HR, Legal and Facilities: no finance desk, nobody called bob. zoe requests (en); max
# works at IT and fiona at HR, both in Chinese.
CONFIG = '''
[bot]
timezone = "Asia/Shanghai"
locale = "en"
admins = ["root"]

[calendar]
workdays = ["mon", "tue", "wed", "thu", "fri"]
hours = ["09:00-12:00", "13:30-18:00"]

[[people]]
id = "root"
name = "Admin"

[[people]]
id = "zoe"
name = "Zoe Requester"

[[people]]
id = "ivy"
name = "艾薇 Ivy"

[[people]]
id = "max"
name = "马克 Max"
locale = "zh-CN"

[[people]]
id = "fiona"
name = "菲奥娜 Fiona"
locale = "zh-CN"

[[people]]
id = "hana"
name = "哈娜 Hana"

[[people]]
id = "lars"
name = "Lars"

[[people]]
id = "tom"
name = "Tom"

[[departments]]
key = "it"
prefix = "IT"
name = "IT"
name_zh = "信息技术部"
leads = ["ivy"]
members = ["ivy", "max"]
channel = "it-requests"

[[departments.categories]]
key = "laptop"
name = "Laptop"
name_zh = "笔记本"
priority = "P3"
first_response = "4h"
resolution = "1d"

[[departments.categories]]
key = "access"
name = "Access"
name_zh = "权限"
priority = "P3"
first_response = "4h"
resolution = "1d"

[[departments.categories.fields]]
key = "user"
name = "User"
name_zh = "用户"
type = "person"
required = true

[[departments]]
key = "hr"
prefix = "HR"
name = "HR"
name_zh = "人力资源部"
leads = ["fiona"]
members = ["fiona", "hana"]
channel = "hr-requests"

[[departments.categories]]
key = "leave-letter"
name = "Leave letter"
name_zh = "休假证明"
priority = "P4"
first_response = "1d"
resolution = "2d"

[[departments.categories.fields]]
key = "first_day"
name = "First day"
name_zh = "开始日期"
type = "date"
required = true

[[departments.categories.fields]]
key = "last_day"
name = "Last day"
name_zh = "结束日期"
type = "date"
required = true
not_before = "first_day"

[[departments]]
key = "legal"
prefix = "LEG"
name = "Legal"
name_zh = "法务部"
leads = ["lars"]
members = ["lars"]
channel = "legal-requests"

[[departments.categories]]
key = "contract"
name = "Contract review"
name_zh = "合同审核"
priority = "P3"
first_response = "4h"
resolution = "3d"

[[departments.categories]]
key = "expense"
name = "Legal expense"
name_zh = "法务费用"
priority = "P3"
first_response = "4h"
resolution = "3d"

[[departments.categories.fields]]
key = "amount"
name = "Amount"
name_zh = "金额"
type = "amount"
currency = "CNY"
required = true

[[departments.categories.fields]]
key = "paid_on"
name = "Date paid"
name_zh = "付款日期"
type = "date"
required = true

[[departments]]
key = "facilities"
prefix = "FAC"
name = "Facilities"
name_zh = "行政部"
leads = ["tom"]
members = ["tom"]
channel = "facilities-requests"

[[departments.categories]]
key = "repair"
name = "Repair"
name_zh = "维修"
priority = "P3"
first_response = "4h"
resolution = "2d"
'''
SAMPLE = ("finance", "Finance", "FIN-", "财务", "reimbursement", "报销", "bob", "alice",
          "carol", "2026-12-10", "2026-12-12", "2026-11-20", "taxi", "出租车")


@pytest.fixture
def desk(tmp_path: Path, engine, clock) -> Transcript:
    """A console on the IT/HR/Legal/Facilities company, Monday 2026-11-23 09:00."""
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    app = app_mod.build(config_mod.load(path), clock, engine=engine, upgrade=False)
    return Transcript(app, clock)


def no_sample(out: str) -> None:
    """Nothing of the sample company in ``out``."""
    assert not [word for word in SAMPLE if word in out], out


def test_the_catalog_example_names_the_first_department_and_service(desk):
    out = desk("zoe> /request", "max> /request")
    assert "e.g. `/request it laptop <details>`." in out
    assert "例如 `/request 信息技术部 笔记本 <说明>`。" in out
    no_sample(out)


def test_which_request_shows_an_id_of_the_persons_own_requests_or_desk(desk):
    desk("max> /request hr leave-letter visa first_day=11-30 last_day=12-02")
    out = desk("max> 评分 5", "ivy> /request ack", "zoe> /request cancel")
    # max's own request is at HR; ivy works at IT; zoe has none and works nowhere: the first
    assert "例如 `/request 评分 HR-12 5`" in out
    assert "e.g. `/request ack IT-12`." in out
    assert "e.g. `/request cancel IT-12`." in out
    no_sample(out)


def test_away_names_a_day_to_come_and_a_colleague(desk):
    out = desk("fiona> /request away until 2026-11-01 delegate max", "fiona> /request away",
               "ivy> /request away")
    assert "请写成 `/request 休假 至 2026-11-26 代理 max`。" in out  # three days on, the
    # delegate typed kept (copying the example must not hand the approvals to someone else)
    assert "请写明休假到哪天、由谁代为审批：`/request 休假 至 2026-11-26 代理 hana`。" in out
    assert "`/request away until 2026-11-26 delegate max`." in out
    no_sample(out)


def test_help_names_the_companys_ids_and_a_day_to_come(desk):
    out = desk("zoe> /request help", "max> /request 帮助")
    assert "start it with the ID: `IT-12 …`" in out
    assert "`propose ID 2026-11-26 solution`" in out and "`away until 2026-11-26 delegate" in out
    assert "或以单号开头：`IT-12 …`" in out and "`休假 至 2026-11-26 代理 人员`" in out
    no_sample(out)


def test_form_examples_are_dates_near_today_and_people_of_the_company(desk):
    leave = desk("zoe> /request hr leave-letter visa")
    assert "Please give the First day, e.g. 2026-11-26, 11-26." in leave  # a range: to come
    last = desk("zoe> 11-30")
    assert "Please give the Last day, e.g. 2026-11-30, 11-30." in last  # not before the first
    paid = desk("max> /request legal expense court fee 86元")
    assert "请填写付款日期，例如 2026-11-21、11月21日。" in paid  # a day gone by
    user = desk("zoe> /request it access vpn", "max> /request it access vpn")
    assert "e.g. root." in user  # anyone but zoe; for max, his colleague at IT
    assert "例如 ivy。" in user
    no_sample(leave + last + paid + user)


def test_proposals_name_a_day_to_come(desk):
    desk("zoe> /request it laptop screen broken", "ivy> /request ack IT-1")
    out = desk("ivy> /request propose IT-1", "ivy> /request propose IT-1 11-31 fix")
    assert "e.g. `/request propose IT-1 2026-11-26 <solution>`." in out
    assert "Write a date such as 2026-11-26 or 11-26" in out
    desk("ivy> /request propose IT-1 3d new screen on order")
    counter = desk("zoe> /request counter IT-1")
    assert "e.g. `/request counter IT-1 2026-11-26`." in counter
    no_sample(out + counter)


def test_a_catalog_whose_first_service_takes_an_amount_shows_a_sum(tmp_path, engine, clock):
    head, *blocks = CONFIG.split("[[departments]]\n")
    legal = next(b for b in blocks if b.startswith('key = "legal"'))
    contract = legal[legal.index("[[departments.categories]]"):legal.index(
        '[[departments.categories]]\nkey = "expense"')]
    path = tmp_path / "config.toml"
    path.write_text(head + "[[departments]]\n" + legal.replace(contract, ""), encoding="utf-8")
    chat = Transcript(app_mod.build(config_mod.load(path), clock, engine=engine,
                                    upgrade=False), clock)
    out = chat("zoe> /request", "max> /request")
    assert "e.g. `/request legal expense <details> 86 CNY`." in out
    assert "例如 `/request 法务部 法务费用 <说明> 86元`。" in out
