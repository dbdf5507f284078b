"""The data version: one number that changes with every committed write.

Table ``data_version`` holds one row (``id`` 1). Every database transaction that
wrote anything (INSERT, UPDATE, DELETE, REPLACE, MERGE, TRUNCATE, whichever path sent
it: the ORM session, ``session.execute(update(…))``, Core ``engine.begin()``, the
scheduler, the command line) adds one to it in the same transaction, just before its
commit. A reader that sees version N therefore sees every write committed up to N:
the page cache (``parkops.page_cache``) keys kept pages by it, so no page outlives
the data it shows, on any worker sharing the database.

How: an engine event marks the DBAPI connection when a writing statement runs
(``before_cursor_execute``); the ``commit`` event, which fires before the DBAPI
commit, runs the increment through the DBAPI cursor when the mark is set (so it is
neither counted nor marking itself); ``rollback`` drops the mark, so a rolled-back
transaction changes nothing. The increment is an upsert, so a missing row (a fresh
schema, emptied tables) is made again. Writes that bypass SQLAlchemy (sqlite3 itself,
psql) do not move the version: after such a change, or after restoring a backup,
restart the server (the page cache lives in the process).
"""

import os
import re
import threading
import weakref

from flask import Flask, g
from sqlalchemy import BigInteger, Integer, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.pool import QueuePool

from parkops.db import Base
from parkops.extensions import db

_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|TRUNCATE|UPSERT)\b", re.I)
# A CTE may end in a write (PostgreSQL's WITH … UPDATE); a read-only one is counted
# as a write too: an extra increment only costs a cache miss.
_WITH_WRITE = re.compile(r"\s*WITH\b.*\b(INSERT|UPDATE|DELETE)\b", re.I | re.S)
_SCHEMA = re.compile(r"\s*(CREATE|DROP|ALTER)\b", re.I)
WROTE = "parkops_wrote"  # DBAPI connection info key: this transaction wrote
_INCREMENT = (
    "INSERT INTO data_version (id, version) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET version = data_version.version + 1"
)
_READ = "SELECT version FROM data_version WHERE id = 1"
_TABLE_EXISTS = {
    "sqlite": "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'data_version'",
    "postgresql": "SELECT to_regclass('data_version') IS NOT NULL",
}
_table_state: "weakref.WeakKeyDictionary[Engine, bool]" = weakref.WeakKeyDictionary()


class DataVersion(Base):
    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


def current() -> int:
    """The committed data version (one primary-key SELECT); 0 before the first write.

    Read on a DBAPI connection of its own, not the ORM session's: it sees what is
    committed, never the session's own pending writes, and a kept page is served without
    starting the session's transaction. On a SQLite file or PostgreSQL that connection is
    this thread's own, kept (``_own_connection``); elsewhere (an in-memory SQLite) a
    pooled one. A kept connection that fails (PostgreSQL restarted, the backend ended) is
    closed and the read made once more on a new one; a second failure is raised (the
    DBAPI's error). (It runs outside SQLAlchemy's execution events, so statement counts
    miss it.)"""
    engine = db.engine
    if not isinstance(engine.pool, QueuePool):
        conn = engine.raw_connection()
        try:
            return _read(conn)
        finally:
            conn.close()
    try:
        return _read(_own_connection(engine))
    except engine.dialect.loaded_dbapi.Error:
        _drop_own()
        return _read(_own_connection(engine))


def _read(connection) -> int:
    cursor = connection.cursor()
    try:
        cursor.execute(_READ)
        rows = cursor.fetchall()  # to the end: a SQLite read's snapshot ends with it
    finally:
        cursor.close()
    return rows[0][0] if rows and rows[0][0] else 0


class _Kept:
    """A thread's kept connection to one engine. Closed when the thread ends and its
    locals go, so a server never holds more than one per live thread; not in a forked
    child, whose copy of the socket is still the parent's connection."""

    def __init__(self, engine: Engine, connection) -> None:
        self.engine = weakref.ref(engine)
        self.connection = connection
        self.pid = os.getpid()

    def __del__(self) -> None:
        if os.getpid() == self.pid:
            self.connection.close()  # the pool logs a close that fails


_own = threading.local()  # .kept: a _Kept
os.register_at_fork(after_in_child=lambda: _own.__dict__.clear())  # not shared with a child


def _own_connection(engine: Engine):
    """This thread's DBAPI connection to ``engine``'s database, opened once by the pool
    (so with its connect events) and detached from it: it holds no pool slot, and a
    server has one per thread beside its pool. The version is read at every request of
    a kept page; checking a connection out of the pool and back cost five times the read
    and made the server's threads queue on the pool's lock (the loopback bench on SQLite:
    a route doing only the read fell from 1.0x to 0.8-0.88x of /healthz through the
    pool, 0.94-1.07x on a kept connection); on PostgreSQL the pooled read also took three
    round trips (BEGIN, SELECT, the ROLLBACK on return) and 3x the client CPU. Each read
    runs in autocommit (psycopg's; SQLite's SELECT outside a transaction), so it sees
    every commit made before it and holds no snapshot or lock between requests."""
    kept = getattr(_own, "kept", None)
    if kept is not None and kept.engine() is engine:
        return kept.connection
    _drop_own()
    connection = engine.raw_connection()
    connection.detach()
    if engine.dialect.name == "postgresql":
        connection.dbapi_connection.rollback()  # autocommit is refused inside a transaction
        connection.dbapi_connection.autocommit = True
    _own.kept = _Kept(engine, connection)
    return connection


def _drop_own() -> None:
    """Close this thread's kept connection, if any."""
    _own.__dict__.pop("kept", None)  # closed as it goes (_Kept.__del__)


def seen() -> int:
    """The data version as this request first saw it (``current()``, read once per
    request and kept on ``g``): what the page cache and the kept identities are keyed
    by. Read before anything is loaded, so what is kept under it is never older."""
    found = g._get_current_object()  # the proxy resolved once (kept pages read this often)
    try:
        return found.parkops_data_version
    except AttributeError:
        found.parkops_data_version = current()
        return found.parkops_data_version


def _before_cursor_execute(conn: Connection, cursor, statement: str, *args) -> None:
    if _WRITES.match(statement) or _WITH_WRITE.match(statement):
        conn.connection.info[WROTE] = True
    elif _SCHEMA.match(statement):
        # The table may have just been made or dropped (migrations, tests): look again.
        _table_state.pop(conn.engine, None)


def _table_exists(conn: Connection, cursor) -> bool:
    """Whether data_version exists, looked up once per engine (until a schema change):
    migrations write (alembic_version) before the revision that makes it has run."""
    state = _table_state.get(conn.engine)
    if state is None:
        cursor.execute(_TABLE_EXISTS.get(conn.dialect.name, _TABLE_EXISTS["postgresql"]))
        row = cursor.fetchone()
        state = bool(row and row[0])
        _table_state[conn.engine] = state
    return state


def _commit(conn: Connection) -> None:
    info = conn.connection.info
    if not info.pop(WROTE, False):
        return
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        if _table_exists(conn, cursor):
            cursor.execute(_INCREMENT)
    finally:
        cursor.close()


def _rollback(conn: Connection) -> None:
    conn.connection.info.pop(WROTE, None)


def watch(engine: Engine) -> None:
    """Make ``engine``'s committing transactions move the version (idempotent)."""
    if not event.contains(engine, "before_cursor_execute", _before_cursor_execute):
        event.listen(engine, "before_cursor_execute", _before_cursor_execute)
        event.listen(engine, "commit", _commit)
        event.listen(engine, "rollback", _rollback)


def init_app(app: Flask) -> None:
    with app.app_context():
        watch(db.engine)
