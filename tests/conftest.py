"""Shared fixtures: an app on a real database (SQLite, or PostgreSQL in CI), a client,
factories for users and sites, and a query counter.

The schema is created once per run; every test starts from empty tables.
Set PARKOPS_TEST_DATABASE_URL to run the suite on PostgreSQL.
"""

import contextlib
import gc
import os

import psycopg
import pytest
from flask import current_app, g, has_app_context
from flask.testing import FlaskClient
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from psycopg import sql
from sqlalchemy import event, exists, literal, select, text, union_all
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.routing.rules import Rule

from parkops import create_app
from parkops.auth.models import Site, User
from parkops.auth.services import is_demo
from parkops.extensions import db
from parkops.rectification.services import load_notice

# Property tests check what is generated, not how fast: on a loaded machine (CI's two
# cores, or a suite beside other work) Hypothesis's "input generation is slow" check
# failed a test whose property held.
hypothesis_settings.register_profile(
    "parkops", suppress_health_check=[HealthCheck.too_slow], deadline=None
)
hypothesis_settings.load_profile("parkops")

TEST_DATABASE_URL = os.environ.get("PARKOPS_TEST_DATABASE_URL")
PASSWORD = "correct horse battery"


class CleanGlobalsClient(FlaskClient):
    """Each request starts with an empty ``g``.

    The test's app context stays pushed so the test can use the database between
    requests; Flask then reuses it for requests, and per-request caches kept on
    ``g`` (the signed-in user, the chosen language) would leak from one request
    into the next. A server gives every request a fresh context; so does this.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


def _share_route_builders() -> None:
    """Every test builds an app, and werkzeug compiles two URL builders (Python code
    generated through ``ast`` and ``compile``) for each of its ~290 routes: 65 of the
    78 ms of CPU ``create_app`` costs. A builder is a plain function of the rule's text,
    parts and defaults, bound to its rule when called, so one compiled per process for
    each distinct rule serves every app's copy of it (create_app: 78 → 13 ms)."""
    compile_builder = Rule._compile_builder
    builders: dict[tuple, object] = {}

    def shared(self, append_unknown=True):
        defaults = sorted((self.defaults or {}).items())
        key = (self.rule, append_unknown, tuple(self._trace), repr(defaults))
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    Rule._compile_builder = shared


_share_route_builders()


def _config(instance, url, **overrides):
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret",
        "AUDIT_KEY": "test-audit-key",  # one key for every app of a test, as workers share one
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://parkops.test",
        # One PBKDF2 round instead of scrypt: a user costs microseconds, not 0.1 s.
        "TEST_PASSWORD_HASH": "pbkdf2:sha256:1",
    }
    config.update(overrides)
    return config


def worker_database(url: str, suffix: str) -> str:
    """A PostgreSQL database of its own beside ``url`` (``<name><suffix>``), created empty.

    Each pytest-xdist worker gets its own, so that workers never empty each other's tables.
    """
    base = make_url(url)
    target = base.set(database=f"{base.database}{suffix}")
    conninfo = base.set(drivername="postgresql").render_as_string(hide_password=False)
    name = sql.Identifier(target.database)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return target.render_as_string(hide_password=False)


def worker_suffix() -> str:
    """``_gw0``, ``_gw1`` … under pytest-xdist; empty in a single process."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"_{worker}" if worker else ""


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """PostgreSQL when PARKOPS_TEST_DATABASE_URL is set (one database per xdist worker),
    else a SQLite file in the run's (per-worker) temporary folder."""
    if TEST_DATABASE_URL:
        suffix = worker_suffix()
        return worker_database(TEST_DATABASE_URL, suffix) if suffix else TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'parkops.db'}"


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    app = create_app(_config(tmp_path_factory.mktemp("schema"), database_url))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield


_shared_engines: dict[str, Engine] = {}  # per test process: options → engine


def _share_engines() -> None:
    """Apps built with ``TEST_SHARED_ENGINE`` (``make_app``'s, on the test database)
    share one engine per process and engine options.

    A new engine per test compiled every statement again (SQLAlchemy's statement cache
    is the engine's), and on PostgreSQL meant a new server process per test, whose
    catalog caches start cold. Tests stay apart as before: a connection goes back to
    the pool rolled back, the tables are emptied after each test, and an engine that a
    test left a connection checked out of is disposed of and made again (``make_app``).
    """
    make_engine = db._make_engine

    def make(bind_key, options, app):
        if not app.config.get("TEST_SHARED_ENGINE"):
            return make_engine(bind_key, options, app)
        key = repr((bind_key, sorted(options.items(), key=str)))
        if key not in _shared_engines:
            _shared_engines[key] = make_engine(bind_key, options, app)
        return _shared_engines[key]

    db._make_engine = make


_share_engines()


def _empty_tables() -> None:
    """Empties the tables a test wrote, so the next test starts from nothing with ids from 1.

    On PostgreSQL a TRUNCATE of every table cost about 0.25 s a test (new files for each
    table and index); a test writes a dozen tables at most, so those are found in one
    statement and emptied with DELETE (children first) and their id sequences restarted,
    all in a second statement (one round trip instead of two or three a table).
    """
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":
        probe = union_all(*(select(literal(t.name)).where(exists().select_from(t)) for t in tables))
        written = set(db.session.execute(probe).scalars())
        statements = []
        for table in reversed(tables):
            if table.name in written:
                statements.append(str(table.delete().compile(dialect=db.engine.dialect)))
                statements.extend(  # NULL (no sequence): no-op
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{column.name}'),"
                    " 1, false)"
                    for column in table.primary_key.columns
                )
        if statements:  # several statements: only without parameters, so no binds here
            db.session.connection().exec_driver_sql("; ".join(statements))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
        # AUTOINCREMENT tables (ids never used again) keep their counters apart
        if db.session.scalar(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")):
            db.session.execute(text("DELETE FROM sqlite_sequence"))
    db.session.commit()


@pytest.fixture
def make_app(_schema, database_url, tmp_path):
    """Build an app on the test database; extra settings as keyword arguments."""
    built = []

    def build(**overrides):
        overrides.setdefault("AUDIT_MARK_PATH", str(tmp_path / "audit_mark.json"))
        # Other databases (a fresh SQLite file, sqlite://) get engines of their own.
        overrides.setdefault("TEST_SHARED_ENGINE", overrides.get("DATABASE_URL") is None)
        app = create_app(_config(tmp_path / f"instance{len(built)}", database_url, **overrides))
        app.test_client_class = CleanGlobalsClient
        with app.app_context():
            try:
                is_demo()  # read once per process, as a server's first page does
            except SQLAlchemyError:
                db.session.rollback()  # no schema yet: the command-line tests make it
        built.append(app)
        return app

    yield build
    if built:
        with built[0].app_context():
            db.session.remove()
            _empty_tables()
            db.session.remove()
        for app in built:
            with app.app_context():
                engine = db.engine
                shared = engine in _shared_engines.values()
                if shared and engine.pool.checkedout():  # left open by the test
                    _shared_engines.pop(next(k for k, e in _shared_engines.items() if e is engine))
                    shared = False
                if not shared:
                    engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ledger(app):
    """The 39 problems of the notice, loaded as `parkops init` does."""
    load_notice()
    return app


@pytest.fixture
def make_site(app):
    def create(code="PSY", name="濮上园"):
        site = Site(code=code, name=name)
        db.session.add(site)
        db.session.commit()
        return site

    return create


@pytest.fixture
def make_user(app):
    def create(username, roles=(), *, sites=(), all_sites=False, password=PASSWORD, **fields):
        user = User(
            username=username,
            display_name=fields.pop("display_name", username.title()),
            all_sites=all_sites,
            **fields,
        )
        user.set_password(password)
        user.set_roles(roles)
        user.sites = list(sites)
        db.session.add(user)
        db.session.commit()
        return user

    return create


@pytest.fixture
def login(client):
    """Sign a user in through the real login form."""

    def sign_in(user_or_name, password=PASSWORD, test_client=None):
        username = getattr(user_or_name, "username", user_or_name)
        response = (test_client or client).post(
            "/login", data={"username": username, "password": password}
        )
        assert response.status_code == 303, f"login as {username} failed"
        return response

    return sign_in


@pytest.fixture
def count_queries(app):
    """``with count_queries() as q: …``; then ``q.count`` is the number of statements run
    (``q.statements`` their SQL).

    What every page runs besides its own: for a signed-in user, the account (one
    statement: roles and sites joined, the top bar's unread count read with it); nothing
    for a visitor. The DEMO flag is read once per process (``parkops.auth.services.is_demo``):
    ``make_app`` reads it as the app is built, so no counted page does.

    The page cache (``parkops.page_cache``) is off inside the block, so the count is the
    page's own work; ``count_queries(page_cache=True)`` counts with it on."""

    class Counter:
        count = 0
        statements: list[str] = []

    @contextlib.contextmanager
    def counting(page_cache=False):
        counter = Counter()
        counter.statements = []

        def before(conn, cursor, statement, *args):
            counter.count += 1
            counter.statements.append(statement)

        config = current_app.config  # the app whose engine is counted
        cache_setting = config["PAGE_CACHE"]
        config["PAGE_CACHE"] = page_cache and cache_setting
        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
            config["PAGE_CACHE"] = cache_setting

    return counting


@pytest.fixture(scope="session")
def s3_endpoint():
    """One moto S3 server per test process (see tests/s3_server.py)."""
    from tests.s3_server import moto_s3_server

    with moto_s3_server() as url:
        yield url


@pytest.fixture
def s3_settings(s3_endpoint, request):
    """App settings that store attachments in a fresh, empty bucket of the moto server."""
    import boto3

    from tests.s3_server import CREDENTIALS

    bucket = f"parkops-{abs(hash(request.node.nodeid)) % 10**12}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["S3_ACCESS_KEY"],
        aws_secret_access_key=CREDENTIALS["S3_SECRET_KEY"],
    )
    client.create_bucket(Bucket=bucket)
    return {
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": "us-east-1",
        **CREDENTIALS,
    }


def freeze_start_up() -> None:
    """What the test process built before its first test (modules, models, the imported
    test files) moves to the collector's permanent generation, as ``parkops serve`` does
    (``parkops.heavy.settle_after_start``): a full collection then walks only what tests
    made since. About 15 % of a test file's CPU (test_admin_users.py: 10.7–11.3 → 9.1–9.5 s)."""
    gc.collect()
    gc.freeze()


def pytest_collection_finish(session):
    freeze_start_up()
