"""Online backup of the embedded SQLite database.

SQLite's backup API copies the database page by page from a live connection.
Done in one step it reads inside a single read transaction: in WAL mode the
server's writers go on meanwhile, and the copy is the database as it was at one
instant (a consistent snapshot, never a half-written transaction). The copy is
written beside its final name and renamed when complete and checked, so a
crash never leaves a truncated file under the backup's name.
"""

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

BUSY_TIMEOUT_MS = 10_000


class BackupError(Exception):
    """A backup that cannot be made; the message says why, for the operator."""


def sqlite_path(database_url: str) -> Path:
    """The database file of an SQLite URL; BackupError for anything else."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        raise BackupError(
            "The database is PostgreSQL: back it up with pg_dump, for example\n"
            f"  pg_dump --format=custom --file=parkops.dump {_libpq_url(url)}"
        )
    if url.get_backend_name() != "sqlite":
        raise BackupError(f"Cannot back up a {url.get_backend_name()} database.")
    if not url.database or url.database == ":memory:":
        raise BackupError("The database is in memory: there is no file to back up.")
    return Path(url.database)


def _libpq_url(url: URL) -> str:
    """The URL as pg_dump takes it, without the password (pg_dump asks, or reads ~/.pgpass)."""
    bare = URL.create(
        "postgresql", username=url.username, host=url.host, port=url.port, database=url.database
    )
    return bare.render_as_string(hide_password=False)


def default_target(instance_path: str, now: datetime) -> Path:
    return Path(instance_path) / "backups" / f"parkops-{now:%Y%m%d-%H%M%S}.db"


def backup_sqlite(source: Path, target: Path) -> Path:
    """Copy the live database ``source`` to ``target`` (a new file); returns ``target``."""
    if not source.is_file():
        raise BackupError(f"No database file at {source}.")
    if target.exists():
        raise BackupError(f"{target} already exists; choose another name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        check = _copy(source, partial)
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"SQLite could not copy {source}: {error}") from error
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"The copy failed its integrity check: {check}")
    os.replace(partial, target)
    return target


def _copy(source: Path, target: Path) -> str:
    """Copy in one step; returns the copy's quick_check verdict ("ok")."""
    src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # pages=-1: everything in one step, one read transaction
            # A self-contained single file: no -wal/-shm beside the copy.
            dst.execute("PRAGMA journal_mode=DELETE")
            return dst.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            dst.close()
    finally:
        src.close()
