"""Rectification reports declared like any module: the weekly report and the public notice."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from parkops.auth.models import User
from parkops.rectification import recurrence
from parkops.registry import JobSpec, ModuleSpec, NavEntry, Permission, SubNavEntry, TodoItem
from parkops.reports import demo, services
from parkops.reports.jobs import JOB, weekly_due_reminder
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
    if services.for_week(week) is None:
        items.append(
            TodoItem(_("This week's progress report is not submitted"), url_for("reports.new"))
        )
    waiting = recurrence.undecided()
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


spec = ModuleSpec(
    name="reports",
    label=_l("Rectification reports"),
    blueprint=bp,
    url_prefix="/reports",
    nav=(
        NavEntry(
            _l("Reports"), "reports.index", "reports.view", "reports", also=("decisions.index",)
        ),
    ),
    subnav=(
        SubNavEntry(
            _l("Weekly reports"),
            "reports.index",
            "reports.view",
            also=("reports.new", "reports.show", "reports.compare"),
        ),
        SubNavEntry(
            _l("Public notice"),
            "reports.notice.index",
            "reports.view",
            also=("reports.notice.show", "reports.notice.edit"),
        ),
        SubNavEntry(
            _l("Meeting decisions"),
            "decisions.index",
            "decisions.view",
            also=("decisions.show", "decisions.new", "decisions.edit"),
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
)
