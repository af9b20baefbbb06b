"""Scenario 4: forged, replayed and hostile input (SQLite and PostgreSQL).

A real `crossdesk serve` with Slack (HTTP mode) and WeCom enabled, against both stand-ins:
forged or stale Slack requests get 401, replayed, stale or foreign WeCom callbacks 403, and
none of them stores anything. Then thousands of random and hostile chat lines: a few hundred
through the real Bolt app over HTTP, the rest straight into DeskApp.handle (hypothesis). Every
one gets a non-empty answer with no exception, nothing renders as a live mention or markup,
and afterwards the database is consistent."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import random
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import xmltodict
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as h_settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select
from wechatpy.enterprise.crypto import WeChatCrypto  # noqa: TID251 - WeCom's own crypto

from bot.adapters.slack.blocks import fallback_text, reply_payload
from bot.adapters.wecom.render import MENTION_ALL, bodies
from bot.runtime.app import DeskApp
from bot.runtime.config import Settings
from handlers.drafts import draft_for
from handlers.messages import Message
from storage.models import Event, Outbox, Person, Request, SeenNonce
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.wecom.conftest import text_xml
from tests.adapters.wecom.fake_api import FakeWeCom
from tests.conftest import PG_URL
from tests.reliability import hostile, slash
from tests.reliability.conftest import (
    FORM,
    Processes,
    ServeProcess,
    command_body,
    consistency_problems,
    free_port,
    report,
    serve_config,
    signed,
    slack_env,
    wait_for,
)

CORP_ID = "ww0123456789abcdef"
AGENT_ID = 1000002
TOKEN = "reliabilitytoken"
AES_KEY = base64.b64encode(b"reliability-aes-key-32-bytes!!!!").decode().rstrip("=")
FUZZ_EXAMPLES = int(os.environ.get("CROSSDESK_FUZZ_EXAMPLES", "10000"))
FUZZ_SECONDS = float(os.environ.get("CROSSDESK_FUZZ_SECONDS", "15"))
HTTP_FUZZ = int(os.environ.get("CROSSDESK_FUZZ_HTTP", "150"))
CHUNK = 1000
LIVE_SLACK_MARKUP = re.compile(r"<[!@#]|<https?:")
WECOM_TAG = re.compile(r"</?font|<@", re.IGNORECASE)  # what WeCom markdown acts on


@dataclass
class Served:
    proc: ServeProcess
    slack: FakeSlack
    wecom: FakeWeCom
    crypto: WeChatCrypto

    def wecom_post(self, xml: str, *, nonce: str | None = None, timestamp: int | None = None,
                   crypto: WeChatCrypto | None = None,
                   signature: str | None = None) -> httpx.Response:
        nonce = nonce or uuid.uuid4().hex[:10]
        ts = str(int(time.time()) if timestamp is None else timestamp)
        envelope = (crypto or self.crypto).encrypt_message(xml, nonce, ts)
        sig = signature or xmltodict.parse(envelope)["xml"]["MsgSignature"]
        return httpx.post(f"{self.proc.base}/wecom/callback", content=envelope.encode(),
                          params={"msg_signature": sig, "timestamp": ts, "nonce": nonce},
                          timeout=10)


@pytest.fixture
def served(tmp_path: Any, database_url: str, engine: Engine,
           processes: Processes) -> Iterator[Served]:
    slack, wecom = FakeSlack().start(), FakeWeCom().start()
    port = free_port()
    config = serve_config(tmp_path / "config.toml", port, slack_url=slack.url,
                          wecom_url=wecom.base_url)
    env = slack_env(WECOM_CORP_ID=CORP_ID, WECOM_AGENT_ID=str(AGENT_ID),
                    WECOM_SECRET="s3cret", WECOM_TOKEN=TOKEN, WECOM_AES_KEY=AES_KEY)
    proc = processes.serve("hostile", config, port, database_url, env)
    try:
        proc.start()
        yield Served(proc, slack, wecom, WeChatCrypto(TOKEN, AES_KEY, CORP_ID))
    finally:
        proc.stop()
        slack.stop()
        wecom.stop()


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as s:
        return {m.__name__: int(s.exec(select(func.count()).select_from(m)).one())
                for m in (Person, Request, Event, Outbox, SeenNonce)}


# --------------------------------------------------------------------------- forged input


def test_forged_stale_and_replayed_requests_are_refused_and_store_nothing(
        served: Served, engine: Engine) -> None:
    events = f"{served.proc.base}/slack/events"
    body = command_body("U0ALICE", "it laptop forged", served.slack.response_url())
    before = counts(engine)
    with httpx.Client(timeout=10) as http:
        forged = http.post(events, content=body,
                           headers={**signed(body), "x-slack-signature": "v0=" + "0" * 64})
        stale_ts = int(time.time()) - 301
        stale = http.post(events, content=body, headers=signed_at(body, stale_ts))
        future = http.post(events, content=body, headers=signed_at(body, int(time.time()) + 400))
        unsigned = http.post(events, content=body, headers={"content-type": FORM})
        tampered = http.post(events, content=body.replace("forged", "tampered"),
                             headers=signed(body))
    assert [r.status_code for r in (forged, stale, future, unsigned, tampered)] == [401] * 5

    ts = int(time.time())
    xml = text_xml("wangli", "/request it laptop via wecom", ts)
    bad_sig = served.wecom_post(xml, signature="f" * 40)
    stale_cb = served.wecom_post(xml, timestamp=ts - 301)
    other_corp = served.wecom_post(xml, crypto=WeChatCrypto(TOKEN, AES_KEY, "wwsomeothercorp00"))
    other_key = served.wecom_post(xml, crypto=WeChatCrypto(TOKEN, "a" * 43, CORP_ID))
    assert [r.status_code for r in (bad_sig, stale_cb, other_corp, other_key)] == [403] * 4
    time.sleep(1.0)  # anything wrongly accepted would be handled by now
    assert counts(engine) == before, "a refused request stored something"
    assert served.slack.calls_to("response_url") == []
    assert [c.path for c in served.wecom.calls if c.path != "gettoken"] == []

    genuine = served.wecom_post(xml, nonce="replay-me-1", timestamp=ts)
    assert genuine.status_code == 200
    wait_for(lambda: counts(engine)["Request"] == 1, 20, "the genuine callback's request")
    wait_for(lambda: served.wecom.delivered("message/send"), 20, "the reply to wangli")
    after_genuine = counts(engine)
    replayed = served.wecom_post(xml, nonce="replay-me-1", timestamp=ts)
    assert replayed.status_code == 403
    time.sleep(1.0)
    assert counts(engine) == after_genuine, "the replay stored something"


def signed_at(body: str, timestamp: int) -> dict[str, str]:
    from tests.adapters.slack.conftest import signed_headers
    from tests.reliability.conftest import SECRET

    return signed_headers(body, FORM, timestamp=timestamp, secret=SECRET)


# --------------------------------------------------------------------------- hostile texts


@dataclass
class Verdicts:
    """What went wrong, by kind, with a few examples each."""

    checked: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def bad(self, kind: str, actor: str, text: str) -> None:
        self.problems[kind] += 1
        self.examples.setdefault(kind, [])
        if len(self.examples[kind]) < 3:
            self.examples[kind].append((actor, text[:200]))


def rendering_problems(message: Message) -> list[str]:
    """Live mentions or markup that people's text could smuggle into Slack or WeCom."""
    out = []
    slack_text, blocks = reply_payload_for(message)
    rendered = slack_text + json.dumps(blocks, ensure_ascii=False)
    if LIVE_SLACK_MARKUP.search(rendered):
        out.append("live Slack markup")
    for body in bodies(message):
        content = body[body["msgtype"]]["content"]
        if MENTION_ALL.search(content):
            out.append("live WeCom @all")
        if body["msgtype"] == "markdown" and WECOM_TAG.search(content):
            out.append("live WeCom markdown tag")
    return out


def reply_payload_for(message: Message) -> tuple[str, list[dict[str, Any]]]:
    from handlers.messages import Reply

    text, blocks = reply_payload(Reply((message,)))
    return text + fallback_text(message), blocks


def judge(app: DeskApp, actor: str, text: str, verdicts: Verdicts) -> None:
    verdicts.checked += 1
    try:
        reply = app.handle(actor, text)
    except Exception as exc:  # noqa: BLE001 - the point is that none escapes
        verdicts.bad(f"exception {type(exc).__name__}: {str(exc).splitlines()[0][:80]}",
                     actor, text)
        return
    if not reply.messages or not all(m.text.strip() for m in reply.messages):
        verdicts.bad("empty reply", actor, text)
    for message in reply.messages:
        for problem in rendering_problems(message):
            verdicts.bad(f"reply: {problem}", actor, text)


def test_hostile_texts_all_get_an_answer_and_leave_the_database_consistent(
        served: Served, desk_app: DeskApp, engine: Engine, settings: Settings) -> None:
    started = time.monotonic()
    http = _through_http(served)
    http_seconds = time.monotonic() - started
    served.proc.terminate()  # every command it acked has been answered (checked above)

    verdicts = Verdicts()
    strategy = hostile.texts()
    actors = hostile.ACTORS

    def run(examples: int) -> None:
        @h_settings(max_examples=examples, deadline=None, database=None,
                    phases=[Phase.generate], derandomize=False,
                    suppress_health_check=list(HealthCheck))
        @given(actor=st.sampled_from(actors), text=strategy)
        def one(actor: str, text: str) -> None:
            judge(desk_app, actor, text, verdicts)

        one()

    started = time.monotonic()
    while verdicts.checked < FUZZ_EXAMPLES:  # in chunks, until the count or the time is up
        spent = time.monotonic() - started
        if spent >= FUZZ_SECONDS:
            break
        rate = verdicts.checked / spent if verdicts.checked else 0.0
        fits = int((FUZZ_SECONDS - spent) * rate) if rate else CHUNK
        run(max(1, min(CHUNK, FUZZ_EXAMPLES - verdicts.checked, fits)))
    fuzz_seconds = time.monotonic() - started

    outbox_problems = _outbox_rendering(engine)
    problems = consistency_problems(engine, settings)
    with Session(engine) as s:
        stored = int(s.exec(select(func.count()).select_from(Request)).one())
    report("scenario 4: hostile texts",
           database="postgresql" if PG_URL else "sqlite",
           in_process_examples=verdicts.checked, in_process_seconds=round(fuzz_seconds, 1),
           ms_per_example=round(1000 * fuzz_seconds / max(1, verdicts.checked), 2),
           target_examples=FUZZ_EXAMPLES,
           over_http=http["sent"], http_seconds=round(http_seconds, 1),
           http_answers=http["answered"],
           requests_stored=stored, problems=dict(verdicts.problems),
           outbox_rendering_problems=dict(outbox_problems),
           consistency_problems=len(problems))
    assert not verdicts.problems, verdicts.examples
    assert not http["missing"], http["missing"][:5]
    assert not http["bad"], http["bad"][:5]
    assert not outbox_problems
    assert not problems, problems[:10]


def _through_http(served: Served) -> dict[str, Any]:
    """A few hundred hostile commands through the real Bolt app; each must be answered (in
    the ack, on its response_url, or by the request form opening)."""
    rng = random.Random(20261123)
    users = ["U0ALICE", "U0HENRY", "U0BOB", "U0KEVIN", "U0CAROL", "U0ROOT", "U0FUZZ01"]
    catalog = _catalog(served)
    commands = []
    for i in range(HTTP_FUZZ):
        text = hostile.random_text(rng, max_len=20_000)
        trigger = f"fuzz-{i}-{uuid.uuid4().hex[:8]}"
        url = f"{served.slack.response_url()}?probe={i}"
        commands.append((i, rng.choice(users), text, trigger, url))

    def send(item: tuple[int, str, str, str, str]) -> httpx.Response:
        _, user, text, trigger, url = item
        body = command_body(user, text, url, trigger_id=trigger)
        with httpx.Client(timeout=20) as client:
            return client.post(served.proc.events_url, content=body, headers=signed(body))

    with ThreadPoolExecutor(10) as pool:
        responses = list(pool.map(send, commands))
    assert all(r.status_code == 200 for r in responses), Counter(r.status_code
                                                                  for r in responses)

    def answers() -> tuple[dict[str, dict[str, Any]], set[str]]:
        replies = {str(i): reply for (i, *_), r in zip(commands, responses, strict=True)
                   if (reply := slash.in_ack(r)) is not None}
        replies.update({str(c.get("probe")): c for c in served.slack.calls_to("response_url")})
        forms = {str(c.get("trigger_id")) for c in served.slack.calls_to("views.open")}
        return replies, forms

    def all_answered() -> bool:
        replies, forms = answers()
        return all(str(i) in replies or trigger in forms for i, _, _, trigger, _ in commands)

    with contextlib.suppress(AssertionError):
        wait_for(all_answered, 60, "every hostile command to be answered", poll=0.2)
    replies, forms = answers()
    missing, bad = [], []
    for i, user, text, trigger, _ in commands:
        if trigger in forms:
            if draft_for(text.strip(), catalog) is None:
                bad.append(("opened a form for a command", user, text[:120]))
            continue
        reply = replies.get(str(i))
        if reply is None:
            missing.append((user, text[:120]))
            continue
        shown = str(reply.get("text") or "") + json.dumps(reply.get("blocks"), ensure_ascii=False)
        if not str(reply.get("text") or "").strip():
            bad.append(("empty answer", user, text[:120]))
        if LIVE_SLACK_MARKUP.search(shown):
            bad.append(("live markup in the answer", user, text[:120]))
    log = served.proc.log_text()
    if "Traceback" in log:
        bad.append(("traceback in the serve log", "", log[log.index("Traceback"):][:600]))
    return {"sent": len(commands), "answered": len(commands) - len(missing),
            "missing": missing, "bad": bad}


def _catalog(served: Served) -> Any:
    from bot.runtime import config as config_mod

    return config_mod.load(served.proc.config).catalog


def _outbox_rendering(engine: Engine) -> Counter[str]:
    """Every queued notification, rendered for Slack and WeCom, carries no live markup."""
    found: Counter[str] = Counter()
    with Session(engine) as s:
        for row in s.exec(select(Outbox)):
            for problem in rendering_problems(Message.from_dict(row.payload)):
                found[problem] += 1
    return found


# --------------------------------------------------------------------------- odd characters


def test_nul_and_control_characters_get_an_answer_and_are_not_stored(desk_app: DeskApp,
                                                                     engine: Engine) -> None:
    for actor, text in [("alice", "/request help\x00"), ("kevin", "/request queue \x00"),
                        ("alice", "\x00"), ("alice", "/request\x00list"),
                        ("alice", "/request it laptop a\x00b\x1b[31m c\x07")]:
        reply = desk_app.handle(actor, text)
        assert reply.messages and reply.messages[0].text.strip(), text
    opened = desk_app.handle("alice", "/request it laptop x\x00y\r\nz")
    assert opened.ok and opened.request_ref == "IT-2", opened.text
    with Session(engine) as s:
        details = [r.details for r in s.exec(select(Request).order_by(col(Request.id)))]
    assert details == ["ab[31m c", "xy\nz"]


def test_lone_surrogates_get_an_answer(desk_app: DeskApp) -> None:
    assert desk_app.handle("alice", "/request it laptop \ud800 \ud83d\ude00").ok
    for text in ["/request it laptop \ud800", "/request comment IT-1 \udfff x", "\udc80"]:
        reply = desk_app.handle("alice", text)
        assert reply.messages and reply.messages[0].text.strip()
    with Session(desk_app.desk.engine) as s:
        details = [r.details for r in s.exec(select(Request).order_by(col(Request.id)))]
    assert details[0] == "\ufffd \U0001f600"


def test_a_comment_on_a_cancelled_request_is_refused_politely(desk_app: DeskApp) -> None:
    assert desk_app.handle("alice", "/request it laptop broken").ok
    assert desk_app.handle("alice", "/request cancel IT-1").ok
    for actor in ("alice", "kevin"):
        reply = desk_app.handle(actor, "/request comment IT-1 are you there?")
        assert not reply.ok and "IT-1" in reply.text
