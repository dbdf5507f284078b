"""A zone's task calendar (one month) and the lead's completion per zone and per
person (a week or a month). Each page reads its tasks in one query.

A task's state on ``today`` (local dates): done on time (done by the end of its local
due day), done late, overdue (not done, due before today) or open (due today or later).
"""

import calendar as months
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from modules.greening.models import RosterEntry, Task, Zone
from parkops.auth.models import User
from parkops.extensions import db
from parkops.timeutil import business_day

ON_TIME, LATE, OVERDUE, OPEN = "on_time", "late", "overdue", "open"
STATES = (ON_TIME, LATE, OVERDUE, OPEN)


def state(due_on: date, done_at: datetime | None, today: date) -> str:
    """One of STATES; ``done_at`` in UTC."""
    if done_at is not None:
        return ON_TIME if business_day(done_at) <= due_on else LATE
    return OVERDUE if due_on < today else OPEN


def month_of(text: str | None, today: date) -> date:
    """The first day of the month ``YYYY-MM`` names, or of ``today``'s month."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


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


def completion(site_ids, first: date, last: date, today: date):
    """([Tally per zone], [Tally per person]) of the tasks due ``first``..``last`` in
    zones at ``site_ids`` (None: every site), zones by code, people by name. A task
    counts for the person who answered for its zone on its due day. One query."""
    tasks = (
        select(
            Task.zone_id,
            _responsible_on_due_day().label("person_id"),
            Task.due_on,
            Task.done_at,
        )
        .join(Zone, Zone.id == Task.zone_id)
        .where(Task.due_on.between(first, last))
    )
    if site_ids is not None:
        tasks = tasks.where(Zone.site_id.in_(site_ids))
    tasks = tasks.subquery()
    query = (
        select(tasks, Zone.code, Zone.name, User.display_name)
        .join(Zone, Zone.id == tasks.c.zone_id)
        .outerjoin(User, User.id == tasks.c.person_id)
    )
    zones: dict[int, Tally] = {}
    people: dict[int | None, Tally] = {}
    for zone_id, person_id, due_on, done_at, code, name, person in db.session.execute(query):
        which = state(due_on, done_at, today)
        zones.setdefault(zone_id, Tally(zone_id, f"{code} {name}")).counts[which] += 1
        people.setdefault(person_id, Tally(person_id, person or "—")).counts[which] += 1
    return (
        sorted(zones.values(), key=lambda t: t.label),
        sorted(people.values(), key=lambda t: t.label),
    )
