"""``parkops init`` and ``parkops demo`` on a fresh database file, as an operator runs them."""

import logging
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from parkops.auth.models import User
from parkops.console import cli
from parkops.extensions import db
from parkops.rectification.models import Problem


@pytest.fixture
def fresh(make_app, tmp_path):
    """An app on a new, empty SQLite file (the shared test database is left alone)."""
    make_app()  # the fixture empties the first app's database afterwards: the shared one
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}")
    # Alembic's env.py configures logging with fileConfig, which disables every
    # logger that exists; give later tests their loggers back.
    loggers = logging.root.manager.loggerDict.values()
    before = {lg: lg.disabled for lg in loggers if isinstance(lg, logging.Logger)}
    root = (logging.root.level, list(logging.root.handlers))
    yield app
    for logger, disabled in before.items():
        logger.disabled = disabled
    logging.root.setLevel(root[0])
    logging.root.handlers[:] = root[1]


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_init_prints_the_first_password_once(fresh):
    runner = fresh.test_cli_runner()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    passwords = re.findall(r"password: (\S+)", first.output)
    assert len(passwords) == 1
    assert "shown only this once" in first.output
    with fresh.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        assert admin.check_password(passwords[0])
        assert admin.roles == {"admin"} and admin.all_sites
    assert _count(fresh, Problem) == 39

    second = runner.invoke(args=["init"])
    assert second.exit_code == 0, second.output
    assert "password" not in second.output
    assert "Database ready" in second.output
    assert (_count(fresh, User), _count(fresh, Problem)) == (1, 39)
    with fresh.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        assert admin.check_password(passwords[0])  # the password was not reset


def test_demo_twice_keeps_what_exists(fresh):
    runner = fresh.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Demo data loaded." in first.output
    assert "parkops-demo" in first.output
    # Every account is listed, the modules' own (crew2, cashier2…) too.
    listed = {line.split()[0] for line in first.output.splitlines() if line.startswith("  ")}
    with fresh.app_context():
        assert listed == set(db.session.scalars(select(User.username)))
        assert {"admin", "crew2", "cashier3"} <= listed
    users = _count(fresh, User)
    second = runner.invoke(args=["demo"])
    assert "Demo data was already loaded; kept as is." in second.output
    assert _count(fresh, User) == users


def test_the_console_script_has_no_development_server(tmp_path):
    result = CliRunner().invoke(
        cli(),
        ["--help"],
        env={
            "PARKOPS_INSTANCE_PATH": str(tmp_path),
            "PARKOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        },
    )
    assert result.exit_code == 0, result.output
    listed = re.findall(r"^  (\w+) ", result.output.split("Commands:")[1], re.M)
    assert {"init", "demo", "serve", "scheduler", "backup", "audit", "shell", "routes"} <= set(
        listed
    )
    assert "run" not in listed
