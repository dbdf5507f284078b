"""The ledger's live figures from patrols. Each takes the reader's sites (a frozenset
of ids; None: every site), filters in SQL, and returns (text, good?), None for "no
judgement yet".

- 31: unannounced inspections this (local) month and the findings they produced;
- 5: scheduled patrols (the intake's clearances) done at their fixed times this week;
- 34: open follow-ups past their deadline.
"""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from modules.patrols import schedules
from modules.patrols.findings import overdue_filter
from modules.patrols.models import Checklist, ChecklistVersion, Finding, Run, Schedule
from parkops.extensions import db
from parkops.timeutil import business_day, local_midnight_utc, utcnow, week_start


def _sites(column, site_ids):
    return column.is_not(None) if site_ids is None else column.in_(list(site_ids))


def unannounced_this_month(site_ids) -> tuple[str, bool | None]:
    today = business_day()
    since = local_midnight_utc(today.replace(day=1))
    runs = (
        select(Run.id)
        .join(ChecklistVersion, Run.version_id == ChecklistVersion.id)
        .join(Checklist, ChecklistVersion.checklist_id == Checklist.id)
        .where(
            _sites(Run.site_id, site_ids),
            Checklist.unannounced,
            Run.submitted_at >= since,
        )
    )
    done = db.session.scalar(select(func.count()).select_from(runs.subquery()))
    found = db.session.scalar(
        select(func.count()).select_from(Finding).where(Finding.run_id.in_(runs))
    )
    text = _("%(n)d unannounced inspections this month, %(f)d findings", n=done, f=found)
    return text, done > 0


def scheduled_done_this_week(site_ids) -> tuple[str, bool | None]:
    """Slots of this local week whose window has closed, against those a run fulfilled."""
    now = utcnow()
    first = week_start(business_day(now))
    due = []
    for schedule in db.session.scalars(
        select(Schedule).where(Schedule.active, _sites(Schedule.site_id, site_ids))
    ):
        window = timedelta(minutes=schedule.window_minutes)
        for n in range(7):
            due += [
                (schedule.id, at)
                for at in schedules.slots(schedule, first + timedelta(days=n))
                if schedule.created_at <= at and at + window <= now
            ]
    if not due:
        return _("no scheduled patrol due this week yet"), None
    done = db.session.scalar(
        select(func.count())
        .select_from(Run)
        .where(
            _sites(Run.site_id, site_ids),
            Run.schedule_id.is_not(None),
            Run.due_at >= local_midnight_utc(first),
        )
    )
    text = _(
        "%(done)d of %(due)d scheduled patrols done at their time this week",
        done=done,
        due=len(due),
    )
    return text, done >= len(due)


def overdue_followups(site_ids) -> tuple[str, bool | None]:
    count = db.session.scalar(
        select(func.count())
        .select_from(Finding)
        .where(_sites(Finding.site_id, site_ids), overdue_filter(business_day()))
    )
    return _("%(n)d findings past their follow-up deadline", n=count), count == 0
