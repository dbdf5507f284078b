"""Decisions of the party committee and director's meetings, followed until done."""

import enum
from datetime import date, datetime

from sqlalchemy import Column, Enum, ForeignKey, Index, Table, Text, event
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from parkops.attachments import Attachment
from parkops.auth.models import Department, User
from parkops.db import Base, utcnow
from parkops.rectification.models import Problem


class MeetingKind(enum.StrEnum):
    PARTY_COMMITTEE = "party_committee"  # 党委会
    DIRECTORS = "directors"  # 局长办公会


def _enum(cls):
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


decision_problems = Table(
    "decision_problems",
    Base.metadata,
    Column("decision_id", ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True),
    Column("problem_id", ForeignKey("rect_problems.id", ondelete="CASCADE"), primary_key=True),
)


class Decision(Base):
    """One decision taken at a meeting, with who answers for it and by when.

    ``version`` rises with every edit: a form carries the version it was read at,
    and a stale one is refused (two editors never silently overwrite each other).
    """

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_done_deadline", "done_on", "deadline"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_kind: Mapped[MeetingKind] = mapped_column(_enum(MeetingKind))
    meeting_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    deadline: Mapped[date]
    done_on: Mapped[date | None]  # set when it is done, with evidence
    done_summary: Mapped[str] = mapped_column(Text, default="")
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id])
    person: Mapped[User | None] = relationship(foreign_keys=[person_id])
    department: Mapped[Department | None] = relationship()
    evidence: Mapped[Attachment | None] = relationship()
    problems: Mapped[list[Problem]] = relationship(
        secondary=decision_problems, order_by=Problem.sort_key
    )
    notes: Mapped[list["DecisionNote"]] = relationship(
        back_populates="decision",
        order_by="DecisionNote.noted_on.desc(), DecisionNote.id.desc()",
        cascade="all, delete-orphan",
    )
    __mapper_args__ = {"version_id_col": version}

    def is_overdue(self, today: date) -> bool:
        return self.done_on is None and self.deadline < today

    def answers_for(self, user: User) -> bool:
        return user.id in (self.leader_id, self.person_id)


class DecisionNote(Base):
    """A dated progress note on a decision; never edited once recorded."""

    __tablename__ = "decision_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("decisions.id", ondelete="CASCADE"), index=True
    )
    noted_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    decision: Mapped[Decision] = relationship(back_populates="notes")
    author: Mapped[User] = relationship()


EVIDENCE_OWNER = "decision"  # Attachment.owner_kind of a decision's evidence


@event.listens_for(DecisionNote, "before_update")
def _refuse_note_change(mapper, connection, note: DecisionNote) -> None:
    if object_session(note).is_modified(note, include_collections=False):
        raise ValueError(f"decision note {note.id} cannot be changed")
