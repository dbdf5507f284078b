"""Decisions' domain logic: one public function, one transaction, every change audited."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from parkops import audit, deciding, idempotency
from parkops.attachments import store_file
from parkops.auth.models import User
from parkops.decisions.models import EVIDENCE_OWNER, Decision, DecisionNote, MeetingKind
from parkops.extensions import db
from parkops.rectification.models import Problem


class DecisionError(ValueError):
    """The change is refused; the message (English) says why."""


class VersionConflict(Exception):
    """Someone saved the decision since the form was read; nothing was changed."""


@dataclass
class Values:
    """What the office types for a decision."""

    meeting_kind: MeetingKind
    meeting_on: date
    text: str
    deadline: date
    leader_id: int | None = None
    department_id: int | None = None
    person_id: int | None = None
    problem_ids: list[int] = field(default_factory=list)


def _apply(decision: Decision, v: Values) -> dict:
    if v.deadline < v.meeting_on:
        raise DecisionError("the deadline is before the meeting")
    if not v.text.strip():
        raise DecisionError("the decision's text is empty")
    decision.meeting_kind = v.meeting_kind
    decision.meeting_on = v.meeting_on
    decision.text = v.text.strip()
    decision.deadline = v.deadline
    decision.leader_id, decision.department_id, decision.person_id = (
        v.leader_id,
        v.department_id,
        v.person_id,
    )
    decision.problems = list(
        db.session.scalars(select(Problem).where(Problem.id.in_(v.problem_ids or [-1])))
    )
    return {
        "meeting_kind": v.meeting_kind.value,
        "meeting_on": v.meeting_on,
        "deadline": v.deadline,
        "leader_id": v.leader_id,
        "department_id": v.department_id,
        "person_id": v.person_id,
        "problems": [p.code for p in decision.problems],
    }


def add(values: Values, user: User) -> Decision:
    decision = Decision()
    details = _apply(decision, values)
    db.session.add(decision)
    db.session.flush()
    audit.record("decisions.added", "decision", decision.id, details, actor=user)
    db.session.commit()
    return decision


def update(decision: Decision, version: int, values: Values, user: User) -> None:
    """Save the edit of a decision read at ``version``; VersionConflict when it changed since."""
    if version != decision.version:
        raise VersionConflict()
    details = _apply(decision, values)
    db.session.flush()
    audit.record("decisions.updated", "decision", decision.id, details, actor=user)
    db.session.commit()


def can_note(user: User, decision: Decision) -> bool:
    """The office on any decision; a leader on the decisions they answer for."""
    return user.can("decisions.write") or (
        user.can("decisions.note") and decision.answers_for(user)
    )


def add_note(
    decision: Decision,
    text: str,
    user: User,
    today: date,
    retry: tuple[str | None, str] = (None, ""),
) -> DecisionNote:
    """Note progress on ``today`` (local date); ``retry`` is the form's idempotency key
    and the URL a repeat of it is sent to. DecisionError for an empty text."""
    if not text.strip():
        raise DecisionError("the note is empty")
    note = DecisionNote(decision=decision, noted_on=today, text=text.strip(), author_id=user.id)
    db.session.add(note)
    db.session.flush()
    audit.record("decisions.noted", "decision", decision.id, {"note": note.id}, actor=user)
    idempotency.remember(*retry, user.id)
    db.session.commit()
    return note


def complete(
    decision: Decision, version: int, summary: str, upload: FileStorage, user: User, today: date
) -> None:
    """Mark done with its evidence (a photo, e.g. of replaced signs, or a document);
    AttachmentError for a bad file. Two at once: the second waits for the first and is
    refused (``AlreadyDecided``)."""
    deciding.once(
        decision,
        lambda d: d.done_on is None,
        lambda d: _(
            "This decision was marked done already, by %(name)s at %(time)s.",
            **deciding.who_when(d.evidence.uploaded_by_id, d.evidence.created_at)
            if d.evidence
            else deciding.who_when(None, d.done_on),
        ),
    )
    if version != decision.version:
        raise VersionConflict()
    if not summary.strip():
        raise DecisionError("say what was done")
    decision.evidence = store_file(upload, EVIDENCE_OWNER, decision.id, user.id)
    decision.done_on = today
    decision.done_summary = summary.strip()
    db.session.flush()
    audit.record(
        "decisions.done",
        "decision",
        decision.id,
        {"on": today, "evidence": decision.evidence.id},
        actor=user,
    )
    db.session.commit()


def listing(state: str, today: date, person_id: int | None = None) -> Select:
    """Decisions by state ("open", "overdue", "done", anything else: all), overdue first."""
    q = select(Decision).options(
        selectinload(Decision.leader),
        selectinload(Decision.person),
        selectinload(Decision.department),
        selectinload(Decision.problems),
    )
    if state == "open":
        q = q.where(Decision.done_on.is_(None))
    elif state == "overdue":
        q = q.where(Decision.done_on.is_(None), Decision.deadline < today)
    elif state == "done":
        q = q.where(Decision.done_on.is_not(None))
    if person_id:
        q = q.where(or_(Decision.person_id == person_id, Decision.leader_id == person_id))
    return q.order_by(Decision.done_on.is_not(None), Decision.deadline, Decision.id)


def open_counts(user_id: int | None, today: date) -> tuple[int, int]:
    """(open, overdue) decisions the user answers for; every decision when user_id is None."""
    q = select(func.count(), func.count().filter(Decision.deadline < today)).where(
        Decision.done_on.is_(None)
    )
    if user_id is not None:
        q = q.where(or_(Decision.person_id == user_id, Decision.leader_id == user_id))
    return tuple(db.session.execute(q).one())
