"""What is whose: a person's open problems and measures, and the office's follow-up counts."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import selectinload

from parkops.extensions import db
from parkops.rectification.models import Measure, Problem, ProgressReport, Status
from parkops.timeutil import week_start

CLOSED = (Status.COMPLETED, Status.LONG_TERM)  # never overdue
REPORT_WINDOW = timedelta(days=7)


MINE_LIST = 20  # the home page names the most urgent few; the ledger has the rest


@dataclass
class Assigned:
    problems: list[Problem]  # the first MINE_LIST open ones, overdue first
    measures: list[Measure]  # the first MINE_LIST open ones, overdue first
    open_problems: int  # all of them
    open_measures: int
    completed_problems: int

    @property
    def empty(self) -> bool:
        return not (self.open_problems or self.open_measures or self.completed_problems)


def _by_urgency(model, today: date) -> tuple:
    """ORDER BY: overdue first, then by deadline (none last), then by id."""
    overdue = case((and_(model.deadline < today, model.status.not_in(CLOSED)), 0), else_=1)
    return (overdue, model.deadline.is_(None), model.deadline, model.id)


def assigned_to(user_id: int, today: date) -> Assigned:
    """Problems where the user is responsible person or leader, and measures they own:
    the most urgent ``MINE_LIST`` of each and the counts, however many there are."""
    mine = or_(Problem.person_id == user_id, Problem.leader_id == user_id)
    problems = db.session.scalars(
        select(Problem)
        .where(mine, Problem.status != Status.COMPLETED)
        .order_by(*_by_urgency(Problem, today))
        .limit(MINE_LIST)
    ).all()
    measures = db.session.scalars(
        select(Measure)
        .where(Measure.owner_id == user_id, Measure.status != Status.COMPLETED)
        .options(selectinload(Measure.problem))
        .order_by(*_by_urgency(Measure, today))
        .limit(MINE_LIST)
    ).all()
    open_problems, completed = db.session.execute(
        select(
            func.count().filter(Problem.status != Status.COMPLETED),
            func.count().filter(Problem.status == Status.COMPLETED),
        ).where(mine)
    ).one()
    open_measures = db.session.scalar(
        select(func.count())
        .select_from(Measure)
        .where(Measure.owner_id == user_id, Measure.status != Status.COMPLETED)
    )
    return Assigned(problems, measures, open_problems, open_measures, completed)


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
