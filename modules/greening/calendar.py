"""A zone's task calendar (one month) and the lead's completion per zone and per
person (a week or a month). Each page reads its tasks in one query.

A task's state on ``today`` (local dates): done on time (done by the end of its local
due day), done late, overdue (not done, due before today) or open (due today or later).
"""

import calendar as months
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import and_, case, func, literal, select

from modules.greening.models import RosterEntry, Task, Zone
from parkops.auth.models import User
from parkops.extensions import db
from parkops.paging import paginate
from parkops.timeutil import business_day, local_midnight_utc, local_zone

ON_TIME, LATE, OVERDUE, OPEN = "on_time", "late", "overdue", "open"
STATES = (ON_TIME, LATE, OVERDUE, OPEN)


def state(due_on: date, done_at: datetime | None, today: date) -> str:
    """One of STATES; ``done_at`` in UTC."""
    if done_at is not None:
        return ON_TIME if business_day(done_at) <= due_on else LATE
    return OVERDUE if due_on < today else OPEN


def month_weeks(first: date) -> list[list[date]]:
    """The weeks (Monday first) covering the month ``first`` opens."""
    return months.Calendar().monthdatescalendar(first.year, first.month)


def month_tasks(zone_id: int, first: date) -> dict[date, list[Task]]:
    """The zone's tasks due in the month ``first`` opens, by due day; one query."""
    last = first.replace(day=months.monthrange(first.year, first.month)[1])
    by_day: dict[date, list[Task]] = defaultdict(list)
    for task in db.session.scalars(
        select(Task)
        .where(Task.zone_id == zone_id, Task.due_on.between(first, last))
        .order_by(Task.due_on, Task.id)
    ):
        by_day[task.due_on].append(task)
    return by_day


def latest_done(zone_id: int, limit: int = 5) -> list[Task]:
    """The zone's last ``limit`` tasks done, the latest first; one query."""
    return list(
        db.session.scalars(
            select(Task)
            .where(Task.zone_id == zone_id, Task.done_at.is_not(None))
            .order_by(Task.done_at.desc(), Task.id.desc())
            .limit(limit)
        )
    )


def period(kind: str, on: date) -> tuple[date, date]:
    """(first, last) local day of the week (Monday to Sunday) or month holding ``on``."""
    if kind == "week":
        first = on - timedelta(days=on.weekday())
        return first, first + timedelta(days=6)
    first = on.replace(day=1)
    return first, first.replace(day=months.monthrange(on.year, on.month)[1])


@dataclass
class Tally:
    """Counts of tasks by state for one zone or one person; ``label`` shown."""

    key: int | None
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _responsible_on_due_day():
    """Who answered for the task's zone on its due day: a correlated scalar subquery."""
    return (
        select(RosterEntry.responsible_id)
        .where(RosterEntry.zone_id == Task.zone_id, RosterEntry.starts_on <= Task.due_on)
        .order_by(RosterEntry.starts_on.desc())
        .limit(1)
        .correlate(Task)
        .scalar_subquery()
    )


def _tallied(due_on, done_at, first: date, last: date, today: date) -> list:
    """The four counts of STATES (labelled by state) over tasks due ``first``..``last``,
    worked out by the database: done on time is done before the local midnight that
    ends the due day, one cutoff per day of the period (a CASE of at most 31 days)."""
    cutoffs = {
        first + timedelta(days=n): literal(
            local_midnight_utc(first + timedelta(days=n + 1)), Task.done_at.type
        )
        for n in range((last - first).days + 1)
    }
    cutoff = case(cutoffs, value=due_on)
    states = {
        ON_TIME: and_(done_at.is_not(None), done_at < cutoff),
        LATE: and_(done_at.is_not(None), done_at >= cutoff),
        OVERDUE: and_(done_at.is_(None), due_on < today),
        OPEN: and_(done_at.is_(None), due_on >= today),
    }
    return [func.sum(case((met, 1), else_=0)).label(name) for name, met in states.items()]


def _tally(key, label: str, row) -> Tally:
    return Tally(key, label, {name: getattr(row, name) or 0 for name in STATES})


def completion(site_ids, first: date, last: date, today: date):
    """(page of Tally per zone, [Tally per person]) of the tasks due ``first``..``last``
    in zones at ``site_ids`` (None: every site); zones by code (the request's page,
    ``paging.paginate``), people by name. A task counts for the person who answered
    for its zone on its due day. Counted in the database, three statements: the page
    of zones, the number of zones (distinct zones of the period's tasks, from the
    index), and the per-person sum, which reads the period's tasks of every zone."""
    sites = None if site_ids is None else frozenset(site_ids)
    zones, count, people = _statements(sites, first, last, today, local_zone().key)
    page = paginate(zones, count=count)
    page.items = [_tally(row.id, f"{row.code} {row.name}", row) for row in page.items]
    per_person = [
        _tally(row.person_id, row.display_name or "—", row) for row in db.session.execute(people)
    ]
    return page, sorted(per_person, key=lambda t: t.label)


@lru_cache(maxsize=32)
def _statements(site_ids: frozenset | None, first: date, last: date, today: date, zone: str):
    """(zones, their count, people) selects of ``completion``: built once per period,
    sites and time zone (``zone``: the cutoffs' local midnights), as a month's cutoffs
    are some 130 values to build. The count is of the distinct zones of the period's
    tasks, from the (due day, zone) index, not of the tallied groups: the same zones."""
    in_period = Task.due_on.between(first, last)
    zones = (
        select(
            Zone.id, Zone.code, Zone.name, *_tallied(Task.due_on, Task.done_at, first, last, today)
        )
        .join(Task, Task.zone_id == Zone.id)
        .where(in_period)
        .group_by(Zone.id, Zone.code, Zone.name)
        .order_by(Zone.code, Zone.name, Zone.id)
    )
    # Through the zones, as the zones' page is: each zone's tasks of the period by the
    # (zone, due day) index, never a scan of every task of every year.
    tasks = (
        select(_responsible_on_due_day().label("person_id"), Task.due_on, Task.done_at)
        .join(Zone, Zone.id == Task.zone_id)
        .where(in_period)
    )
    count = select(func.count(Task.zone_id.distinct())).where(in_period)
    if site_ids is not None:
        zones = zones.where(Zone.site_id.in_(site_ids))
        tasks = tasks.where(Zone.site_id.in_(site_ids))
        count = count.join(Zone, Zone.id == Task.zone_id).where(Zone.site_id.in_(site_ids))
    tasks = tasks.subquery()
    people = (
        select(
            tasks.c.person_id,
            User.display_name,
            *_tallied(tasks.c.due_on, tasks.c.done_at, first, last, today),
        )
        .outerjoin(User, User.id == tasks.c.person_id)
        .group_by(tasks.c.person_id, User.display_name)
    )
    return zones, count, people
