"""Callback checks beyond wechatpy: signature and corp id, a 5-minute window, no replayed nonce.

A callback that runs a command claims its nonce in the command's own transaction
(``Inbound.nonce``); the others (URL verification, callbacks that run nothing) here."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import Engine
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import InvalidSignatureException

from handlers.desk import Clock
from storage import deliveries
from storage.engine import transaction

log = logging.getLogger(__name__)
WINDOW = timedelta(minutes=5)
MAX_NONCE = 128


class Rejected(Exception):
    """A callback we refuse with 403; nothing about it was stored."""


class CallbackGuard:
    """Checks in order: timestamp window, signature and decryption (corp id), then the nonce."""

    def __init__(self, crypto: WeChatCrypto, engine: Engine, clock: Clock) -> None:
        self.crypto = crypto
        self.engine = engine
        self.clock = clock

    def verify_url(self, params: Mapping[str, str]) -> str:
        """URL verification (GET): the decrypted echostr to send back."""
        signature, timestamp, nonce = self._fresh(params)
        with _refusals():
            plain = self.crypto.check_signature(signature, timestamp, nonce,
                                                params.get("echostr", ""))
        self.claim(nonce)
        return str(plain)

    def open(self, params: Mapping[str, str], body: bytes) -> str:
        """A message callback (POST): its decrypted XML. Its nonce is not claimed yet: the
        command it runs claims it (``Inbound.nonce``), else ``claim``."""
        signature, timestamp, nonce = self._fresh(params)
        with _refusals():
            xml = self.crypto.decrypt_message(body, signature, timestamp, nonce)
        return str(xml)

    def _fresh(self, params: Mapping[str, str]) -> tuple[str, str, str]:
        signature = params.get("msg_signature", "")
        timestamp = params.get("timestamp", "")
        nonce = params.get("nonce", "")
        if not (signature and timestamp.isdigit() and nonce) or len(nonce) > MAX_NONCE:
            raise Rejected("missing or malformed msg_signature, timestamp or nonce")
        skew = abs(self.clock().timestamp() - int(timestamp))
        if skew > WINDOW.total_seconds():
            raise Rejected(f"timestamp {timestamp} is {skew:.0f} s away from our clock")
        return signature, timestamp, nonce

    def claim(self, nonce: str) -> None:
        """Claim a nonce in a transaction of its own; Rejected when it was used before."""
        with transaction(self.engine) as session:
            fresh = deliveries.claim_nonce(session, nonce, self.clock())
        if not fresh:
            raise Rejected(f"nonce {nonce!r} was already used (replay)")


@contextmanager
def _refusals() -> Iterator[None]:
    """Map wechatpy's verdicts (and undecryptable input) onto Rejected."""
    try:
        yield
    except InvalidSignatureException as exc:
        raise Rejected("bad signature") from exc
    except InvalidCorpIdException as exc:
        raise Rejected("message is for another corp id") from exc
    except Exception as exc:
        raise Rejected(f"undecryptable callback ({type(exc).__name__})") from exc
