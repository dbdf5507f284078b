"""Rectification reports declared like any module: the weekly report and the public notice."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from parkops.auth.models import User
from parkops.extensions import db
from parkops.rectification import recurrence
from parkops.registry import (
    AuditDetail,
    AuditObject,
    JobSpec,
    ModuleSpec,
    NavEntry,
    Permission,
    SubNavEntry,
    TodoItem,
)
from parkops.reports import demo
from parkops.reports.jobs import JOB, weekly_due_reminder
from parkops.reports.models import WeeklyReport
from parkops.reports.settings import SETTINGS
from parkops.reports.views import bp
from parkops.timeutil import business_day, week_start


def todo(user: User) -> list[TodoItem]:
    """The office: this week's report while it is not submitted; problems at risk of
    recurring that wait for a decision."""
    if not user.can("reports.write"):
        return []
    items = []
    week = week_start(business_day())
    # Whether it exists, not the report and the figures it stores.
    if db.session.scalar(select(WeeklyReport.id).where(WeeklyReport.week_start == week)) is None:
        items.append(
            TodoItem(_("This week's progress report is not submitted"), url_for("reports.new"))
        )
    waiting = recurrence.undecided(user)  # as the list it links to shows them to this reader
    if waiting:
        items.append(
            TodoItem(
                _(
                    "%(num)d completed problems at risk of recurring: reopen or record why not",
                    num=waiting,
                ),
                url_for("rectification.index", at_risk=1),
                overdue=True,
            )
        )
    return items


# The audit log in words (parkops/audit_words.py).
AUDIT_ACTIONS = {
    "reports.weekly_submitted": _l("Weekly progress report submitted"),
    "reports.notice_drafted": _l("Public notice drafted"),
    "reports.notice_edited": _l("Public notice edited"),
    "reports.notice_published": _l("Public notice published"),
    "reports.notice_figures_taken": _l("Public notice given the ledger's current figures"),
}
AUDIT_OBJECTS = {
    "weekly_report": AuditObject(_l("Weekly progress report"), "reports.show", "report_id"),
    "public_notice": AuditObject(_l("Public notice"), "notice.show", "notice_id"),
}
AUDIT_DETAILS = {
    "year": AuditDetail(_l("Year")),
    "number": AuditDetail(_l("Number")),
    "week": AuditDetail(_l("Week starting")),
    "parts": AuditDetail(_l("Parts edited")),
    "figures": AuditDetail(_l("Figures")),
}

spec = ModuleSpec(
    name="reports",
    label=_l("Rectification reports"),
    blueprint=bp,
    url_prefix="/reports",
    nav=(
        NavEntry(
            _l("Reports"),
            "reports.index",
            "reports.view",
            "reports",
            also=("decisions.index", "decisions.show", "decisions.new", "decisions.edit"),
        ),
    ),
    subnav=(
        SubNavEntry(
            _l("Weekly reports"),
            "reports.index",
            "reports.view",
        ),
        SubNavEntry(
            _l("Public notice"),
            "reports.notice.index",
            "reports.view",
        ),
        SubNavEntry(
            _l("Meeting decisions"),
            "decisions.index",
            "decisions.view",
        ),
        SubNavEntry(
            _l("Settings"), "settings.module", "reports.write", args=(("module", "reports"),)
        ),
    ),
    permissions=(
        Permission("reports.view", _l("Read weekly reports and notices"), ("office", "leader")),
        Permission("reports.write", _l("Submit weekly reports, publish the notice"), ("office",)),
    ),
    jobs=(JobSpec(JOB, weekly_due_reminder, "cron", {"minute": 5}),),
    settings=SETTINGS,
    settings_permission="reports.write",
    todo=todo,
    demo=demo.load,
    audit_actions=AUDIT_ACTIONS,
    audit_objects=AUDIT_OBJECTS,
    audit_details=AUDIT_DETAILS,
)
