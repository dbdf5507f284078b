"""Submitted weekly reports and public notices: frozen documents, kept as JSON text.

A submitted report's ``data`` is the rendered snapshot of the ledger as the office
saw it that week; it is written once and never changed (a listener refuses any
update of it), so what was said that week stays byte for byte as it was.
"""

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parkops.auth.models import User
from parkops.db import Base, utcnow


class WeeklyReport(Base):
    """整改工作周报: one per week, numbered 第N期 without gaps within its year."""

    __tablename__ = "weekly_reports"
    __table_args__ = (
        UniqueConstraint("year", "number"),
        UniqueConstraint("week_start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]  # the year of the week's Monday
    number: Mapped[int]  # 1, 2, … within the year
    week_start: Mapped[date]  # the local Monday of the week reported on
    covering_note: Mapped[str] = mapped_column(Text)
    data: Mapped[str] = mapped_column(Text)  # the snapshot, JSON text (see reports.weekly)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    submitted_by: Mapped[User] = relationship()


class NoticeState(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class PublicNotice(Base):
    """整改情况通报: a draft the office edits, then a published, frozen document.

    ``parts`` is JSON text: {"title", "intro", "counts", "practice", "plans",
    "closing", "signature": str, "problems": {code: 整改情况 text}} plus the
    structure to print it (see reports.notice).
    """

    __tablename__ = "public_notices"
    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[NoticeState] = mapped_column(
        Enum(
            NoticeState,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=NoticeState.DRAFT,
    )
    parts: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_on: Mapped[date | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    published_by: Mapped[User | None] = relationship()
    __mapper_args__ = {"version_id_col": version}


class DocumentIsFinal(Exception):
    """A submitted report or a published notice is never changed."""


@event.listens_for(WeeklyReport, "before_update")
def _refuse_report_change(mapper, connection, report: WeeklyReport) -> None:
    raise DocumentIsFinal(f"weekly report {report.id} is submitted and cannot change")


@event.listens_for(PublicNotice, "before_update")
def _refuse_published_change(mapper, connection, notice: PublicNotice) -> None:
    history = inspect(notice).attrs.state.history
    before = (history.deleted or history.unchanged or [None])[0]
    if before == NoticeState.PUBLISHED:
        raise DocumentIsFinal(f"notice {notice.id} is published and cannot change")


@event.listens_for(WeeklyReport, "before_delete")
@event.listens_for(PublicNotice, "before_delete")
def _refuse_delete(mapper, connection, document) -> None:
    raise DocumentIsFinal(f"{document.__tablename__} {document.id} cannot be deleted")
