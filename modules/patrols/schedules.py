"""Schedules: a checklist on a route at fixed local times, daily or on set weekdays,
assigned to a person (the pump-station intake at 08:00, 12:00 and 17:00).

A slot is a local time on a local day, stored as its UTC instant (``due_at``). A run
started from ``EARLY`` before a slot until its window closes fulfils that slot. A slot
whose window closed with no run is missed (漏巡): the job tells the assignee once,
and the site's leaders (``patrols.oversee``) once when a second window has passed.
Unannounced inspections are never scheduled.
"""

import re
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from modules.patrols.checklists import may_manage
from modules.patrols.errors import PatrolError
from modules.patrols.models import Checklist, Route, Run, Schedule
from parkops import audit
from parkops.auth.access import site_filter
from parkops.auth.models import User
from parkops.extensions import db
from parkops.timeutil import local_zone

EARLY = timedelta(minutes=30)  # a run may start this long before its slot
TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


def parse_times(text: str) -> list[time]:
    """ "08:00 12:00, 17:00" → sorted local times; PatrolError naming a bad one."""
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
    return sorted(found)


def create_schedule(
    checklist: Checklist,
    route: Route,
    times: str,
    weekdays: str,
    assignee: User,
    window_minutes: int,
    user: User,
) -> Schedule:
    """PatrolError (nothing stored) when the user may not manage the site, the checklist
    is of another site or unannounced, the times or weekdays do not read, the window is
    not 5 to 720 minutes, or the assignee does not work at the site."""
    try:
        if not may_manage(user, route.site_id):
            raise PatrolError(_("You may not schedule patrols at this site."))
        if checklist.site_id != route.site_id:
            raise PatrolError(_("This checklist is not used on this route's site."))
        if checklist.unannounced:
            raise PatrolError(_("Unannounced inspections are not scheduled."))
        parsed = parse_times(times)
        days = "".join(sorted(set(weekdays) & set("1234567")))
        if not days:
            raise PatrolError(_("Choose at least one weekday."))
        if not 5 <= window_minutes <= 720:
            raise PatrolError(_("The window is 5 to 720 minutes."))
        if not (assignee.active and assignee.can_see_site(route.site_id)):
            raise PatrolError(_("The assignee must work at the route's site."))
        schedule = Schedule(
            site_id=route.site_id,
            checklist_id=checklist.id,
            route_id=route.id,
            times=" ".join(t.strftime("%H:%M") for t in parsed),
            weekdays=days,
            assignee_id=assignee.id,
            window_minutes=window_minutes,
        )
        db.session.add(schedule)
        db.session.flush()
    except PatrolError:
        db.session.rollback()
        raise
    audit.record("patrols.schedule_created", "patrol_schedule", schedule.id, {}, actor=user)
    db.session.commit()
    return schedule


def visible_schedules() -> list[Schedule]:
    query = select(Schedule).where(site_filter(Schedule.site_id), Schedule.active)
    return list(db.session.scalars(query.order_by(Schedule.id)))


def slots(schedule: Schedule, day: date) -> list[datetime]:
    """The schedule's slots on a local day, as UTC instants ([] on a day off)."""
    if str(day.isoweekday()) not in schedule.weekdays:
        return []
    zone = local_zone()
    return [
        datetime.combine(day, t, tzinfo=zone).astimezone(UTC) for t in parse_times(schedule.times)
    ]


def slot_at(schedule: Schedule, now: datetime) -> datetime | None:
    """The slot a run started at ``now`` fulfils, or None."""
    window = timedelta(minutes=schedule.window_minutes)
    local_day = now.astimezone(local_zone()).date()
    for day in (local_day - timedelta(days=1), local_day, local_day + timedelta(days=1)):
        for due in slots(schedule, day):
            if due - EARLY <= now <= due + window:
                return due
    return None


def slot_for_run(checklist: Checklist, route: Route, now: datetime):
    """(schedule, due_at) of the open slot a new run of ``checklist`` on ``route`` fulfils,
    or (None, None); a slot already fulfilled is not offered twice."""
    for schedule in db.session.scalars(
        select(Schedule).where(
            Schedule.active,
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
