"""The data version moves with every committed write, whichever path wrote, and only then."""

import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import event, insert, select, text, update

from parkops import data_version
from parkops.auth.models import Site
from parkops.extensions import db
from parkops.rectification.models import Problem
from tests.conftest import TEST_DATABASE_URL


def version() -> int:
    value = data_version.current()
    db.session.commit()  # end the read, so the next one sees later commits (PostgreSQL)
    return value


def test_an_orm_write_moves_the_version_once_per_transaction(app):
    before = version()
    db.session.add(Site(code="A", name="Site A"))
    db.session.add(Site(code="B", name="Site B"))
    db.session.commit()
    assert version() == before + 1


def test_bulk_core_and_raw_writes_move_it_too(app, make_site):
    site = make_site()
    before = version()
    db.session.execute(update(Site).where(Site.id == site.id).values(name="Renamed"))
    db.session.commit()
    assert version() == before + 1
    with db.engine.begin() as conn:  # another connection, as a job or another worker
        conn.execute(insert(Site).values(code="C", name="Site C"))
    assert version() == before + 2
    db.session.execute(text("DELETE FROM sites WHERE code = 'C'"))
    db.session.commit()
    assert version() == before + 3


def test_reads_and_rollbacks_leave_it(app, make_site):
    make_site()
    before = version()
    db.session.scalars(select(Site)).all()
    db.session.commit()
    db.session.add(Site(code="X", name="Never kept"))
    db.session.flush()  # the INSERT ran …
    db.session.rollback()  # … and was undone
    with db.engine.connect() as conn:
        conn.execute(select(Site)).all()
        conn.commit()
    assert version() == before
    assert db.session.scalar(select(Site).where(Site.code == "X")) is None


def test_the_new_version_is_committed_with_the_write_not_before_it(app):
    before = version()
    with db.engine.connect() as writer:
        writer.execute(insert(Site).values(code="W", name="Written"))
        # Another connection does not see the write yet, nor a new version.
        with db.engine.connect() as reader:
            assert reader.scalar(select(data_version.DataVersion.version)) == before
            assert reader.scalar(select(Site.id).where(Site.code == "W")) is None
        writer.commit()
    with db.engine.connect() as reader:
        assert reader.scalar(select(data_version.DataVersion.version)) == before + 1
        assert reader.scalar(select(Site.id).where(Site.code == "W")) is not None


@pytest.mark.skipif(
    not (TEST_DATABASE_URL or "sqlite").startswith("sqlite"), reason="SQLite's kept connection"
)
def test_each_thread_reads_the_version_on_a_kept_connection_that_sees_later_commits(app):
    checkouts = []

    def checkout(*_args):
        checkouts.append(1)

    event.listen(db.engine, "checkout", checkout)
    try:
        before = version()  # this thread's connection is open from here on
        with db.engine.begin() as conn:  # a write on another connection, as a worker's
            conn.execute(insert(Site).values(code="K", name="Kept"))
        taken = len(checkouts)
        assert version() == before + 1  # seen by the next read …
        assert version() == before + 1
        assert len(checkouts) == taken  # … which took no connection from the pool
    finally:
        event.remove(db.engine, "checkout", checkout)
    seen = []

    def read_elsewhere():
        with app.app_context():
            seen.append(data_version.current())

    other = threading.Thread(target=read_elsewhere)
    other.start()
    other.join()
    assert seen == [before + 1]


on_postgresql = pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql"), reason="PostgreSQL's kept connection"
)
_OTHER_WORKER = """
import sys
from sqlalchemy import create_engine, text
from parkops import data_version
engine = create_engine(sys.argv[1])
data_version.watch(engine)
with engine.begin() as conn:
    conn.execute(text("UPDATE rect_problems SET title = :t WHERE code = '14'"),
                 {"t": "Renamed by another worker"})
"""
_KEPT = "FROM pg_stat_activity WHERE datname = current_database() AND query = :read"


def kept_backends(terminate: bool = False) -> int:
    """How many server processes of the test database last ran the version's read
    (the kept connections: pooled ones never run it on PostgreSQL); ended if asked."""
    what = "pg_terminate_backend(pid)" if terminate else "pid"
    with db.engine.connect() as conn:
        rows = conn.execute(text(f"SELECT {what} {_KEPT}"), {"read": data_version._READ})
        return len(rows.all())


@pytest.fixture
def problem_page(ledger, make_user, login, client):
    login(make_user("office1", ["office"]))
    problem_id = db.session.scalar(select(Problem.id).where(Problem.code == "14"))
    path = f"/ledger/problems/{problem_id}"
    client.get(path)  # stores the page's indicator readings: a write, so not kept yet
    assert "Renamed by another worker" not in client.get(path).get_data(as_text=True)
    return path


@on_postgresql
def test_a_commit_in_another_process_shows_on_the_next_request(problem_page, client, database_url):
    subprocess.run([sys.executable, "-c", _OTHER_WORKER, database_url], check=True)
    assert "Renamed by another worker" in client.get(problem_page).get_data(as_text=True)
    assert kept_backends() == 1  # this thread's, read at each request: one, not one each


@on_postgresql
def test_a_request_after_its_kept_connection_was_ended_still_answers(problem_page, client):
    client.get(problem_page)
    assert kept_backends(terminate=True) == 1  # as a restarted PostgreSQL would
    with db.engine.begin() as conn:
        conn.execute(update(Problem).where(Problem.code == "14").values(title="Renamed again"))
    again = client.get(problem_page)
    assert again.status_code == 200
    assert "Renamed again" in again.get_data(as_text=True)  # the new connection sees it
    assert client.get(problem_page).status_code == 200
    assert kept_backends() == 1


@on_postgresql
def test_threads_keep_one_connection_each_and_close_it_as_they_end(app):
    started, done = threading.Barrier(5), threading.Event()

    def read():
        with app.app_context():
            data_version.current()
            data_version.current()
            started.wait()
            done.wait()

    before = kept_backends()  # this thread's, if an earlier test read here
    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        started.wait(timeout=30)
        assert kept_backends() == before + 4
    finally:
        done.set()
        for thread in threads:
            thread.join()
    for _ in range(50):  # a server process ends a moment after its client closes
        if kept_backends() == before:
            break
        time.sleep(0.1)
    assert kept_backends() == before
