"""The demo, built once per test process and copied into each test that loads it.

``demo.load()`` costs ~40 s of CPU (~26,000 statements); dozens of tests load it on top
of the notice (``load_notice()``, or the ``ledger`` fixture). ``load_demo()`` gives such a
test the same database a fresh ``demo.load()`` would: the first call in a process builds
the demo in a database of its own (a SQLite file; on PostgreSQL ``<test database>_demo``),
later calls copy it over the test's database:

- SQLite: ``sqlite3.Connection.backup`` from the built file into the test's database,
  through a connection of the test's engine (the other pooled connections are idle and
  read the new contents in their next transaction).
- PostgreSQL: the test's database is dropped and made again with the built one as its
  ``TEMPLATE``; the test's engine is disposed of first, so no connection outlives it.

Files the demo writes go with it: the instance folder (attachments) and the audit chain's
high-water mark. Ids and sequences are those of the build, which started from empty
tables like every test. The copy is kept per (modules, default language, business day):
a process running across midnight builds the next day's demo again.
"""

import shutil
import sqlite3
from pathlib import Path

import psycopg
from flask import current_app
from psycopg import sql
from sqlalchemy import func, literal, select, union_all
from sqlalchemy.engine import make_url

from parkops import create_app, demo
from parkops.extensions import db
from parkops.rectification.services import load_notice
from parkops.timeutil import business_day
from tests.conftest import _config

_built: dict[tuple, "_Copy"] = {}  # per process: key → the built copy


class _Copy:
    def __init__(self, url: str, folder: Path, before: dict[str, int]):
        self.url = url  # the database holding the notice and the demo
        self.folder = folder  # instance/ (attachments …) and audit_mark.json of the build
        self.before = before  # rows per table the build held before demo.load(): the notice


def row_counts() -> dict[str, int]:
    """Rows per non-empty table of the current app's database, in one statement."""
    counts = union_all(
        *(
            select(literal(t.name).label("name"), func.count().label("n")).select_from(t)
            for t in db.metadata.sorted_tables
        )
    )
    return {name: n for name, n in db.session.execute(counts) if n}


def load_demo() -> bool:
    """``load_notice(); demo.load()`` for the current app, on a database holding the notice
    only (AssertionError otherwise): returns True, as a first ``demo.load()`` does."""
    app = current_app._get_current_object()
    key = (tuple(app.config["MODULES"]), app.config["DEFAULT_LOCALE"], business_day())
    if key not in _built:
        _built[key] = _build(app, len(_built))
    copy = _built[key]
    load_notice()
    db.session.commit()
    assert row_counts() == copy.before, "load_demo() expects a database holding the notice only"
    db.session.rollback()  # the session holds no connection while the database is replaced
    if db.engine.dialect.name == "postgresql":
        _recreate_from_template(copy.url)
    else:
        with db.engine.connect() as connection, sqlite3.connect(make_url(copy.url).database) as src:
            src.backup(connection.connection.driver_connection)
    db.session.expire_all()
    shutil.copytree(copy.folder / "instance", app.instance_path, dirs_exist_ok=True)
    shutil.copyfile(copy.folder / "audit_mark.json", app.config["AUDIT_MARK_PATH"])
    app.extensions["parkops_demo"] = True  # as mark_demo() leaves it
    return True


def _build(app, number: int) -> _Copy:
    """Builds the notice and the demo into a database of their own, with the app's
    settings but its own instance folder."""
    url = make_url(app.config["DATABASE_URL"])
    folder = Path(app.instance_path).parent.parent / f"demo_copy{number}"
    folder.mkdir(exist_ok=True)
    if url.get_backend_name() == "postgresql":
        target = url.set(database=f"{url.database}_demo{number}")
        with psycopg.connect(_conninfo(url), autocommit=True) as conn:
            name = sql.Identifier(target.database)
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    else:
        target = url.set(database=str(folder / "parkops.db"))
    copy_url = target.render_as_string(hide_password=False)
    settings = {key: app.config[key] for key in ("MODULES", "DEFAULT_LOCALE")}
    builder = create_app(
        _config(
            folder / "instance",
            copy_url,
            AUDIT_MARK_PATH=str(folder / "audit_mark.json"),
            **settings,
        )
    )
    with builder.app_context():
        db.create_all()
        load_notice()
        db.session.commit()
        before = row_counts()
        assert demo.load()
        db.session.remove()
        db.engine.dispose()  # a template must have no connections
    return _Copy(copy_url, folder, before)


def _conninfo(url) -> str:
    return url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )


def _recreate_from_template(template_url: str) -> None:
    """Drops the test's database and makes it again as a copy of ``template_url``'s."""
    url = db.engine.url
    db.engine.dispose()  # the session committed: it holds no connection
    with psycopg.connect(_conninfo(url), autocommit=True) as conn:
        name = sql.Identifier(url.database)
        template = sql.Identifier(make_url(template_url).database)
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(name, template))
