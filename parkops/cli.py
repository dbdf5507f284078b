"""``parkops init | demo | serve | scheduler | backup | audit verify``: the core's commands."""

import logging
import secrets
import shutil
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import cli as flask_migrate_cli
from flask_migrate import upgrade
from sqlalchemy import func, select
from waitress import serve

from parkops import audit, audit_mark, heavy
from parkops import demo as demo_data
from parkops import scheduler as jobs
from parkops.auth.models import User
from parkops.backup import BackupError, backup_sqlite, default_target, sqlite_path
from parkops.extensions import db
from parkops.rectification.services import load_notice
from parkops.timeutil import to_local, utcnow


def create_first_admin() -> str | None:
    """Create ``admin`` with a generated password when there is no account at all."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return None
    password = secrets.token_urlsafe(12)
    admin = User(
        username="admin", display_name="Administrator", all_sites=True, must_change_password=True
    )
    admin.set_password(password)
    admin.set_roles(["admin"])
    db.session.add(admin)
    db.session.commit()
    return password


def initialise() -> str | None:
    """Create or upgrade the schema (every branch: the core's and each module's) and load
    the notice; idempotent."""
    upgrade(directory=current_app.extensions["migrate"].directory, revision="heads")
    audit.start_mark()
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
    # Modules add their own accounts (crew2, cashier2…): list whoever has the demo password.
    for user in db.session.scalars(select(User).where(User.active).order_by(User.id)):
        if user.check_password(demo_data.PASSWORD):
            click.echo(f"  {user.username:<10} {user.display_name}")


def _log_to_console(app: Flask) -> None:
    # Job runs and failures go to stderr, where a service manager collects them.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app.logger.setLevel(logging.INFO)


@click.command("serve")
@click.option("--host", default=None, help="Address to listen on (PARKOPS_HOST).")
@click.option("--port", default=None, type=int, help="Port (PARKOPS_PORT).")
@click.option("--threads", default=None, type=int, help="Worker threads (PARKOPS_THREADS).")
@with_appcontext
def serve_command(host, port, threads):
    """Serve with waitress, a production WSGI server, and run the scheduler in-process.

    Set PARKOPS_SCHEDULER_IN_SERVE=false when ``parkops scheduler`` runs separately.
    """
    heavy.share_malloc_arenas()  # before the scheduler's and waitress's threads start
    app = current_app._get_current_object()
    host = host or app.config["HOST"]
    port = port or app.config["PORT"]
    _log_to_console(app)
    background = None
    if app.config["SCHEDULER_IN_SERVE"]:
        background = jobs.build_scheduler(app, blocking=False)
        background.start()
        click.echo(f"Scheduler started: {len(background.get_jobs())} jobs.")
    else:
        click.echo("Scheduler not started here (PARKOPS_SCHEDULER_IN_SERVE is off).")
    click.echo(f"ParkOps at http://{host}:{port}  (public base URL: {app.config['BASE_URL']})")
    heavy.settle_after_start()
    heavy.settle_after_warmup(app)
    try:
        serve(
            app,
            host=host,
            port=port,
            threads=threads or app.config["THREADS"],
            # Waitress drops X-Forwarded-* unless told otherwise; behind a proxy, the
            # app's ProxyFix trusts exactly PROXY_COUNT hops of them (the client address).
            clear_untrusted_proxy_headers=not app.config["PROXY_COUNT"],
        )
    finally:
        if background is not None:
            background.shutdown(wait=False)


@click.command("scheduler")
@click.option("--list", "list_jobs", is_flag=True, help="Print the jobs and their next run.")
@click.option("--run-once", "job_name", metavar="JOB", help="Run one job now, then exit.")
@with_appcontext
def scheduler_command(list_jobs, job_name):
    """Run the scheduled jobs (the one scheduler process of a multi-worker deployment)."""
    app = current_app._get_current_object()
    if list_jobs:
        for name, when in jobs.next_runs(app):
            click.echo(f"{name:<40} {when:%Y-%m-%d %H:%M %Z}" if when else f"{name:<40} never")
        return
    if job_name:
        known = jobs.all_jobs(app)
        if job_name not in known:
            raise click.BadParameter(
                f"no job {job_name!r}; known jobs: {', '.join(sorted(known))}",
                param_hint="--run-once",
            )
        outcome = jobs.run_job(app, known[job_name])
        if not outcome.ok:
            click.echo(f"{job_name} failed; the error is in the log above.", err=True)
            sys.exit(1)
        click.echo(f"{job_name} done: {outcome.result}")
        return
    _log_to_console(app)
    scheduler = jobs.build_scheduler(app, blocking=True)
    try:
        click.echo(f"Scheduler running {len(scheduler.get_jobs())} jobs; Ctrl+C stops it.")
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


@click.command("backup")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@with_appcontext
def backup_command(path: Path | None):
    """Copy the live SQLite database to PATH (default: instance/backups/parkops-<time>.db)."""
    app = current_app._get_current_object()
    target = default_target(app.instance_path, to_local(utcnow()))
    if path is not None:
        target = path / target.name if path.is_dir() else path
    try:
        # The audit log's high-water mark first: taken before the snapshot, it never
        # claims more than the copy holds.
        mark = audit_mark.mark_path()
        if mark.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(mark, target.with_name(f"{target.name}.audit_mark.json"))
        written = backup_sqlite(sqlite_path(app.config["DATABASE_URL"]), target)
    except BackupError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    except OSError as error:  # the target folder is not writable, the disk is full, …
        click.echo(f"Backup failed: {error}", err=True)
        sys.exit(1)
    click.echo(str(written.resolve()))


audit_group = click.Group("audit", help="The audit log.")


@audit_group.command("verify")
@with_appcontext
def audit_verify_command():
    """Check the audit log's hash chain; exit 1 on any changed or missing entry."""
    result = audit.verify()
    if result.ok:
        click.echo(f"OK: {result.checked} entries")
        return
    for problem in result.problems:
        click.echo(problem)
    click.echo(f"FAILED: {len(result.problems)} problem(s) in {result.checked} entries")
    sys.exit(1)


def _upgrade_every_branch() -> None:
    """``parkops db upgrade`` without a revision applies all heads, not the one "head".

    The core and each module keep their migrations on their own Alembic branch, so
    there is one head per branch; Flask-Migrate's default ("head") would refuse them.
    """
    for param in flask_migrate_cli.upgrade.params:
        if param.name == "revision":
            param.default = "heads"


def register_cli(app: Flask) -> None:
    _upgrade_every_branch()
    for command in (
        init_command,
        demo_command,
        serve_command,
        scheduler_command,
        backup_command,
        audit_group,
    ):
        app.cli.add_command(command)
