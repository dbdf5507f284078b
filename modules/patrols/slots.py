"""A local day's scheduled slots and their state (due, in progress, done, missed), for
the inspectors' and leaders' page of today's slots and a crew's own list.

A slot is one time of a schedule on a day (``schedules.slots``) within the schedule's
life; its run is the run that fulfilled it (``Run.schedule_id``, ``Run.due_at``).
"""

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from modules.patrols import schedules
from modules.patrols.models import Run, Schedule
from parkops.auth.models import User
from parkops.extensions import db
from parkops.timeutil import business_day, local_midnight_utc, utcnow


class SlotState(enum.StrEnum):
    DUE = "due"  # its window has not closed and no run started
    IN_PROGRESS = "in_progress"  # a run started and is not submitted
    DONE = "done"  # its run is submitted
    MISSED = "missed"  # its window closed with no run (漏巡)


@dataclass
class Slot:
    schedule: Schedule
    due_at: datetime  # UTC
    run: Run | None
    state: SlotState

    @property
    def opens_at(self) -> datetime:
        """From when a run fulfils it (UTC)."""
        return self.due_at - schedules.EARLY

    @property
    def closes_at(self) -> datetime:
        return self.due_at + timedelta(minutes=self.schedule.window_minutes)


def _state(slot_end: datetime, run: Run | None, now: datetime) -> SlotState:
    if run is not None:
        return SlotState.DONE if run.submitted else SlotState.IN_PROGRESS
    return SlotState.MISSED if now > slot_end else SlotState.DUE


def day_slots(user: User, day: date, now: datetime | None = None) -> list[Slot]:
    """The slots on local ``day`` of the schedules ``user`` sees (``schedules._seen_by``),
    by time then checklist; two queries whatever the number of schedules and runs."""
    return _slots_of_days(user, day, day, now or utcnow())


def today_slots(user: User, now: datetime | None = None) -> list[Slot]:
    """Today's slots (local day of ``now``, UTC) and, either side of midnight, the
    neighbouring days' slots open at ``now``: at 23:40 the 00:00 slot that may start
    already (``schedules.EARLY``), at 00:20 yesterday's 23:30 slot whose window is still
    open. The same two queries as ``day_slots``."""
    now = now or utcnow()
    day = business_day(now)
    found = _slots_of_days(user, day - timedelta(days=1), day + timedelta(days=1), now)
    return [s for s in found if business_day(s.due_at) == day or s.opens_at <= now <= s.closes_at]


def open_slots(user: User, now: datetime | None = None) -> list[Slot]:
    """The slots ``user`` sees that a run started at ``now`` (UTC) would fulfil: due, no
    run yet, from ``EARLY`` before the slot until its window closes, whatever day."""
    now = now or utcnow()
    return [s for s in today_slots(user, now) if s.state == SlotState.DUE and s.opens_at <= now]


def _slots_of_days(user: User, first_day: date, last_day: date, now: datetime) -> list[Slot]:
    first = local_midnight_utc(first_day)
    last = local_midnight_utc(last_day + timedelta(days=1))
    query = select(Schedule).where(
        schedules.seen_by(user), schedules.live_since(first), Schedule.created_at < last
    )
    found = list(db.session.scalars(query.order_by(Schedule.id)))
    runs = {
        (r.schedule_id, r.due_at): r
        for r in db.session.scalars(
            select(Run).where(
                Run.schedule_id.in_([s.id for s in found]), Run.due_at >= first, Run.due_at < last
            )
        )
    }
    out = []
    days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    for schedule in found:
        for day in days:
            for due in schedules.slots(schedule, day):
                if schedule.has_slot(due):
                    run = runs.get((schedule.id, due))
                    end = due + timedelta(minutes=schedule.window_minutes)
                    out.append(Slot(schedule, due, run, _state(end, run, now)))
    return sorted(out, key=lambda s: (s.due_at, s.schedule.checklist.name, s.schedule.id))
