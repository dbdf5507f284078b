"""The ledger's live figures from patrols. Each takes the reader's sites (a frozenset
of ids; None: every site), filters in SQL, and returns (text, good?), None for "no
judgement yet".

- 31: unannounced inspections this (local) month and the findings they produced;
- 32: gate-duty runs done against those scheduled in the last 30 days, and the touts
  seen per run (the gate-duty checklist's number items) against the 30 days before;
- 5: the intake's clearances (schedules of water-patrol checklists) done at their
  fixed times this week;
- 34: open follow-ups past their deadline.
"""

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Float, cast, func, select

from modules.patrols import schedules
from modules.patrols.findings import overdue_filter
from modules.patrols.models import (
    Answer,
    Checklist,
    ChecklistItem,
    ChecklistPurpose,
    ChecklistVersion,
    Finding,
    Run,
    Schedule,
)
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


def _slots_due(purpose: ChecklistPurpose, site_ids, first: date, days: int) -> int:
    """Slots of schedules of ``purpose`` checklists on the ``days`` local days from
    ``first`` whose window has closed (those before a schedule was made not counted)."""
    now = utcnow()
    due = 0
    query = (
        select(Schedule)
        .join(Checklist, Schedule.checklist_id == Checklist.id)
        .where(
            schedules.live_since(local_midnight_utc(first)),
            Checklist.purpose == purpose,
            _sites(Schedule.site_id, site_ids),
        )
    )
    for schedule in db.session.scalars(query):
        window = timedelta(minutes=schedule.window_minutes)
        for n in range(days):
            due += sum(
                schedule.has_slot(at) and at + window <= now
                for at in schedules.slots(schedule, first + timedelta(days=n))
            )
    return due


def _slots_done(purpose: ChecklistPurpose, site_ids, since: datetime) -> int:
    """Runs that fulfilled a slot (due at or after ``since``, UTC) of a ``purpose`` schedule."""
    return db.session.scalar(
        select(func.count())
        .select_from(Run)
        .join(Schedule, Run.schedule_id == Schedule.id)
        .join(Checklist, Schedule.checklist_id == Checklist.id)
        .where(_sites(Run.site_id, site_ids), Checklist.purpose == purpose, Run.due_at >= since)
    )


def scheduled_done_this_week(site_ids) -> tuple[str, bool | None]:
    """The intake's clearances: slots of water-patrol schedules this local week whose
    window has closed, against those a run fulfilled."""
    first = week_start(business_day(utcnow()))
    due = _slots_due(ChecklistPurpose.WATER, site_ids, first, 7)
    if not due:
        return _("no intake clearance due this week yet"), None
    done = _slots_done(ChecklistPurpose.WATER, site_ids, local_midnight_utc(first))
    text = _(
        "%(done)d of %(due)d intake clearances done at their time this week",
        done=done,
        due=due,
    )
    return text, done >= due


def _touts_per_run(site_ids, since: datetime, until: datetime) -> float | None:
    """Touts seen per submitted gate-duty run started in [since, until) (UTC): the sum of
    its number answers, averaged over the runs; None without runs."""
    runs = (
        select(Run.id)
        .join(ChecklistVersion, Run.version_id == ChecklistVersion.id)
        .join(Checklist, ChecklistVersion.checklist_id == Checklist.id)
        .where(
            _sites(Run.site_id, site_ids),
            Checklist.purpose == ChecklistPurpose.GATE_DUTY,
            Run.submitted_at.is_not(None),
            Run.started_at >= since,
            Run.started_at < until,
        )
    )
    count = db.session.scalar(select(func.count()).select_from(runs.subquery()))
    if not count:
        return None
    touts = db.session.scalar(
        select(func.coalesce(func.sum(cast(Answer.value, Float)), 0))
        .join(ChecklistItem, Answer.item_id == ChecklistItem.id)
        .where(
            Answer.run_id.in_(runs),
            ChecklistItem.counts_touts,
            Answer.value != "",
        )
    )
    return touts / count


def gate_duty_last_30_days(site_ids) -> tuple[str, bool | None]:
    """Gate duty (problem 32): scheduled gate-duty slots of the last 30 local days done,
    and touts seen per run then against the 30 days before (the trend)."""
    today = business_day(utcnow())
    first = today - timedelta(days=29)
    since, until = local_midnight_utc(first), local_midnight_utc(today + timedelta(days=1))
    due = _slots_due(ChecklistPurpose.GATE_DUTY, site_ids, first, 30)
    done = _slots_done(ChecklistPurpose.GATE_DUTY, site_ids, since)
    touts = _touts_per_run(site_ids, since, until)
    before = _touts_per_run(site_ids, local_midnight_utc(first - timedelta(days=30)), since)
    if not due and touts is None:
        return _("no gate duty in the last 30 days"), None
    text = _("%(done)d of %(due)d gate-duty runs done in the last 30 days", done=done, due=due)
    if touts is not None:
        text += "; " + _("%(touts).1f touts seen per run", touts=touts)
        if before is not None:
            text += " " + _("(the 30 days before: %(before).1f)", before=before)
    return text, done >= due if due else None


def overdue_followups(site_ids) -> tuple[str, bool | None]:
    count = db.session.scalar(
        select(func.count())
        .select_from(Finding)
        .where(_sites(Finding.site_id, site_ids), overdue_filter(business_day()))
    )
    return _("%(n)d findings past their follow-up deadline", n=count), count == 0
