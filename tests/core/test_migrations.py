"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

The app is built with every module of the repository, so that the models of all of
them are compared (the migrations are generated with all modules enabled).
"""

import os

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from parkops import create_app
from parkops.extensions import db
from tests.core.url_walk import every_module

PG_URL = os.environ.get("PARKOPS_TEST_DATABASE_URL")


def migrated_differences(url: str, instance) -> list:
    """Upgrade an empty database to every branch's head; return what autogenerate
    would still change."""
    modules = [m for m in every_module() if not m.startswith("tests.")]
    app = create_app(
        {"INSTANCE_PATH": str(instance), "DATABASE_URL": url, "SECRET_KEY": "t", "MODULES": modules}
    )
    logger = app.logger  # exists before the migrations run, as in a running app
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="heads")
        with db.engine.connect() as connection:
            # The comparison migrations/env.py configures for autogenerate.
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            tables = set(inspect(connection).get_table_names())
        downgrade(directory=directory, revision="base")
        with db.engine.connect() as connection:
            left = set(inspect(connection).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert {"users", "audit_entries", "rect_problems"} <= tables
    assert left == set(), "a downgrade to base leaves tables behind"
    assert not logger.disabled, "running the migrations silenced the application's log"
    return differences


def test_sqlite_migrations_match_the_models(tmp_path):
    assert migrated_differences(f"sqlite:///{tmp_path / 'migrated.db'}", tmp_path) == []


@pytest.fixture
def empty_pg_database():
    """A throwaway database beside the test database (``<name>_mig``), dropped afterwards."""
    url = make_url(PG_URL)
    name = f"{url.database}_mig"
    server = url.set(drivername="postgresql", database="postgres")
    server = server.render_as_string(hide_password=False)
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(not PG_URL, reason="PARKOPS_TEST_DATABASE_URL (PostgreSQL) not set")
def test_postgresql_migrations_match_the_models(empty_pg_database, tmp_path):
    assert migrated_differences(empty_pg_database, tmp_path) == []


def test_a_column_missing_from_the_migrations_is_found(tmp_path):
    """The comparison can fail: a model column the migrations lack is reported."""
    from_migrations = f"sqlite:///{tmp_path / 'short.db'}"
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": from_migrations, "SECRET_KEY": "t"}
    )
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory, revision="heads")
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE users DROP COLUMN session_version")
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert ("add_column", None, "users") in [d[:3] for d in differences]
    assert [d[3].name for d in differences if d[0] == "add_column"] == ["session_version"]
