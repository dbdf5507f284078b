"""``parkops init | demo | serve | …``: the core's commands."""

import secrets

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select
from waitress import serve

from parkops import demo as demo_data
from parkops.auth.models import User
from parkops.extensions import db
from parkops.rectification.services import load_notice


def create_first_admin() -> str | None:
    """Create ``admin`` with a generated password when there is no account at all."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return None
    password = secrets.token_urlsafe(12)
    admin = User(username="admin", display_name="Administrator", all_sites=True)
    admin.set_password(password)
    admin.set_roles(["admin"])
    db.session.add(admin)
    db.session.commit()
    return password


def initialise() -> str | None:
    """Create or upgrade the schema and load the notice; idempotent."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    load_notice()
    return create_first_admin()


@click.command("init")
@with_appcontext
def init_command():
    """Create or upgrade the database, load the 39 problems, create the first admin."""
    password = initialise()
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")
    if password:
        click.echo("First administrator created. Sign in and change the password:")
        click.echo(f"  username: admin\n  password: {password}  (shown only this once)")


@click.command("demo")
@with_appcontext
def demo_command():
    """Load demo data: sites, one account per role, a worked ledger, module samples."""
    initialise()
    created = demo_data.load()
    click.echo("Demo data loaded." if created else "Demo data was already loaded; kept as is.")
    click.echo(f"Demo accounts (password '{demo_data.PASSWORD}'):")
    for username, _role, name, _department in demo_data.ACCOUNTS:
        click.echo(f"  {username:<10} {name}")


@click.command("serve")
@click.option("--host", default=None, help="Address to listen on (PARKOPS_HOST).")
@click.option("--port", default=None, type=int, help="Port (PARKOPS_PORT).")
@click.option("--threads", default=None, type=int, help="Worker threads (PARKOPS_THREADS).")
@with_appcontext
def serve_command(host, port, threads):
    """Serve with waitress, a production WSGI server, and run the scheduler in-process."""
    app = current_app._get_current_object()
    host = host or app.config["HOST"]
    port = port or app.config["PORT"]
    click.echo(f"ParkOps at http://{host}:{port}  (public base URL: {app.config['BASE_URL']})")
    serve(app, host=host, port=port, threads=threads or app.config["THREADS"])


def register_cli(app: Flask) -> None:
    for command in (init_command, demo_command, serve_command):
        app.cli.add_command(command)
