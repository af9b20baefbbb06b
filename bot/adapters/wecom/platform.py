"""WeCom wired together: client, token store, sender, callback route and background workers."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy import Engine
from starlette.routing import BaseRoute
from wechatpy.enterprise.crypto import WeChatCrypto

from bot.adapters.wecom.callback import callback_route
from bot.adapters.wecom.client import WeComClient
from bot.adapters.wecom.config import CLIENT_SECRETS, WeComConfig, load_config, load_secrets
from bot.adapters.wecom.crypto_guard import CallbackGuard
from bot.adapters.wecom.db import reader_for
from bot.adapters.wecom.inbound import Conversation, Inbound
from bot.adapters.wecom.pacing import Pacer
from bot.adapters.wecom.people import Directory
from bot.adapters.wecom.sender import WeComSender
from bot.adapters.wecom.token_store import DatabaseStorage
from bot.adapters.wecom.workers import KeyedWorkers
from bot.app import App
from bot.config import Settings
from bot.routing import PlatformRoute


class WeComPlatform:
    """One WeCom app: its HTTP route, its outbox sender, and the work between them."""

    def __init__(self, app: App, config: WeComConfig, kick: Callable[[], None],
                 api_base_url: str | None = None) -> None:
        secrets = config.secrets
        engine = app.desk.engine
        self.app = app
        self.config = config
        self.reader: Engine = reader_for(engine)
        self.storage = DatabaseStorage(engine, app.clock, self.reader)
        self.client = WeComClient(secrets.corp_id, secrets.secret, session=self.storage,
                                  api_base_url=api_base_url)
        self.directory = Directory(engine, self.reader, app.settings.catalog, self.client,
                                   app.clock)
        self.pacer = Pacer(app.clock)
        self.sender = WeComSender(
            self.client, secrets.agent_id, app.settings.catalog, self.directory, self.pacer,
            robots=config.robot_webhooks, chats=config.chats, admins=app.settings.policy.admins,
        )
        self.conversation = Conversation(app, self.directory, self.sender, kick)
        crypto = WeChatCrypto(secrets.token, secrets.aes_key, secrets.corp_id)
        self.guard = CallbackGuard(crypto, engine, app.clock)
        self.workers = KeyedWorkers()

    def accept(self, inbound: Inbound) -> None:
        """Queue what a person said or clicked, after their earlier messages."""
        self.workers.submit(inbound.userid, lambda: self.conversation.run(inbound))

    def routes(self) -> list[BaseRoute]:
        """GET + POST /wecom/callback, for bot.server.build_server."""
        return [callback_route(self.guard, self.accept, self.config.secrets.agent_id)]

    def route(self) -> PlatformRoute:
        """Who WeCom reaches: people with a WeCom userid, departments with a chat or members."""
        return PlatformRoute(
            name="wecom", sender=self.sender,
            reaches_person=lambda _slack_id, wecom_id: bool(wecom_id),
            reaches_department=self.sender.reaches_department,
        )

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait for queued callback work to finish (tests, graceful shutdown)."""
        return self.workers.wait_idle(timeout)

    def close(self) -> None:
        """Finish background work, then close connections."""
        self.workers.shutdown()
        self.storage.close()
        self.sender.close()
        self.client.close()
        if self.reader is not self.app.desk.engine:
            self.reader.dispose()


def build_wecom(app: App, settings: Settings, kick: Callable[[], None],
                api_base_url: str | None = None,
                environ: Mapping[str, str] | None = None) -> WeComPlatform:
    """The WeCom platform for ``crossdesk serve``; WeComConfigError names what is missing."""
    return WeComPlatform(app, load_config(settings, environ), kick, api_base_url)


def client_from_env(app: App, api_base_url: str | None = None,
                    environ: Mapping[str, str] | None = None) -> WeComClient:
    """A client for `crossdesk sync wecom` (needs WECOM_CORP_ID and WECOM_SECRET only)."""
    secrets = load_secrets(environ, CLIENT_SECRETS)
    storage = DatabaseStorage(app.desk.engine, app.clock, reader_for(app.desk.engine))
    return WeComClient(secrets.corp_id, secrets.secret, session=storage,
                       api_base_url=api_base_url)
