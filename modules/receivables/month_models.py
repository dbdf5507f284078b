"""Month-end aging sums (月末账龄): the aging grid of each closed month-end, stored.

``MonthEnd`` marks one site's month-end as stored; its rows are ``MonthSum`` (per kind,
handler and bucket: fen and how many receivables owe) and ``MonthDebtorSum`` (per
debtor, handler and bucket: fen). A write that changes a balance on or before a stored
month-end deletes the marks (``month_sums.stale``), not the rows: rows whose mark is
gone are never read (every read joins the live marks) and are deleted by the nightly
job. Marks are never given an id used before (SQLite AUTOINCREMENT; PostgreSQL's
sequence), so a new mark cannot take up a dead mark's rows. ``MonthStamp`` counts,
per site, the writes that dropped marks: a reader stores what it computed only if the
count did not move meanwhile. ``handler_id`` 0: no handler, as in ``OpenSum``.

``MonthToDate``, unlike them, is kept by every writer (``sums.add_days``): per day, the
change of what is owed since the month-end before it, so a day after a stored
month-end reads one day's rows, not that month's payments nor its days.
"""

from datetime import date

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from modules.receivables.models import ReceivableKind, _enum
from parkops.db import Base


class MonthEnd(Base):
    """One site's month-end (a local date, the last day of a month) whose sums are
    stored and right."""

    __tablename__ = "rcv_month_ends"
    __table_args__ = (UniqueConstraint("site_id", "month_end"), {"sqlite_autoincrement": True})
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    month_end: Mapped[date]


class MonthSum(Base):
    """What was owed at the end of a month-end day (fen) by the receivables of one
    site, kind and handler in one bucket (``buckets.Bucket``), and how many owed."""

    __tablename__ = "rcv_month_sums"
    month_id: Mapped[int] = mapped_column(primary_key=True)  # MonthEnd.id, no key: see above
    kind: Mapped[ReceivableKind] = mapped_column(_enum(ReceivableKind), primary_key=True)
    handler_id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int]
    open_fen: Mapped[int]
    open_count: Mapped[int]


class MonthDebtorSum(Base):
    """What one debtor owed at the end of a month-end day (fen) on the receivables of
    one site and handler in one bucket: a page of debtors reads its rows by key."""

    __tablename__ = "rcv_month_debtor_sums"
    month_id: Mapped[int] = mapped_column(primary_key=True)
    debtor_id: Mapped[int] = mapped_column(primary_key=True)
    handler_id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int]
    open_fen: Mapped[int]


class MonthStamp(Base):
    """How many times writes at a site dropped stored month-ends (``month_sums``)."""

    __tablename__ = "rcv_month_stamps"
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    drops: Mapped[int]


class MonthDaySum(Base):
    """What was owed at the end of a month-end day (fen) by the receivables of one
    site, kind and handler due on one day, and how many owed: aging on a day of the
    next month re-buckets them by age at that day (``month_sums.days_after``)."""

    __tablename__ = "rcv_month_day_sums"
    month_id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReceivableKind] = mapped_column(_enum(ReceivableKind), primary_key=True)
    handler_id: Mapped[int] = mapped_column(primary_key=True)
    due_on: Mapped[date] = mapped_column(primary_key=True)
    site_id: Mapped[int]
    open_fen: Mapped[int]
    open_count: Mapped[int]


class MonthToDate(Base):
    """How much more the receivables of one site, kind and handler due on one day owe
    at the end of a local day than at the month-end before it (``fen``; negative: less)
    and how many more of them owe (``owing``): the sum of the changes of the days from
    the first of its month up to it (+ the amount on the day one is raised, − an
    allocation on its day, or its receivable's raised day when later; +1 on a day one
    starts owing, -1 on one it stops). A change adds to its key's rows from its day to
    the last of its month, so what they owed at the end of a day is the month-end's
    ``MonthDaySum`` plus that day's rows alone (``aging``, ``indicators``): one row per
    key, whatever the days since the month-end. Kept by ``sums.add_days`` in each
    writer's transaction, never dropped."""

    __tablename__ = "rcv_month_to_date"
    day: Mapped[date] = mapped_column(primary_key=True)  # first: readers take one day
    site_id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReceivableKind] = mapped_column(_enum(ReceivableKind), primary_key=True)
    handler_id: Mapped[int] = mapped_column(primary_key=True)
    due_on: Mapped[date] = mapped_column(primary_key=True)
    fen: Mapped[int]
    owing: Mapped[int]
