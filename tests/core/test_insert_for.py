"""One dialect upsert for every module (``parkops.db.insert_for``): the limit lock, the
audit chain's tip and the aging sums all take their INSERT … ON CONFLICT from it."""

from sqlalchemy import select

from parkops import limits
from parkops.db import insert_for
from parkops.extensions import db


def test_insert_for_upserts_on_the_sessions_database_and_its_connection(app):
    table = limits.LimitLock.__table__
    for runner in (db.session, db.session.connection()):
        insert = insert_for(runner, table)
        upsert = insert.values(scope="test.upsert", uses=1).on_conflict_do_update(
            index_elements=["scope"], set_={"uses": table.c.uses + insert.excluded.uses}
        )
        runner.execute(upsert)
    assert db.session.scalar(select(table.c.uses).where(table.c.scope == "test.upsert")) == 2
    limits.serialize("test.upsert")  # the limit lock goes through it too
    assert db.session.scalar(select(table.c.uses).where(table.c.scope == "test.upsert")) == 3
