"""`crossdesk …`: demo, chat, serve, tick, init, db upgrade, db check, check-config, digest,
export, erase person, retention, sync wecom, wecom create-chat; `--version`."""

from __future__ import annotations

import shlex
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from bot.cli import db_commands, guards
from bot.runtime import config as config_mod
from bot.runtime.clock import MOMENT_HELP, parse_moment
from bot.runtime.plural import count
from bot.runtime.serve_options import LOG_FORMATS

if TYPE_CHECKING:
    from bot.cli.report import Report

app = typer.Typer(help="crossdesk: an internal service desk between departments.",
                  no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")

# A flag wins over its environment variable, which wins over the config file.
CONFIG_ENV = "CROSSDESK_CONFIG"
DATABASE_ENV = guards.DATABASE_ENV
ConfigOpt = Annotated[str | None, typer.Option(
    "--config", envvar=CONFIG_ENV,
    help="Config file (default ./config.toml, else config.example.toml).")]
DbOpt = Annotated[str | None, typer.Option(
    "--database-url", envvar=DATABASE_ENV, help="Database URL; overrides bot.database_url in "
    "the config (default sqlite:///crossdesk.db), e.g. postgresql+psycopg://user@host/db.")]


def _print_version(value: bool) -> None:
    if value:
        from bot.runtime.version import crossdesk_version

        typer.echo(f"crossdesk {crossdesk_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", callback=_print_version,
        is_eager=True)] = False,
) -> None:
    """crossdesk: an internal service desk between departments."""


def _check_log_format(value: str | None) -> str | None:
    """``--log-format`` (or CROSSDESK_LOG_FORMAT) is text or json."""
    if value is not None and value not in LOG_FORMATS:
        raise typer.BadParameter(f"{value!r} is not a log format; use text or json")
    return value


def _print_problems(path: Path, problems: list[config_mod.Problem]) -> None:
    typer.echo(f"{count(len(problems), 'problem', 'problems')} in {path}:", err=True)
    for problem in problems:
        typer.echo(f"  {problem}", err=True)


def _check_now(value: str | None) -> str | None:
    """``--now`` must be an ISO time such as 2026-11-23T09:00."""
    if value is not None and parse_moment(value, "UTC") is None:
        raise typer.BadParameter(f"{value!r} is not {MOMENT_HELP}")
    return value


_database = guards.database


def load_settings(config: str | None, database_url: str | None,
                  unusable_url: int = 1, bad_config: int = 1, *,
                  platforms: bool = False) -> config_mod.Settings:
    """Load and validate the config, or print every problem and exit ``bad_config``; a
    database URL crossdesk cannot use is one line and exit ``unusable_url``. With
    ``platforms`` (check-config, db check) the ``[slack]`` and ``[wecom]`` tables are checked
    by the adapters' rules too, in the same list."""
    from bot.runtime.config_checks import platform_problems

    path = config_mod.find_config(config)
    try:
        settings = config_mod.load(path, database_url)
        problems = platform_problems(str(path), settings.raw) if platforms else []
    except config_mod.ConfigError as exc:
        problems = exc.problems
        if platforms and exc.raw is not None:
            problems = problems + platform_problems(str(path), exc.raw)
    if problems:
        _print_problems(path, problems)
        raise typer.Exit(bad_config)
    refusal = guards.unusable_url(settings.database_url)
    if refusal:
        typer.echo(refusal, err=True)
        raise typer.Exit(unusable_url)
    return settings


@app.command("check-config")
def check_config(
    config: ConfigOpt = None,
    database_url: DbOpt = None,
    now: Annotated[str | None, typer.Option(
        help="Check as if it were this time (ISO), e.g. for next year's holidays.",
        callback=_check_now)] = None,
) -> None:
    """Validate a config file; print every problem (exit 1) or a summary of the catalog, then
    warnings: requests it would orphan, people it would merge or drop while they have open
    requests, holiday data running out."""
    from bot.cli.config_report import warnings
    from bot.cli.summary import print_summary
    from bot.runtime.clock import SystemClock

    settings = load_settings(config, database_url, platforms=True)
    print_summary(settings)
    moment = datetime.fromisoformat(now) if now else SystemClock()()
    if moment.tzinfo is not None:
        moment = moment.astimezone(settings.policy.tz)
    found = warnings(settings, moment.date())
    if found:
        typer.echo(f"{count(len(found), 'warning', 'warnings')}:")
        for line in found:
            typer.echo(f"  {line}")


@app.command()
def init(config: ConfigOpt = None, database_url: DbOpt = None) -> None:
    """Write config.toml from the example if absent, and create the database."""
    target = Path(config or "config.toml")
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        example = config_mod.find_config("config.example.toml")
        if not example.exists():
            example = config_mod.EXAMPLE_CONFIG
        shutil.copyfile(example, target)
        typer.echo(f"wrote {target} from {example.name}; edit it, then run "
                   f"{check_command(target)}")
    else:
        typer.echo(f"{target} exists; left as it is")
    settings = load_settings(str(target), database_url)
    with _database(settings.database_url):
        db_commands.upgrade(settings.database_url)


def check_command(target: Path) -> str:
    """`crossdesk check-config`, with ``--config`` unless ``target`` is ./config.toml (the file
    it reads without one)."""
    if target == Path("config.toml"):
        return "crossdesk check-config"
    return f"crossdesk check-config --config {shlex.quote(str(target))}"


@db_app.command("upgrade")
def db_upgrade(config: ConfigOpt = None, database_url: DbOpt = None) -> None:
    """Apply the migrations this version ships: says which it will apply, then what it did
    (a no-op at head; exit 2, changing nothing, on a database a newer crossdesk upgraded)."""
    settings = load_settings(config, database_url)
    with _database(settings.database_url):
        db_commands.upgrade(settings.database_url)


@db_app.command("check")
def db_check(config: ConfigOpt = None, database_url: DbOpt = None) -> None:
    """Is the database at this version's schema? Exit 0 at head, 1 behind (prints the command
    to run), 2 ahead (a rollback: prints the version it needs), 3 when it cannot be reached
    or is not a database, 4 when the config has problems (printed)."""
    settings = load_settings(config, database_url, unusable_url=db_commands.UNREACHABLE,
                             bad_config=db_commands.BAD_CONFIG, platforms=True)
    with _database(settings.database_url, code=db_commands.UNREACHABLE):
        code = db_commands.check(settings.database_url, upgrade_command(config, database_url))
    raise typer.Exit(code)


def upgrade_command(config: str | None, database_url: str | None) -> str:
    """`crossdesk db upgrade` with the --config and --database-url this run was given
    (the password hidden: give it in PGPASSWORD or the URL)."""
    from sqlalchemy.engine import make_url

    parts = ["crossdesk db upgrade"]
    if config:
        parts.append(f"--config {shlex.quote(config)}")
    if database_url:
        shown = make_url(database_url).render_as_string(hide_password=True)
        parts.append(f"--database-url {shlex.quote(shown)}")
    return " ".join(parts)


@app.command()
def chat(
    config: ConfigOpt = None,
    database_url: DbOpt = None,
    script: Annotated[Path | None, typer.Argument(
        help="Transcript file (default: stdin).", exists=True, dir_okay=False)] = None,
    now: Annotated[str | None, typer.Option(
        help="Start the clock here (local ISO time).", callback=_check_now)] = None,
) -> None:
    """Talk to the desk as anyone: `alice> /request …`, `@now 2026-11-23T09:00`, `# …`."""
    from bot.cli.console import run_console

    settings = load_settings(config, database_url)
    source = script.read_text(encoding="utf-8").splitlines() if script else None
    with _database(settings.database_url, upgrade=upgrade_command(config, database_url)):
        run_console(settings, source, start=now,
                    interactive=script is None and sys.stdin.isatty())


@app.command()
def demo(
    config: Annotated[str | None, typer.Option(
        "--config", help="Config file (default: the sample company in config.example.toml); "
        "the story needs its people and departments.")] = None,
    database_url: Annotated[str | None, typer.Option(
        "--database-url", help="Tell the story on this (empty) database instead of a "
        "throwaway SQLite file that is deleted afterwards.")] = None,
) -> None:
    """Tell the demo story on a throwaway SQLite database with the sample company."""
    from bot.cli.console import refuse_platforms, run_console
    from bot.cli.demo import DEMO_SCRIPT, in_use

    path = config
    if path is None:
        path = str(config_mod.EXAMPLE_CONFIG)
    with tempfile.TemporaryDirectory(prefix="crossdesk-demo-") as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'demo.db'}"
        settings = load_settings(path, url)
        refuse_platforms(settings, "demo")  # before the database is touched
        with _database(url):
            refusal = in_use(url) if database_url else None
            if refusal:
                typer.echo(f"crossdesk demo: {refusal}", err=True)
                raise typer.Exit(2)
            run_console(settings, DEMO_SCRIPT.splitlines(), echo=True)


@app.command()
def tick(
    config: ConfigOpt = None,
    database_url: DbOpt = None,
    now: Annotated[str | None, typer.Option(
        help="Pretend it is this time (ISO).", callback=_check_now)] = None,
) -> None:
    """Run one sweep and one dispatch, then exit."""
    from bot.cli.console import run_tick

    settings = load_settings(config, database_url)
    with _database(settings.database_url, upgrade=upgrade_command(config, database_url)):
        run_tick(settings, now)


@app.command()
def export(
    config: ConfigOpt = None,
    database_url: DbOpt = None,
    format: Annotated[str | None, typer.Option("--format", help="csv or jsonl (default: csv "
                                               "for an -o FILE.csv, else jsonl).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default stdout).")]
    = None,
    what: Annotated[str, typer.Option(
        help="requests, events, ratings, suggestions, comments or attachments.")]
    = "requests",
    reveal_anonymous: Annotated[bool, typer.Option(
        "--reveal-anonymous", help="Show who sent anonymous suggestions (admins only; needs "
        "--as).")] = False,
    as_person: Annotated[str | None, typer.Option(
        "--as", help="Your person id, for --person and --reveal-anonymous: one of "
        "bot.admins.")] = None,
    person: Annotated[str | None, typer.Option(
        "--person", help="Everything stored about this person, as one JSON document (the "
        "right of access; admins only, needs --as).")] = None,
) -> None:
    """Export requests, events, ratings, suggestions, comments or attachments as CSV or JSON
    lines (CSV for an -o FILE.csv unless --format says otherwise); or, with --person ID --as
    ADMIN, everything stored about one person as JSON.

    Anonymous suggestions are exported without their sender, unless an admin asks with
    --reveal-anonymous --as ADMIN.
    """
    from bot.cli.export import ExportError, format_for, reveal_for, write_export
    from bot.cli.export_person import check_admin, write_person

    if format not in (None, "csv", "jsonl"):
        typer.echo("--format must be csv or jsonl", err=True)
        raise typer.Exit(2)
    if person is not None and format == "csv":
        typer.echo("--person writes one JSON document; leave out --format csv", err=True)
        raise typer.Exit(2)
    guards.check_output(output)
    settings = load_settings(config, database_url)
    try:
        if person is not None:
            admin = check_admin(settings, as_person, person)
            with _database(settings.database_url, upgrade=upgrade_command(config, database_url)):
                write_person(settings, person, output, admin)
            return
        reveal = reveal_for(settings, what, reveal_anonymous, as_person)
        with _database(settings.database_url, upgrade=upgrade_command(config, database_url)):
            write_export(settings, what, format or format_for(output), output, reveal=reveal,
                         revealed_by=as_person)
        if reveal:
            typer.echo(f"the senders of anonymous suggestions are shown, as {as_person} "
                       "(an admin) asked; keep this export to admins", err=True)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    except ExportError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None


erase_app = typer.Typer(help="The right to erasure.", no_args_is_help=True)
app.add_typer(erase_app, name="erase")


@erase_app.command("person")
def erase_person(
    person_id: Annotated[str, typer.Argument(metavar="ID", help="The person's id.")],
    as_person: Annotated[str | None, typer.Option(
        "--as", help="Your person id: one of bot.admins.")] = None,
    config: ConfigOpt = None,
    database_url: DbOpt = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Print the rows per table it would change; change nothing.")] = False,
) -> None:
    """Erase a person: a pseudonym replaces their name and ids everywhere (requests, events,
    ratings, suggestions, outbox…), their files and drafts are deleted, the figures stay.
    Remove them from the config first."""
    from bot.cli import erase

    settings = load_settings(config, database_url)
    try:
        erase.check_admin(settings, as_person, person_id)
        erase.refuse_if_configured(settings, config_mod.find_config(config), person_id,
                                   as_person or "ADMIN")
        with _database(settings.database_url, upgrade=upgrade_command(config, database_url)):
            erase.check_person(settings, person_id)  # the schema first, then the person
            if not (yes or dry_run) and not typer.confirm(
                    f"Erase {person_id} for good (their name and ids become a pseudonym, their "
                    "files are deleted)?"):
                typer.echo("nothing was changed")
                raise typer.Exit(1)
            done = erase.run(settings, person_id, as_person or "?", dry_run)
    except erase.EraseError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    for line in erase.report(done):
        typer.echo(line)


@app.command()
def digest(
    config: ConfigOpt = None,
    database_url: DbOpt = None,
    department: Annotated[str | None, typer.Option(help="Only this department (key or name).")]
    = None,
    week: Annotated[str | None, typer.Option(help="ISO week such as 2026-W47 (default: last "
                                             "week).")] = None,
    post: Annotated[bool, typer.Option(help="Queue it to the department channels (once per "
                                       "department and week) instead of printing.")] = False,
) -> None:
    """Print the weekly department digests, or post them."""
    from bot.cli.digest import run_digest

    settings = load_settings(config, database_url)
    with _database(settings.database_url, upgrade=upgrade_command(config, database_url)):
        run_digest(settings, department, week, post)


@app.command()
def retention(
    config: ConfigOpt = None,
    database_url: DbOpt = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Only show what would be blanked; change nothing.")] = False,
    recheck: Annotated[bool, typer.Option(
        "--recheck", help="Look again at requests purged already (after adding a kind to "
        "\\[retention]; the nightly job does not).")] = False,
) -> None:
    """Blank now the words \\[retention] says closed requests have kept long enough (the
    nightly job's work); times, states, stars and amounts stay."""
    from bot.cli.retention import run_retention

    settings = load_settings(config, database_url)
    with _database(settings.database_url, upgrade=upgrade_command(config, database_url)):
        run_retention(settings, dry_run, sys.stdout, recheck=recheck)


@app.command()
def report(
    config: ConfigOpt = None,
    database_url: DbOpt = None,
    from_: Annotated[datetime | None, typer.Option(
        "--from", formats=["%Y-%m-%d"], help="First local day (default: last week's Monday).")]
    = None,
    to: Annotated[datetime | None, typer.Option(
        "--to", formats=["%Y-%m-%d"], help="Last local day, inclusive (default: last week's "
        "Sunday; yesterday when --from is given).")] = None,
    format: Annotated[str | None, typer.Option("--format", help="text, csv or html (default: "
                                               "from -o FILE's .csv or .html, else text).")]
    = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default stdout).")]
    = None,
) -> None:
    """Company scorecard and internal service map for a period, as text, CSV or HTML."""
    from sqlmodel import Session

    from bot.cli import progress
    from bot.cli.report import build_report, format_for, period
    from bot.runtime import app as app_mod
    from bot.runtime.clock import SystemClock
    from storage.engine import BATCH_LIMITS, make_engine

    if format not in (None, "text", "csv", "html"):
        typer.echo("--format must be text, csv or html", err=True)
        raise typer.Exit(2)
    format = format or format_for(output)
    guards.check_output(output)
    settings = load_settings(config, database_url)
    with _database(settings.database_url, upgrade=upgrade_command(config, database_url)):
        clock = SystemClock()
        engine = make_engine(settings.database_url, limits=BATCH_LIMITS)
        desk = app_mod.build(settings, clock, engine=engine).desk
        today = clock().astimezone(desk.policy.tz).date()
        try:
            start, end = period(desk, from_ and from_.date(), to and to.date(), today)
        except ValueError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
        # Steps: the figures, then the file (drawing the charts, for HTML). Standard output is
        # written after the bar is gone, so the two never mix on one terminal.
        with progress.bar("Scorecard and service map", 2 if output else 1) as steps:
            with Session(desk.engine) as session:
                result = build_report(session, desk, start, end)
            steps.advance(description="Charts and file" if format == "html" else "File")
            if output:
                with output.open("w", encoding="utf-8", newline="") as out:
                    _write_report(result, format, out, desk.policy.locale)
                steps.advance()
    if not output:
        _write_report(result, format, sys.stdout, desk.policy.locale)


def _write_report(result: Report, format: str, out: TextIO, locale: str) -> None:
    from bot.cli.report import write_csv, write_text
    from bot.cli.report_html import write_html

    if format == "csv":
        write_csv(result, out)
    elif format == "html":
        write_html(result, out, locale)
    else:
        write_text(result, out, locale)


@app.command()
def serve(
    config: ConfigOpt = None,
    database_url: DbOpt = None,
    host: Annotated[str | None, typer.Option(
        "--host", envvar="CROSSDESK_HOST", help="Listen on this address (default \\[server] "
        "host, else 127.0.0.1; 0.0.0.0 in a container).")] = None,
    port: Annotated[int | None, typer.Option(
        "--port", envvar="CROSSDESK_PORT", min=1, max=65535,
        help="Listen on this port (default \\[server] port, else 8080).")] = None,
    log_format: Annotated[str | None, typer.Option(
        "--log-format", envvar="CROSSDESK_LOG_FORMAT", callback=_check_log_format,
        help="text or json (default \\[logging] format, else text).")] = None,
    upgrade: Annotated[bool, typer.Option(
        "--upgrade", help="Apply pending migrations first (replicas take turns) instead of "
        "refusing to start on a database behind this version.")] = False,
) -> None:
    """Serve the enabled chat platforms, the scheduler and the dispatcher.

    Refuses to start on a database behind this version (run `crossdesk db upgrade`, or pass
    --upgrade) or ahead of it (a rollback: run the newer crossdesk)."""
    from bot.runtime import logs
    from bot.runtime.serve import ServeError, run
    from bot.runtime.serve_options import resolve

    settings = load_settings(config, database_url)  # [server] and [logging] checked too
    options = resolve(settings, host, port, log_format, upgrade)
    logs.setup(options.log_format)
    try:
        with _database(settings.database_url):
            run(settings, options, command=upgrade_command(config, database_url))
    except ServeError as exc:
        typer.echo(f"crossdesk serve: {exc}", err=True)
        raise typer.Exit(1) from None


sync_app = typer.Typer(help="Sync people from a platform's directory.", no_args_is_help=True)
app.add_typer(sync_app, name="sync")


@sync_app.command("wecom")
def sync_wecom(
    config: ConfigOpt = None,
    database_url: DbOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the changes only.")] = False,
) -> None:
    """Sync people and managers from WeCom's org chart (env WECOM_CORP_ID, WECOM_SECRET)."""
    from bot.adapters.wecom import (
        WeComCommandError,
        WeComConfigError,
        client_from_env,
        sync_org,
    )
    from bot.runtime import app as app_mod
    from bot.runtime.clock import SystemClock

    settings = load_settings(config, database_url)
    with _database(settings.database_url, upgrade=upgrade_command(config, database_url)):
        desk = app_mod.build(settings, SystemClock())
        try:
            base = settings.section("wecom").get("api_base_url")
            client = client_from_env(desk, api_base_url=base)
        except WeComConfigError as exc:
            typer.echo(f"crossdesk sync wecom: {exc}", err=True)
            raise typer.Exit(1) from None
        try:
            lines = sync_org(desk, client, dry_run=dry_run)
        except WeComCommandError as exc:
            typer.echo(f"crossdesk sync wecom: {exc}", err=True)
            raise typer.Exit(1) from None
        finally:
            client.close()
    for line in lines:
        typer.echo(line)


from bot.cli.wecom import wecom_app  # noqa: E402 - registered after the commands above

app.add_typer(wecom_app, name="wecom")


def main() -> None:
    """Console-script entry point."""
    app()
