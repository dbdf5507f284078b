"""``parkops facilities …``: types, import and export, labels, and the jobs by hand."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from modules.facilities import imports, jobs, labels, registry
from modules.facilities.errors import FacilityError
from modules.facilities.models import Facility
from modules.facilities.texts import in_default_language
from parkops.auth.models import Site, User
from parkops.extensions import db

cli = click.Group("facilities", help="Facilities: types, registry import/export, QR labels.")


@cli.command("types")
@with_appcontext
def types_command():
    """Add the standard facility types that are missing."""
    added = registry.ensure_standard_types()
    click.echo(f"{added} facility types added.")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="Who imports (for the audit log).")
@with_appcontext
@in_default_language
def import_command(path: Path, username: str):
    """Import facilities from a .csv or .xlsx file."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    try:
        result = imports.import_file(path.name, path.read_bytes(), user)
    except FacilityError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{result.created} added, {result.updated} updated, {len(result.errors)} bad rows.")
    for line, message in result.errors:
        click.echo(f"  line {line}: {message}", err=True)


@cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(path: Path):
    """Export the registry to a .csv or .xlsx file."""
    facilities = db.session.scalars(select(Facility).order_by(Facility.site_id, Facility.code))
    if path.suffix == ".xlsx":
        path.write_bytes(imports.export_xlsx(facilities, chinese=True))
    elif path.suffix == ".csv":
        path.write_bytes(imports.export_csv(facilities, chinese=True))
    else:
        raise click.ClickException("the file must end in .csv or .xlsx")
    click.echo(f"Written {path}")


@cli.command("labels")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--site", "site_code", default=None, help="Only this site (its code).")
@with_appcontext
@in_default_language
def labels_command(folder: Path, site_code: str | None):
    """Write one label PNG per facility into FOLDER."""
    q = select(Facility).order_by(Facility.code)
    if site_code:
        site = db.session.scalar(select(Site).where(Site.code == site_code))
        if site is None:
            raise click.ClickException(f"no site {site_code!r}")
        q = q.where(Facility.site_id == site.id)
    warning = labels.base_url_warning()
    if warning:
        click.echo(f"Warning: {warning}", err=True)
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for facility in db.session.scalars(q):
        (folder / f"{facility.code}.png").write_bytes(labels.label_png(facility))
        count += 1
    click.echo(f"{count} labels written to {folder}")


@cli.command("due-notice")
@with_appcontext
def due_notice_command():
    """Send this evening's notice of facilities due and not inspected (once a day)."""
    click.echo(f"{jobs.evening_due_notice()} notices sent.")


@cli.command("escalate")
@with_appcontext
def escalate_command():
    """Escalate repair orders past their deadline (once an hour)."""
    click.echo(f"{jobs.escalate_overdue()} orders escalated.")
