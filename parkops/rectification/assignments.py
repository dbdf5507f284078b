"""What is whose: a person's open problems and measures, and the office's follow-up counts.

The home page runs these on every visit, so each reads only the columns it shows, as
rows (no ORM objects, no lazy loads), and counts in the statement that needs them."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Row, and_, case, exists, false, func, or_, select, true

from parkops.auth.models import User
from parkops.extensions import db
from parkops.rectification.models import Measure, Problem, ProgressReport, Status
from parkops.timeutil import week_start

CLOSED = (Status.COMPLETED, Status.LONG_TERM)  # never overdue
REPORT_WINDOW = timedelta(days=7)


# A measure row's columns on the home page, in both lists (joined to its problem).
MEASURE_COLUMNS = (
    Measure.id,
    Measure.problem_id,
    Measure.text,
    Measure.status,
    Measure.deadline,
    Problem.code.label("problem_code"),
)

MINE_LIST = 20  # the home page names the most urgent few; the ledger has the rest


@dataclass
class Assigned:
    # Rows (id, code, title, status, deadline, person_id, overdue): the first MINE_LIST
    # open ones, overdue first.
    problems: list[Row]
    # Rows (id, problem_id, text, status, deadline, problem_code, overdue): likewise.
    measures: list[Row]
    open_problems: int  # all of them
    open_measures: int
    completed_problems: int

    @property
    def empty(self) -> bool:
        return not (self.open_problems or self.open_measures or self.completed_problems)


def _overdue(model, today: date):
    """The row's "overdue" column (bool): past its deadline and not closed."""
    return case(
        (and_(model.deadline < today, model.status.not_in(CLOSED)), true()), else_=false()
    ).label("overdue")


def _by_urgency(model, today: date) -> tuple:
    """ORDER BY: overdue first, then by deadline (none last), then by id."""
    overdue = case((and_(model.deadline < today, model.status.not_in(CLOSED)), 0), else_=1)
    return (overdue, model.deadline.is_(None), model.deadline, model.id)


def assigned_to(user_id: int, today: date) -> Assigned:
    """Problems where the user is responsible person or leader, and measures they own:
    the most urgent ``MINE_LIST`` of each and the counts, however many there are
    (three statements)."""
    mine = or_(Problem.person_id == user_id, Problem.leader_id == user_id)
    owned = (Measure.owner_id == user_id, Measure.status != Status.COMPLETED)
    problems = db.session.execute(
        select(
            Problem.id,
            Problem.code,
            Problem.title,
            Problem.status,
            Problem.deadline,
            Problem.person_id,
            _overdue(Problem, today),
        )
        .where(mine, Problem.status != Status.COMPLETED)
        .order_by(*_by_urgency(Problem, today))
        .limit(MINE_LIST)
    ).all()
    measures = db.session.execute(
        select(*MEASURE_COLUMNS, _overdue(Measure, today))
        .join(Problem, Measure.problem_id == Problem.id)
        .where(*owned)
        .order_by(*_by_urgency(Measure, today))
        .limit(MINE_LIST)
    ).all()
    open_measures = select(func.count()).select_from(Measure).where(*owned).scalar_subquery()
    open_problems, completed, measure_count = db.session.execute(
        select(
            func.count().filter(Problem.status != Status.COMPLETED),
            func.count().filter(Problem.status == Status.COMPLETED),
            open_measures,
        ).where(mine)
    ).one()
    return Assigned(problems, measures, open_problems, measure_count, completed)


FOLLOW_UP_LIST = 10  # the home page names the first few; the ledger has the rest


@dataclass
class FollowUp:
    overdue_problems: int
    measures_due_this_week: int
    problems_without_recent_report: int
    # Rows (id, problem_id, text, status, deadline, problem_code, owner_name, overdue):
    # the first few, soonest first.
    due_measures: list[Row]
    # Rows (id, code, title, status, person_name, overdue): the first few, in ledger order.
    quiet_problems: list[Row]


def follow_up(today: date) -> FollowUp:
    """The office's weekly questions: what is late, what is due, who has gone quiet
    (three statements)."""
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
    due_count = select(func.count()).select_from(Measure).where(*due).scalar_subquery()
    overdue_count, quiet_count, measures_due = db.session.execute(
        select(
            func.count().filter(Problem.deadline < today, Problem.status.not_in(CLOSED)),
            func.count().filter(*quiet),
            due_count,
        ).select_from(Problem)
    ).one()
    due_measures = db.session.execute(
        select(*MEASURE_COLUMNS, User.display_name.label("owner_name"), _overdue(Measure, today))
        .join(Problem, Measure.problem_id == Problem.id)
        .outerjoin(User, Measure.owner_id == User.id)
        .where(*due)
        .order_by(Measure.deadline, Measure.id)
        .limit(FOLLOW_UP_LIST)
    ).all()
    quiet_problems = db.session.execute(
        select(
            Problem.id,
            Problem.code,
            Problem.title,
            Problem.status,
            User.display_name.label("person_name"),
            _overdue(Problem, today),
        )
        .outerjoin(User, Problem.person_id == User.id)
        .where(*quiet)
        .order_by(Problem.sort_key)
        .limit(FOLLOW_UP_LIST)
    ).all()
    return FollowUp(overdue_count, measures_due, quiet_count, due_measures, quiet_problems)
