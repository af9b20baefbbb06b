"""One ASGI app (Starlette under uvicorn): adapters' routes, /healthz and /metrics."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

MAX_BODY = 1024 * 1024

HealthCheck = Callable[[], tuple[bool, dict[str, Any]]]


def build_server(routes: Sequence[BaseRoute], health: HealthCheck | None = None,
                 metrics: Callable[[], bytes] | None = None) -> Starlette:
    """The shared HTTP app: each adapter contributes its routes (e.g. /slack/events)."""

    async def healthz(_request: Request) -> Response:
        ok, detail = health() if health else (True, {})
        return JSONResponse({"ok": ok, **detail}, status_code=200 if ok else 503)

    async def metrics_endpoint(_request: Request) -> Response:
        body = metrics() if metrics else b""
        return PlainTextResponse(body, media_type="text/plain; version=0.0.4")

    return Starlette(routes=[
        *routes,
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
    ])


async def read_limited(request: Request, limit: int = MAX_BODY) -> bytes | None:
    """The raw body, or None when it is larger than ``limit`` (answer 413)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            return None
    return bytes(body)
