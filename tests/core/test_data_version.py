"""The data version moves with every committed write, whichever path wrote, and only then."""

import threading

import pytest
from sqlalchemy import event, insert, select, text, update

from parkops import data_version
from parkops.auth.models import Site
from parkops.extensions import db
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
