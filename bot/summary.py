"""A one-screen summary of a valid config: departments, services and targets."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from bot.config import Settings
from handlers.sla import format_business_duration


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
    for dep in settings.catalog.departments:
        services = ", ".join(
            f"{c.key} {c.priority} {format_business_duration(c.first_response, 'en')}/"
            f"{format_business_duration(c.resolution, 'en')}"
            for c in dep.categories
        )
        own = " (own hours)" if dep.key in settings.department_specs else ""
        table.add_row(f"{dep.key} {dep.name_zh}{own}", dep.prefix, ", ".join(dep.leads),
                      str(len(dep.staff())), services)
    console.print(table)
