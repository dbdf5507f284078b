"""Maintenance tasks: task types with a season and a frequency, generated per zone into
a calendar; one-off tasks from the lead; a gardener marking one done with a photo.

A type is due in every zone of its kind on the first day of its season and every
``frequency_days`` after, while the season lasts. Generation is a pure function of
the types, the zones and the date range, and a task is unique per (zone, type, due
day), so running it twice, or from two processes, adds nothing the second time.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased
from werkzeug.datastructures import FileStorage

from modules.greening import evidence, zones
from modules.greening.models import RosterEntry, Task, TaskType, Zone, ZoneKind
from modules.greening.zones import GreeningError
from parkops import attachments, audit, deciding, idempotency
from parkops.attachments import AttachmentError
from parkops.auth.models import User
from parkops.db import utcnow
from parkops.extensions import db
from parkops.scheduler import once
from parkops.timeutil import business_day

PHOTO_DONE = "greening.task_done"  # attachment owner kind: the photo of a done task
HORIZON_DAYS = 30  # the daily job keeps this many days ahead in the calendar
MAX_FREQUENCY_DAYS = 366


@dataclass
class TaskTypeData:
    """A task type form: season as month and day (a non-leap year's dates)."""

    name: str
    zone_kind: ZoneKind
    start_month: int
    start_day: int
    end_month: int
    end_day: int
    frequency_days: int


def check_task_type(data: TaskTypeData) -> None:
    """GreeningError for a missing or too long name, a day that no year has (02-30;
    02-29 too, as most years lack it), or a frequency outside 1..366 days."""
    if not data.name.strip() or len(data.name.strip()) > 100:
        raise GreeningError(_("A task type needs a name of at most 100 characters."))
    try:
        date(2025, data.start_month, data.start_day)
        date(2025, data.end_month, data.end_day)
    except (TypeError, ValueError):
        raise GreeningError(_("A season starts and ends on a real month and day.")) from None
    if not 1 <= (data.frequency_days or 0) <= MAX_FREQUENCY_DAYS:
        raise GreeningError(_("The frequency is a number of days from 1 to 366."))


def add_task_type(data: TaskTypeData, actor: User) -> TaskType:
    """Store a task type. GreeningError for a missing name, a day that no year has
    (02-30; 02-29 too, as most years lack it), or a frequency outside 1..366 days."""
    if not actor.can(zones.MANAGE):
        raise GreeningError(_("You may not add task types."))
    check_task_type(data)
    kind = TaskType(
        name=data.name.strip(),
        zone_kind=data.zone_kind,
        start_month=data.start_month,
        start_day=data.start_day,
        end_month=data.end_month,
        end_day=data.end_day,
        frequency_days=data.frequency_days,
    )
    db.session.add(kind)
    db.session.flush()
    audit.record("greening.task_type_added", "task_type", kind.id, {"name": kind.name}, actor=actor)
    db.session.commit()
    return kind


def due_days(kind: TaskType, first: date, last: date) -> list[date]:
    """The days in ``first``..``last`` (inclusive, local dates) a type is due: from each
    season's first day every ``frequency_days`` up to its last day. A season whose end
    comes before its start in the year runs over the new year."""
    days = []
    for year in range(first.year - 1, last.year + 1):
        start = date(year, kind.start_month, kind.start_day)
        end = date(year, kind.end_month, kind.end_day)
        if end < start:
            end = date(year + 1, kind.end_month, kind.end_day)
        day = start
        while day <= min(end, last):
            if day >= first:
                days.append(day)
            day += timedelta(days=kind.frequency_days)
    return days


def generate(first: date, last: date) -> int:
    """Add the tasks due ``first``..``last`` in every zone of each type's kind that are
    not there yet; commits; returns how many were added. Running it again adds none."""
    added = 0
    for kind in db.session.scalars(select(TaskType).order_by(TaskType.id)):
        days = due_days(kind, first, last)
        if not days:
            continue
        zone_ids = db.session.scalars(select(Zone.id).where(Zone.kind == kind.zone_kind))
        existing = {
            (zone_id, day)
            for zone_id, day in db.session.execute(
                select(Task.zone_id, Task.due_on).where(
                    Task.task_type_id == kind.id, Task.due_on.between(first, last)
                )
            )
        }
        new = [
            Task(zone_id=zone_id, task_type_id=kind.id, title=kind.name, due_on=day)
            for zone_id in zone_ids
            for day in days
            if (zone_id, day) not in existing
        ]
        db.session.add_all(new)
        added += len(new)
    db.session.commit()
    return added


def generate_daily() -> None:
    """The scheduled job: once a day, fill the calendar from today to the horizon."""
    today = business_day()
    if once("greening.generate_tasks", today.isoformat()):
        generate(today, today + timedelta(days=HORIZON_DAYS))


def add_one_off(zone: Zone, title: str, due_on: date | None, actor: User) -> Task:
    """A one-off task from the lead (``greening.manage`` at the zone's site), due on a
    local date from today on. GreeningError, nothing stored, otherwise."""
    if not zones.may_manage(actor, zone.site_id):
        raise GreeningError(_("You may not add tasks at this site."))
    if not title.strip():
        raise GreeningError(_("A task needs a title."))
    if due_on is None or due_on < business_day():
        raise GreeningError(_("A task is due today or later."))
    task = Task(zone_id=zone.id, title=title.strip()[:100], due_on=due_on, added_by_id=actor.id)
    db.session.add(task)
    db.session.flush()
    audit.record("greening.task_added", "zone", zone.id, {"title": task.title}, actor=actor)
    db.session.commit()
    return task


# --- the gardener -------------------------------------------------------------------


def my_zones(user: User, day: date | None = None) -> Select:
    """The select of the ids of the zones ``user`` answers for on ``day`` (a local date,
    default today), at their sites: for ``in_``, so no list of ids travels.

    Read from the person's own roster entries (the index of ``responsible_id``), each
    kept when no later entry of its zone has started by ``day``: the cost follows the
    person's zones, not every zone of the site (as a correlated lookup of each zone's
    entry did)."""
    day = day or business_day()
    later = aliased(RosterEntry)
    superseded = (
        select(later.id)
        .where(
            later.zone_id == RosterEntry.zone_id,
            later.starts_on > RosterEntry.starts_on,
            later.starts_on <= day,
        )
        .exists()
    )
    query = select(RosterEntry.zone_id).where(
        RosterEntry.responsible_id == user.id, RosterEntry.starts_on <= day, ~superseded
    )
    if user.site_ids is not None:
        query = query.join(Zone, Zone.id == RosterEntry.zone_id).where(
            Zone.site_id.in_(user.site_ids)
        )
    return query


def my_zone_ids(user: User, day: date | None = None) -> list[int]:
    """The zones ``user`` answers for on ``day`` (default today), at their sites."""
    return list(db.session.scalars(my_zones(user, day)))


def open_tasks_query(zone_ids, day: date) -> Select:
    """Tasks not done in ``zone_ids`` (ids, or a select of them) due on ``day`` or
    before, overdue first, by zone: each zone's open tasks are found through the
    partial index of open tasks, however many done ones the years left."""
    return (
        select(Task)
        .where(Task.zone_id.in_(zone_ids), Task.done_at.is_(None), Task.due_on <= day)
        .order_by(Task.due_on, Task.zone_id, Task.id)
    )


def open_task_rows_query(zone_ids, day: date) -> Select:
    """``open_tasks_query`` as rows of what a task card shows: ``id, title, zone_id,
    due_on, zone_code, zone_name``. Task objects brought their zone's too, each outline
    decoded from JSON though no card draws it."""
    return (
        open_tasks_query(zone_ids, day)
        .join(Zone, Zone.id == Task.zone_id)
        .with_only_columns(
            Task.id,
            Task.title,
            Task.zone_id,
            Task.due_on,
            Zone.code.label("zone_code"),
            Zone.name.label("zone_name"),
        )
    )


def open_tasks(zone_ids, day: date) -> list[Task]:
    """Every row of ``open_tasks_query``."""
    return list(db.session.scalars(open_tasks_query(zone_ids, day)))


def open_counts(zone_ids, day: date) -> tuple[int, int]:
    """(overdue, due on ``day``) among ``open_tasks_query``'s tasks, in one statement."""
    query = open_tasks_query(zone_ids, day).order_by(None)
    overdue = func.count().filter(Task.due_on < day)
    due = func.count().filter(Task.due_on == day)
    found = db.session.execute(query.with_only_columns(overdue, due)).one()
    return found[0] or 0, found[1] or 0


def may_do(user: User, task: Task) -> bool:
    """A task is done by the one who answers for its zone today."""
    entry = zones.entry_on(task.zone_id, business_day())
    return entry is not None and entry.responsible_id == user.id and user.can(zones.WORK)


def mark_done(task: Task, photo: FileStorage | None, actor: User, key: str | None, result_url: str):
    """Mark ``task`` done with a photo (required) by ``actor``; returns False when it was
    already done (nothing changes: done twice is done once; ``deciding.take`` first, so
    of two sent at once the second waits and finds it done). GreeningError, nothing
    stored, without a photo or with one the core refuses."""
    if deciding.take(task).done_at is not None:
        return False
    if photo is None or not photo.filename:
        raise GreeningError(_("Take a photo of the work done."))
    try:
        stored = attachments.store_photo(photo, PHOTO_DONE, task.id, actor.id)
    except AttachmentError as error:
        db.session.rollback()
        raise GreeningError(str(error)) from None
    db.session.flush()
    task.done_at, task.done_by_id, task.photo_id = utcnow(), actor.id, stored.id
    evidence.task_done(task)
    audit.record("greening.task_done", "zone", task.zone_id, {"title": task.title}, actor=actor)
    idempotency.remember(key, result_url, actor.id)
    db.session.commit()
    return True


def on_time_share(site_ids, today: date) -> tuple[int, int]:
    """(done by the end of their local due day, all) of the tasks due in the 30 days
    before ``today`` in zones at ``site_ids`` (None: every site)."""
    query = (
        select(Task.due_on, Task.done_at)
        .join(Zone, Zone.id == Task.zone_id)
        .where(Task.due_on.between(today - timedelta(days=HORIZON_DAYS), today - timedelta(days=1)))
    )
    if site_ids is not None:
        query = query.where(Zone.site_id.in_(site_ids))
    rows = db.session.execute(query).all()
    done = sum(1 for due_on, done_at in rows if done_at and business_day(done_at) <= due_on)
    return done, len(rows)
