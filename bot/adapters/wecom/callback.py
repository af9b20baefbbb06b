"""GET and POST /wecom/callback: verify, decrypt, answer at once, work in the background."""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.adapters.wecom.crypto_guard import CallbackGuard, Rejected
from bot.adapters.wecom.inbound import Inbound, from_xml
from bot.server import read_limited

log = logging.getLogger(__name__)
PATH = "/wecom/callback"


def callback_route(guard: CallbackGuard, accept: Callable[[Inbound], None],
                   agent_id: int, path: str = PATH) -> Route:
    """The Starlette route WeCom calls; ``accept`` queues the work and returns at once."""

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
        try:
            xml = await run_in_threadpool(guard.open, params, body)
        except Rejected as exc:
            log.warning("WeCom callback refused: %s", exc)
            return PlainTextResponse("forbidden", status_code=403)
        try:
            inbound = from_xml(xml)
        except Exception:  # authentic but unreadable: nothing to do, and no retry wanted
            log.exception("could not parse a WeCom callback")
            return PlainTextResponse("")
        if inbound is not None and inbound.agent_id in (None, agent_id):
            accept(inbound)
        return PlainTextResponse("")

    return Route(path, endpoint, methods=["GET", "POST"])
