"""``parkops ticketing …``: the module's commands."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from modules.ticketing import imports, jobs, summary
from modules.ticketing.errors import TicketingError
from parkops.auth.models import User
from parkops.extensions import db

cli = click.Group("ticketing", help="Ticket offices: imports, escalations, summaries.")


@cli.command("escalate")
@with_appcontext
def escalate_command():
    """Escalate the days not signed off by the next working day (as the daily job does)."""
    click.echo(f"{jobs.escalate_unsigned_days()} day(s) escalated.")


@cli.command("import-sales")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="Import as this user.")
@with_appcontext
def import_sales_command(path: Path, username: str):
    """Import a sales file (.csv or .xlsx) as USER, all or nothing."""
    user = db.session.scalar(select(User).where(User.username == username.lower()))
    if user is None:
        raise click.ClickException(f"no user {username}")
    try:
        result = imports.import_sales(path.name, path.read_bytes(), user)
    except TicketingError as error:
        raise click.ClickException(str(error)) from error
    if result.previous is not None:
        click.echo(
            f"Already imported on {result.previous.imported_at:%Y-%m-%d %H:%M}: nothing imported."
        )
        return
    for row in result.errors:
        click.echo(f"line {row.line}: {'; '.join(row.reasons)}", err=True)
    if result.errors:
        raise click.ClickException(f"{len(result.errors)} bad line(s): nothing imported.")
    click.echo(f"{result.imported} line(s) imported, {result.skipped} already imported skipped.")


@cli.command("rebuild-summary")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@with_appcontext
def rebuild_summary_command(start, end):
    """Rebuild the daily sales summary the reports read, for START to END."""
    first, last = start.date(), end.date()
    summary.rebuild(first, last)
    click.echo(f"Summary rebuilt from {first} to {last}.")
