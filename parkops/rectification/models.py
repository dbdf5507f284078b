"""Problems of the inspection, their measures, regulations, progress and evidence."""

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from parkops.attachments import Attachment
from parkops.auth.models import Department, User
from parkops.db import Base, utcnow


class Status(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    LONG_TERM = "long_term"


class Source(enum.StrEnum):
    INSPECTION = "inspection"  # found by the city's inspection team
    SELF = "self"  # found by the administration itself (举一反三)


def _enum(cls):
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Section(Base):
    """一 to 四: the four headings of the notice."""

    __tablename__ = "rect_sections"
    number: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))


class Category(Base):
    """1 to 11: the groups of problems within a section."""

    __tablename__ = "rect_categories"
    number: Mapped[int] = mapped_column(primary_key=True)
    section_number: Mapped[int] = mapped_column(ForeignKey("rect_sections.number"))
    title: Mapped[str] = mapped_column(String(200))

    section: Mapped[Section] = relationship(lazy="joined")


class Problem(Base):
    __tablename__ = "rect_problems"
    __table_args__ = (Index("ix_rect_problems_status_deadline", "status", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)  # "14"; "S3" self-found
    sort_key: Mapped[int] = mapped_column(index=True)
    source: Mapped[Source] = mapped_column(_enum(Source), default=Source.INSPECTION)
    category_number: Mapped[int] = mapped_column(ForeignKey("rect_categories.number"))
    title: Mapped[str] = mapped_column(Text)
    notice_text: Mapped[str] = mapped_column(Text, default="")
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    deadline: Mapped[date | None]
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.NOT_STARTED)
    completed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Raised by every UPDATE; edit forms carry it, so a stale page cannot overwrite.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  SQLAlchemy's own convention

    category: Mapped[Category] = relationship(lazy="joined")
    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id])
    person: Mapped[User | None] = relationship(foreign_keys=[person_id])
    department: Mapped[Department | None] = relationship()
    measures: Mapped[list["Measure"]] = relationship(
        back_populates="problem", order_by="Measure.id", cascade="all, delete-orphan"
    )
    regulations: Mapped[list["Regulation"]] = relationship(
        back_populates="problem", order_by="Regulation.adopted_on", cascade="all, delete-orphan"
    )
    reports: Mapped[list["ProgressReport"]] = relationship(
        back_populates="problem",
        order_by="ProgressReport.reported_on.desc(), ProgressReport.id.desc()",
        cascade="all, delete-orphan",
    )

    @property
    def label(self) -> str:
        return f"{self.code}. {self.title}" if self.source == Source.INSPECTION else self.title

    def is_overdue(self, today: date) -> bool:
        return (
            self.deadline is not None
            and self.deadline < today
            and self.status not in (Status.COMPLETED, Status.LONG_TERM)
        )


class Measure(Base):
    """整改措施: one action taken to fix a problem."""

    __tablename__ = "rect_measures"
    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(
        ForeignKey("rect_problems.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    deadline: Mapped[date | None]
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.NOT_STARTED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # as Problem.version
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  SQLAlchemy's own convention

    problem: Mapped[Problem] = relationship(back_populates="measures")
    owner: Mapped[User | None] = relationship()

    def is_overdue(self, today: date) -> bool:
        return (
            self.deadline is not None
            and self.deadline < today
            and self.status not in (Status.COMPLETED, Status.LONG_TERM)
        )


class Regulation(Base):
    """制度: a rule or procedure adopted or revised for a problem."""

    __tablename__ = "rect_regulations"
    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(
        ForeignKey("rect_problems.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    revised: Mapped[bool] = mapped_column(default=False)  # False: newly adopted
    adopted_on: Mapped[date]
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    problem: Mapped[Problem] = relationship(back_populates="regulations")
    attachment: Mapped[Attachment | None] = relationship()


class ProgressReport(Base):
    """整改进展: a dated report on a problem; the office reports weekly."""

    __tablename__ = "rect_progress_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(
        ForeignKey("rect_problems.id", ondelete="CASCADE"), index=True
    )
    reported_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    problem: Mapped[Problem] = relationship(back_populates="reports")
    author: Mapped[User] = relationship()


class ReportIsFinal(Exception):
    """A progress report carries audit weight: once written it stays as written."""


@event.listens_for(ProgressReport, "before_update")
def _refuse_report_change(mapper, connection, report: ProgressReport) -> None:
    if object_session(report).is_modified(report, include_collections=False):
        raise ReportIsFinal(f"progress report {report.id} cannot be changed")


@event.listens_for(ProgressReport, "before_delete")
def _refuse_report_delete(mapper, connection, report: ProgressReport) -> None:
    raise ReportIsFinal(f"progress report {report.id} cannot be deleted")


class EvidenceLink(Base):
    """An operational record (of any module) offered as evidence for a problem."""

    __tablename__ = "rect_evidence_links"
    __table_args__ = (
        UniqueConstraint("problem_id", "kind", "record_id"),
        Index("ix_rect_evidence_problem_kind_created", "problem_id", "kind", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("rect_problems.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))  # an EvidenceKind name
    record_id: Mapped[int]
    # The record's site, kept with the link so lists filter by the reader's sites
    # in SQL; None (links made before it was recorded) shows only to all-site readers.
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    summary: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EvidenceMapping(Base):
    """The office's override of which problems an evidence kind links to."""

    __tablename__ = "rect_evidence_mappings"
    kind: Mapped[str] = mapped_column(String(60), primary_key=True)
    problem_codes: Mapped[str] = mapped_column(String(200))  # comma-separated codes


class RecurrenceReview(Base):
    """The office's decision on a completed problem whose live indicator turned against it
    (反弹): reopen it, or keep it completed for a stated reason. Audited, never edited."""

    __tablename__ = "rect_recurrence_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(
        ForeignKey("rect_problems.id", ondelete="CASCADE"), index=True
    )
    indicator: Mapped[str] = mapped_column(String(80))  # the Indicator's name
    reading: Mapped[str] = mapped_column(String(300))  # its figure when decided
    reopened: Mapped[bool]  # False: kept completed, for ``reason``
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    decided_by: Mapped[User] = relationship()
