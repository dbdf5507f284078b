"""What is whose: a person's open problems and measures, and the office's follow-up counts."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import selectinload

from parkops.extensions import db
from parkops.rectification.models import Measure, Problem, ProgressReport, Status
from parkops.timeutil import week_start

CLOSED = (Status.COMPLETED, Status.LONG_TERM)  # never overdue
REPORT_WINDOW = timedelta(days=7)


@dataclass
class Assigned:
    problems: list[Problem]  # open ones, overdue first
    measures: list[Measure]  # open ones, overdue first
    completed_problems: int

    @property
    def empty(self) -> bool:
        return not (self.problems or self.measures or self.completed_problems)


def _urgency(item: Problem | Measure, today: date) -> tuple:
    return (not item.is_overdue(today), item.deadline is None, item.deadline or today, item.id)


def assigned_to(user_id: int, today: date) -> Assigned:
    """Problems where the user is responsible person or leader, and measures they own."""
    mine = or_(Problem.person_id == user_id, Problem.leader_id == user_id)
    problems = db.session.scalars(
        select(Problem)
        .where(mine, Problem.status != Status.COMPLETED)
        .options(selectinload(Problem.department))
    ).all()
    measures = db.session.scalars(
        select(Measure)
        .where(Measure.owner_id == user_id, Measure.status != Status.COMPLETED)
        .options(selectinload(Measure.problem))
    ).all()
    completed = db.session.scalar(
        select(func.count()).select_from(Problem).where(mine, Problem.status == Status.COMPLETED)
    )
    return Assigned(
        problems=sorted(problems, key=lambda p: _urgency(p, today)),
        measures=sorted(measures, key=lambda m: _urgency(m, today)),
        completed_problems=completed,
    )


FOLLOW_UP_LIST = 10  # the home page names the first few; the ledger has the rest


@dataclass
class FollowUp:
    overdue_problems: int
    measures_due_this_week: int
    problems_without_recent_report: int
    due_measures: list[Measure]  # the first few, soonest first
    quiet_problems: list[Problem]  # the first few, in ledger order


def follow_up(today: date) -> FollowUp:
    """The office's weekly questions: what is late, what is due, who has gone quiet."""
    monday = week_start(today)
    recent_report = exists().where(
        ProgressReport.problem_id == Problem.id,
        ProgressReport.reported_on > today - REPORT_WINDOW,
    )
    quiet = (Problem.status != Status.COMPLETED, ~recent_report)
    due = (
        Measure.deadline.between(monday, monday + timedelta(days=6)),
        Measure.status.not_in(CLOSED),
    )
    overdue_count, quiet_count = db.session.execute(
        select(
            func.count().filter(Problem.deadline < today, Problem.status.not_in(CLOSED)),
            func.count().filter(*quiet),
        ).select_from(Problem)
    ).one()
    due_count = db.session.scalar(select(func.count()).select_from(Measure).where(*due))
    due_measures = db.session.scalars(
        select(Measure)
        .where(*due)
        # The owner's name only: not the roles and sites every User loads by default.
        .options(selectinload(Measure.problem), selectinload(Measure.owner).lazyload("*"))
        .order_by(Measure.deadline, Measure.id)
        .limit(FOLLOW_UP_LIST)
    ).all()
    quiet_problems = db.session.scalars(
        select(Problem)
        .where(*quiet)
        .options(selectinload(Problem.person).lazyload("*"))
        .order_by(Problem.sort_key)
        .limit(FOLLOW_UP_LIST)
    ).all()
    return FollowUp(overdue_count, due_count, quiet_count, due_measures, quiet_problems)
