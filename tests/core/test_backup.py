"""``parkops backup``: a consistent copy of a live SQLite database while it is written."""

import os
import re
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from parkops.extensions import db
from parkops.rectification.services import load_notice


@pytest.fixture
def live(make_app, tmp_path):
    """An app on its own SQLite file with the ParkOps schema, the ledger and 40 MB of rows."""
    make_app()  # the fixture empties the first app's database afterwards: the shared one
    path = tmp_path / "live.db"
    app = make_app(DATABASE_URL=f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        load_notice()
        db.session.remove()
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE filler (data BLOB)")
        con.executemany(
            "INSERT INTO filler VALUES (?)", ((os.urandom(4096),) for _ in range(10_000))
        )
        con.execute("CREATE TABLE pair_a (n INTEGER PRIMARY KEY)")
        con.execute("CREATE TABLE pair_b (n INTEGER PRIMARY KEY)")
    app.db_path = path
    return app


class Writer(threading.Thread):
    """Commits a row into pair_a and pair_b in one transaction, over and over."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path, self.commits, self.stop = path, 0, threading.Event()

    def run(self):
        con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        while not self.stop.is_set():
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO pair_a DEFAULT VALUES")
            con.execute("INSERT INTO pair_b DEFAULT VALUES")
            con.execute(
                "UPDATE filler SET data = randomblob(4096) WHERE rowid = abs(random()) % 10000"
            )
            con.execute("COMMIT")
            self.commits += 1
        con.close()


def _backup(app, *args):
    result = app.test_cli_runner().invoke(args=["backup", *args])
    return result.exit_code, result.output


def test_copy_while_the_server_writes_is_consistent(live, tmp_path):
    writer = Writer(live.db_path)
    writer.start()
    while writer.commits < 20:
        time.sleep(0.01)
    before = writer.commits
    code, output = _backup(live, str(tmp_path / "copy.db"))
    after = writer.commits
    time.sleep(0.2)
    writer.stop.set()
    writer.join()
    assert code == 0, output
    assert output.strip() == str((tmp_path / "copy.db").resolve())
    assert after > before, "the writer was blocked during the backup"

    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
    a, b = copy.execute(
        "SELECT (SELECT count(*) FROM pair_a), (SELECT count(*) FROM pair_b)"
    ).fetchone()
    assert a == b, "the copy holds half of a transaction"
    assert before <= a <= after
    assert copy.execute("SELECT count(*) FROM rect_problems").fetchone() == (39,)
    assert copy.execute("SELECT count(*) FROM filler").fetchone() == (10_000,)
    copy.close()
    assert not list(tmp_path.glob(".*partial"))


def test_default_name_in_the_instance_folder(live):
    code, output = _backup(live)
    assert code == 0, output
    written = Path(output.strip())
    assert written.parent == Path(live.instance_path).resolve() / "backups"
    assert re.fullmatch(r"parkops-\d{8}-\d{6}\.db", written.name)
    assert sqlite3.connect(written).execute("SELECT count(*) FROM rect_problems").fetchone() == (
        39,
    )


def test_a_directory_gets_the_default_name_inside(live, tmp_path):
    target = tmp_path / "nightly"
    target.mkdir()
    code, output = _backup(live, str(target))
    assert code == 0, output
    assert Path(output.strip()).parent == target.resolve()


def test_an_existing_file_is_not_overwritten(live, tmp_path):
    target = tmp_path / "kept.db"
    target.write_bytes(b"yesterday's backup")
    code, output = _backup(live, str(target))
    assert code == 1
    assert "already exists" in output
    assert target.read_bytes() == b"yesterday's backup"


def test_postgresql_is_told_to_use_pg_dump(make_app):
    make_app()
    app = make_app(DATABASE_URL="postgresql+psycopg://parkops:s3cret@db.park.test:5432/parkops")
    code, output = _backup(app)
    assert code == 1
    assert "pg_dump" in output
    assert "postgresql://parkops@db.park.test:5432/parkops" in output
    assert "s3cret" not in output
    assert not (Path(app.instance_path) / "backups").exists()


def test_an_in_memory_database_has_nothing_to_copy(make_app):
    make_app()
    app = make_app(DATABASE_URL="sqlite://")
    code, output = _backup(app)
    assert code == 1
    assert "in memory" in output
