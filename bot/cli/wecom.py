"""`crossdesk wecom …`: WeCom set-up commands (env WECOM_CORP_ID, WECOM_SECRET)."""

from __future__ import annotations

from typing import Annotated

import typer

wecom_app = typer.Typer(help="WeCom (企业微信) set-up.", no_args_is_help=True)


@wecom_app.command("create-chat")
def create_chat(
    department: Annotated[str, typer.Argument(help="Department key, name or alias.")],
    config: Annotated[str | None, typer.Option(
        "--config", envvar="CROSSDESK_CONFIG",
        help="Config file (default ./config.toml, else config.example.toml).")]
    = None,
    database_url: Annotated[str | None, typer.Option(
        "--database-url", envvar="CROSSDESK_DATABASE_URL",
        help="Database URL; overrides bot.database_url.")] = None,
) -> None:
    """Create the department's WeCom group chat (appchat/create) and print its chat id.

    WeCom sends only to chats the app created itself, and only when the app's visible range
    is the root department; add the printed line to the department in config.toml."""
    from bot.adapters.wecom import WeComConfigError, client_from_env
    from bot.adapters.wecom.chats import ChatError
    from bot.adapters.wecom.chats import create_chat as create
    from bot.cli import guards
    from bot.cli.main import load_settings
    from bot.runtime import app as app_mod
    from bot.runtime.clock import SystemClock

    settings = load_settings(config, database_url)
    with guards.database(settings.database_url):
        desk = app_mod.build(settings, SystemClock())
        try:
            client = client_from_env(desk,
                                     api_base_url=settings.section("wecom").get("api_base_url"))
        except WeComConfigError as exc:
            typer.echo(f"crossdesk wecom create-chat: {exc}", err=True)
            raise typer.Exit(1) from None
        try:
            chat = create(client, settings.catalog, department, settings.policy.locale)
        except ChatError as exc:
            typer.echo(f"crossdesk wecom create-chat: {exc}", err=True)
            raise typer.Exit(1) from None
        finally:
            client.close()
    typer.echo(f"created WeCom group chat {chat.chatid} ({chat.name}, owner {chat.owner}, "
               f"{len(chat.userlist)} members)")
    typer.echo(f"add to [[departments]] key = \"{chat.department}\" in config.toml:")
    typer.echo(f"  {chat.config_line()}")
