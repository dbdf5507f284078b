"""receivables: what changed since the month-end, per day, instead of each day's change

``rcv_month_to_date`` replaces ``rcv_day_changes``: per local day, site, kind, handler
and due day, what the receivables with that key came to owe more (fen) and how many
more of them owe since the month-end before the day, up to its end (the running total
of the day changes from the first of its month). Aging and the count over a year past
due on a day that is not a month-end read that day's rows alone after the month-end's
sums, not every day since: at the bench's full volume the days of half a month held
~40 times the rows of its hundredth. Filled here from the day changes (one pass in key
and day order); the downgrade takes the differences back.

Revision ID: a9e1c0000011
Revises: a9e1c0000010
Create Date: 2026-12-02 17:50:00

"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "a9e1c0000011"
down_revision = "a9e1c0000010"
branch_labels = None
depends_on = None

KINDS = (
    "rent",
    "deposit_shortfall",
    "utilities",
    "advance",
    "compensation",
    "other",
    "opening",
)
KEY = ("site_id", "kind", "handler_id", "due_on")
BATCH = 5_000


def _create(name: str) -> sa.Table:
    op.create_table(
        name,
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="receivablekind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("handler_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("fen", sa.Integer(), nullable=False),
        sa.Column("owing", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*("day", *KEY), name=op.f(f"pk_{name}")),
    )
    return _table(name)


def _table(name: str) -> sa.TableClause:
    return sa.table(
        name,
        sa.column("day", sa.Date()),
        sa.column("site_id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("handler_id", sa.Integer()),
        sa.column("due_on", sa.Date()),
        sa.column("fen", sa.Integer()),
        sa.column("owing", sa.Integer()),
    )


def _copy(source: sa.TableClause, target: sa.TableClause, rows_of) -> None:
    """Insert into ``target`` the rows ``rows_of(key, [(day, fen, owing)] in day
    order)`` yields for each key's rows of ``source``."""
    bind = op.get_bind()
    query = sa.select(
        *(source.c[c] for c in KEY), source.c.day, source.c.fen, source.c.owing
    ).order_by(*(source.c[c] for c in KEY), source.c.day)
    batch, key, days = [], None, []

    def flush_key():
        for day, fen, owing in rows_of(days):
            batch.append(
                dict(zip(KEY, key, strict=True)) | {"day": day, "fen": fen, "owing": owing}
            )

    for row in bind.execute(query).all():
        if tuple(row[:4]) != key:
            if key is not None:
                flush_key()
            key, days = tuple(row[:4]), []
        days.append(tuple(row[4:]))
        if len(batch) >= BATCH:
            bind.execute(target.insert(), batch)
            batch = []
    if key is not None:
        flush_key()
    if batch:
        bind.execute(target.insert(), batch)


def _running(days):
    """Each day's total since the month-end before it, to the last day of each month
    with a change."""
    totals, fen, owing, month = {}, 0, 0, None
    for day, change_fen, change_owing in days:
        if (day.year, day.month) != month:
            if month is not None:
                yield from _to_month_end(totals)
            totals, fen, owing, month = {}, 0, 0, (day.year, day.month)
        fen, owing = fen + change_fen, owing + change_owing
        totals[day] = (fen, owing)
    if month is not None:
        yield from _to_month_end(totals)


def _to_month_end(totals: dict):
    """The rows of one key and month: each day from its first change to the month's
    last, with the total of the last change on or before it (none where zero)."""
    day = min(totals)
    month, last = day.month, (0, 0)
    while day.month == month:
        last = totals.get(day, last)
        if any(last):
            yield day, *last
        day += timedelta(days=1)


def _changes(days):
    """Each day's change: its total less the day before's in the same month (no row:
    zero); a total whose rows stop before its month's last day went back to zero the
    day after."""
    before = None
    for day, fen, owing in [*days, (None, 0, 0)]:
        previous = (0, 0)
        if before is not None:
            after = before[0] + timedelta(days=1)
            if after == day and after.day != 1:
                previous = before[1:]
            elif after.day != 1 and any(before[1:]):
                yield after, -before[1], -before[2]
        if day is not None and (fen, owing) != previous:
            yield day, fen - previous[0], owing - previous[1]
        before = (day, fen, owing)


def upgrade():
    target = _create("rcv_month_to_date")
    _copy(_table("rcv_day_changes"), target, _running)
    op.drop_table("rcv_day_changes")


def downgrade():
    target = _create("rcv_day_changes")
    _copy(_table("rcv_month_to_date"), target, _changes)
    op.drop_table("rcv_month_to_date")
