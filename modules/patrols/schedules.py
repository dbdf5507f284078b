"""Schedules: a checklist on a route at fixed local times, daily or on set weekdays,
assigned to a person or a team (the pump-station intake at 08:00, 12:00 and 17:00).

A team is a department: its active people who work at the route's site. Crews
(``patrols.patrol``) run the slots assigned to them or their team. Unannounced
inspections are never scheduled (issue #12: "not scheduled in advance"): an inspector
starts one when she chooses, and only holders of ``patrols.view`` see its run.

A slot is a local time on a local day, stored as its UTC instant (``due_at``). A run
started from ``EARLY`` before a slot until its window closes fulfils that slot. A slot
whose window closed with no run is missed (漏巡): the job tells the assignee once,
and the site's leaders (``patrols.oversee``) once when a second window has passed.
Changing a schedule ends it now and starts the changed one (past slots stay with the
schedule they were due under); ending one stops its slots from now on.
"""

import re
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select

from modules.patrols.checklists import may_manage
from modules.patrols.errors import PatrolError
from modules.patrols.models import Checklist, Route, Run, Schedule
from parkops import audit
from parkops.auth.models import Department, Site, User
from parkops.extensions import db
from parkops.timeutil import local_zone, utcnow

MAX_TIMES = 16  # "HH:MM " sixteen times fits the 100-character column
EARLY = timedelta(minutes=30)  # a run may start this long before its slot
TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


def parse_times(text: str) -> list[time]:
    """ "08:00 12:00, 17:00" → sorted local times; PatrolError naming a bad one, or
    when there are more than ``MAX_TIMES``."""
    found = set()
    for part in re.split(r"[\s,，、;；]+", text.strip()):
        if not part:
            continue
        match = TIME_PATTERN.match(part)
        if not match:
            raise PatrolError(_("“%(time)s” is not a time like 08:00.", time=part))
        found.add(time(int(match[1]), int(match[2])))
    if not found:
        raise PatrolError(_("Give at least one time, like 08:00."))
    if len(found) > MAX_TIMES:
        raise PatrolError(_("At most %(n)d times a day.", n=MAX_TIMES))
    return sorted(found)


def _check_assignee(assignee: User | Department, checklist: Checklist, site_id: int) -> None:
    if checklist.unannounced:
        raise PatrolError(_("Unannounced inspections are not scheduled."))
    if isinstance(assignee, Department):
        if not assignee.active:
            raise PatrolError(_("This team is no longer active."))
        return
    if not (assignee.active and assignee.can_see_site(site_id)):
        raise PatrolError(_("The assignee must work at the route's site."))


def save_schedule(
    checklist: Checklist,
    route: Route,
    times: str,
    weekdays: str,
    assignee: User | Department,
    window_minutes: int,
    user: User,
    replacing: Schedule | None = None,
) -> Schedule:
    """A new schedule assigned to a person or a team (a department); with ``replacing``,
    that schedule ends now and the new one takes over from now.

    PatrolError (nothing stored) when the user may not manage the site, the checklist
    is of another site, the times or weekdays do not read, the window is not 5 to 720
    minutes, the person does not work at the site, the checklist is an unannounced
    inspection, or ``replacing`` has ended already."""
    try:
        if not may_manage(user, route.site_id):
            raise PatrolError(_("You may not schedule patrols at this site."))
        if checklist.site_id != route.site_id:
            raise PatrolError(_("This checklist is not used on this route's site."))
        if replacing is not None and replacing.ended_at is not None:
            raise PatrolError(_("This schedule has ended."))
        parsed = parse_times(times)
        days = "".join(sorted(set(weekdays) & set("1234567")))
        if not days:
            raise PatrolError(_("Choose at least one weekday."))
        if not 5 <= window_minutes <= 720:
            raise PatrolError(_("The window is 5 to 720 minutes."))
        _check_assignee(assignee, checklist, route.site_id)
        now = utcnow()
        schedule = Schedule(
            site_id=route.site_id,
            checklist_id=checklist.id,
            route_id=route.id,
            times=" ".join(t.strftime("%H:%M") for t in parsed),
            weekdays=days,
            assignee_id=assignee.id if isinstance(assignee, User) else None,
            department_id=assignee.id if isinstance(assignee, Department) else None,
            window_minutes=window_minutes,
            created_at=now,
        )
        db.session.add(schedule)
        if replacing is not None:
            replacing.ended_at = now
        db.session.flush()
    except PatrolError:
        db.session.rollback()
        raise
    if replacing is not None:
        audit.record("patrols.schedule_ended", "patrol_schedule", replacing.id, {}, actor=user)
    audit.record("patrols.schedule_created", "patrol_schedule", schedule.id, {}, actor=user)
    db.session.commit()
    return schedule


def end_schedule(schedule: Schedule, user: User) -> None:
    """No slots from now on; those before keep their runs and their misses.
    PatrolError when the user may not manage the site or it has ended already."""
    if not may_manage(user, schedule.site_id):
        raise PatrolError(_("You may not schedule patrols at this site."))
    if schedule.ended_at is not None:
        raise PatrolError(_("This schedule has ended."))
    schedule.ended_at = utcnow()
    audit.record("patrols.schedule_ended", "patrol_schedule", schedule.id, {}, actor=user)
    db.session.commit()


def people_of(schedule: Schedule) -> list[User]:
    """Who runs it: the person, or the team's active people at the schedule's site."""
    if schedule.assignee is not None:
        return [schedule.assignee]
    at_site = or_(User.all_sites, User.sites.any(Site.id == schedule.site_id))
    query = select(User).where(User.department_id == schedule.department_id, User.active, at_site)
    return list(db.session.scalars(query.order_by(User.id)))


def _mine(user: User):
    """Schedules assigned to ``user`` or their team (a SQL condition)."""
    own = Schedule.assignee_id == user.id
    if user.department_id is None:
        return own
    return or_(own, Schedule.department_id == user.department_id)


def seen_by(user: User):
    """What ``user`` sees of schedules: all at their sites with ``patrols.view``; else
    only their own, never an unannounced one (a SQL condition)."""
    site_ids = user.site_ids
    at_sites = Schedule.site_id.is_not(None) if site_ids is None else Schedule.site_id.in_(site_ids)
    if user.can("patrols.view"):
        return at_sites
    not_secret = Schedule.checklist.has(Checklist.unannounced.is_(False))
    return at_sites & _mine(user) & not_secret


def is_assigned(user: User, schedule: Schedule) -> bool:
    if schedule.assignee_id is not None:
        return schedule.assignee_id == user.id
    return schedule.department_id == user.department_id and user.can_see_site(schedule.site_id)


def visible_schedules(user: User) -> list[Schedule]:
    """The schedules still on that ``user`` sees, by id."""
    query = select(Schedule).where(seen_by(user), Schedule.ended_at.is_(None))
    return list(db.session.scalars(query.order_by(Schedule.id)))


def live_since(since: datetime):
    """Schedules with slots at or after ``since`` (UTC) (a SQL condition)."""
    return or_(Schedule.ended_at.is_(None), Schedule.ended_at > since)


def slots(schedule: Schedule, day: date) -> list[datetime]:
    """The schedule's slots on a local day, as UTC instants ([] on a day off)."""
    if str(day.isoweekday()) not in schedule.weekdays:
        return []
    zone = local_zone()
    return [
        datetime.combine(day, t, tzinfo=zone).astimezone(UTC) for t in parse_times(schedule.times)
    ]


def slot_at(schedule: Schedule, now: datetime) -> datetime | None:
    """The slot (in the schedule's life) a run started at ``now`` fulfils, or None."""
    window = timedelta(minutes=schedule.window_minutes)
    local_day = now.astimezone(local_zone()).date()
    for day in (local_day - timedelta(days=1), local_day, local_day + timedelta(days=1)):
        for due in slots(schedule, day):
            if due - EARLY <= now <= due + window and schedule.has_slot(due):
                return due
    return None


def slot_for_run(checklist: Checklist, route: Route, now: datetime):
    """(schedule, due_at) of the open slot a new run of ``checklist`` on ``route`` fulfils,
    or (None, None); a slot already fulfilled is not offered twice."""
    for schedule in db.session.scalars(
        select(Schedule).where(
            live_since(now - timedelta(days=1)),
            Schedule.checklist_id == checklist.id,
            Schedule.route_id == route.id,
        )
    ):
        due = slot_at(schedule, now)
        taken = due and db.session.scalar(
            select(Run.id).where(Run.schedule_id == schedule.id, Run.due_at == due)
        )
        if due and not taken:
            return schedule, due
    return None, None
