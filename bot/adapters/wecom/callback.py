"""GET and POST /wecom/callback: verify, decrypt, run and commit, answer 200, then deliver.

The callback's nonce is claimed in the transaction of the command it runs (a replay: 403, and
nothing ran); one that runs nothing claims it on its own. A message refused as busy or not
stored claimed nothing, so the same callback again runs once, as WeCom's retry would.

A message is run before the 200 (it takes milliseconds; WeCom waits 5 s): the change and the
answer's outbox rows commit together, so what got a 200 is stored, and a redelivery of it
(same ``MsgId``, new nonce) is answered 200 without running again. The answer is sent right
after the response. When the desk could not store it (busy, database away) the person is
told so in an encrypted passive reply, and nothing was stored. One still running when WeCom's
5 s are nearly up is answered "still working" in a passive reply (``WeComPlatform.receive``):
it runs on, and its answer follows once committed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from wechatpy.enterprise.replies import TextReply

from bot.adapters.wecom.crypto_guard import CallbackGuard, Rejected
from bot.adapters.wecom.inbound import Callback, from_xml
from bot.runtime.server import read_limited
from handlers.inbound import Replayed
from handlers.messages import Reply

log = logging.getLogger(__name__)
PATH = "/wecom/callback"

Receive = Callable[[Callback], Reply | None]
Deliver = Callable[[Sequence[int]], None]


def callback_route(guard: CallbackGuard, receive: Receive, deliver: Deliver,
                   agent_id: int) -> Route:
    """The Starlette route WeCom calls: ``receive`` runs a callback (in a thread) and
    ``deliver`` sends its answer rows after the response."""

    async def endpoint(request: Request) -> Response:
        params = dict(request.query_params)
        if request.method == "GET":
            try:
                echo = await run_in_threadpool(guard.verify_url, params)
            except Rejected as exc:
                log.warning("WeCom URL verification refused: %s", exc)
                return PlainTextResponse("forbidden", status_code=403)
            return PlainTextResponse(echo)
        body = await read_limited(request)
        if body is None:
            return PlainTextResponse("payload too large", status_code=413)
        return await run_in_threadpool(answer, params, body)  # one thread hop for it all

    def answer(params: dict[str, str], body: bytes) -> Response:
        """Open, parse and run one message callback (in a worker thread): its response."""
        try:
            xml = guard.open(params, body)
        except Rejected as exc:
            log.warning("WeCom callback refused: %s", exc)
            return PlainTextResponse("forbidden", status_code=403)
        try:
            callback = from_xml(xml)
        except Exception:  # authentic but unreadable: nothing to do, and no retry wanted
            log.exception("could not parse a WeCom callback")
            return PlainTextResponse("")
        try:
            if callback is None or callback.agent_id not in (None, agent_id):
                guard.claim(params["nonce"])
                return PlainTextResponse("")
            reply = receive(replace(callback, nonce=params["nonce"]))
            if reply is None:  # ran nothing: its nonce is claimed on its own
                guard.claim(params["nonce"])
        except (Rejected, Replayed) as exc:
            log.warning("WeCom callback refused: %s", exc)
            return PlainTextResponse("forbidden", status_code=403)
        if reply is None or reply.repeat:
            return PlainTextResponse("")
        if not reply.answer_rows:  # nothing was stored: say so in the reply itself
            return PlainTextResponse(passive_reply(guard, callback, reply.text, params,
                                                   agent_id))
        return PlainTextResponse("", background=BackgroundTask(deliver, reply.answer_rows))

    return Route(PATH, endpoint, methods=["GET", "POST"])


def passive_reply(guard: CallbackGuard, callback: Callback, text: str,
                  params: dict[str, str], agent_id: int) -> str:
    """An encrypted text reply in the callback's response (WeCom shows it to the person)."""
    reply = TextReply(source=callback.corp_id, target=callback.userid, content=text,
                      agent=agent_id, time=int(guard.clock().timestamp()))
    nonce = params.get("nonce", "")
    return str(guard.crypto.encrypt_message(reply.render(), nonce, params.get("timestamp")))
