"""Limits that hold under concurrency (sign-in failures, visitor reports, next numbers).

A limit counts rows of its own history table (failed sign-ins, reports) in a
time window. Counting then inserting is a race: thirty requests at once all
count four and all go ahead. ``serialize(scope)`` takes a row lock on the
scope's row in ``limit_locks`` for the rest of the current transaction
(PostgreSQL: a row lock; SQLite: the database's write lock, which the first
write of a transaction takes), so the count, the decision and the insert of the
new history row happen one request at a time; commit releases it. Keep the
locked part short: do slow work (a password hash) after committing. Handing
out the next number of a sequence (self-found problems S1, S2, …) is the same
count-then-insert and uses the same lock.
"""

from sqlalchemy import String, update
from sqlalchemy.orm import Mapped, mapped_column

from parkops.db import Base, insert_for
from parkops.extensions import db


class LimitLock(Base):
    """One row per limited action ("auth.login"); locked while a request decides."""

    __tablename__ = "limit_locks"
    scope: Mapped[str] = mapped_column(String(60), primary_key=True)
    uses: Mapped[int] = mapped_column(default=0)  # how often it was taken: for the curious


def serialize(scope: str) -> None:
    """Hold ``scope``'s lock until the session's transaction ends.

    Call it before counting; the caller commits (or rolls back) soon after.
    Raises KeyError on a database other than SQLite or PostgreSQL.
    """
    table = LimitLock.__table__
    insert = insert_for(db.session, table).values(scope=scope, uses=0)
    db.session.execute(insert.on_conflict_do_nothing())
    db.session.execute(update(table).where(table.c.scope == scope).values(uses=table.c.uses + 1))
