"""A one-screen summary of a valid config: departments, services and targets."""

from __future__ import annotations

from datetime import timedelta

from rich.console import Console
from rich.table import Table

from bot.runtime.config import Settings
from handlers.sla import format_business_duration


def _target(td: timedelta, day: timedelta) -> str:
    """A target in the units the config uses: business days ("3d") when whole, else hours."""
    if day > timedelta(0) and td >= day:
        days, rest = divmod(td, day)
        return f"{days}d" + (f" {format_business_duration(rest, 'en')}" if rest else "")
    return format_business_duration(td, "en")


def print_summary(settings: Settings, console: Console | None = None) -> None:
    """Print the catalog as a table."""
    console = console or Console()
    policy = settings.policy
    spec = settings.calendar_spec
    console.print(f"[bold]{settings.path}[/bold] is valid: {len(settings.catalog.people)} people, "
                  f"{len(settings.catalog.departments)} departments, time zone {policy.timezone}, "
                  f"locale {policy.locale}, holidays {spec.country or 'none'}")
    table = Table(show_lines=False, box=None, pad_edge=False)
    for col in ("dept", "prefix", "lead(s)", "staff", "services (priority first/resolve)"):
        table.add_column(col)
    company_day = settings.calendar().daily_length()
    own_days = {k: cal.daily_length() for k, cal in settings.department_calendars().items()}
    for dep in settings.catalog.departments:
        day = own_days.get(dep.key, company_day)
        services = ", ".join(
            f"{c.key} {c.priority} {_target(c.first_response, day)}/{_target(c.resolution, day)}"
            for c in dep.categories
        )
        own = " (own hours)" if dep.key in settings.department_specs else ""
        table.add_row(f"{dep.key} {dep.name_zh}{own}", dep.prefix, ", ".join(dep.leads),
                      str(len(dep.staff())), services)
    console.print(table)
