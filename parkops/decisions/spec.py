"""Supervision of meeting decisions (督办), declared like any module."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from parkops.audit_words import department, one_of, person
from parkops.auth.models import User
from parkops.decisions import demo, services
from parkops.decisions.forms import MEETING_LABELS
from parkops.decisions.jobs import JOB, overdue_reminder
from parkops.decisions.views import bp
from parkops.registry import AuditDetail, AuditObject, JobSpec, ModuleSpec, Permission, TodoItem
from parkops.timeutil import business_day


def todo(user: User) -> list[TodoItem]:
    """Decisions the user answers for; for the office, every overdue decision too."""
    if not user.can("decisions.view"):
        return []
    today = business_day()
    items = []
    open_, overdue = services.open_counts(user.id, today)
    if open_:
        items.append(
            TodoItem(
                ngettext(
                    "%(num)d meeting decision to carry out",
                    "%(num)d meeting decisions to carry out",
                    open_,
                ),
                url_for("decisions.index", person=user.id),
                overdue=bool(overdue),
            )
        )
    if user.can("decisions.write"):
        _all_open, all_overdue = services.open_counts(None, today)
        if all_overdue:
            items.append(
                TodoItem(
                    ngettext(
                        "%(num)d meeting decision overdue",
                        "%(num)d meeting decisions overdue",
                        all_overdue,
                    ),
                    url_for("decisions.index", state="overdue"),
                    overdue=True,
                )
            )
    return items


# The audit log in words (parkops/audit_words.py).
AUDIT_ACTIONS = {
    "decisions.added": _l("Meeting decision recorded"),
    "decisions.updated": _l("Meeting decision changed"),
    "decisions.noted": _l("Progress noted on a meeting decision"),
    "decisions.done": _l("Meeting decision done"),
}
AUDIT_OBJECTS = {
    "decision": AuditObject(_l("Meeting decision"), "decisions.show", "decision_id"),
}
AUDIT_DETAILS = {
    "meeting_kind": AuditDetail(_l("Meeting"), one_of(MEETING_LABELS)),
    "meeting_on": AuditDetail(_l("Meeting date")),
    "decisions.added:leader_id": AuditDetail(_l("Leader in charge"), person),
    "decisions.added:department_id": AuditDetail(_l("Department responsible"), department),
    "decisions.added:person_id": AuditDetail(_l("Person responsible"), person),
    "note": AuditDetail(_l("Progress note")),
    "on": AuditDetail(_l("Done on")),
    "evidence": AuditDetail(_l("Evidence")),
}

spec = ModuleSpec(
    name="decisions",
    label=_l("Supervision of decisions"),
    blueprint=bp,
    url_prefix="/decisions",
    permissions=(
        Permission("decisions.view", _l("Read the meeting decisions"), ("office", "leader")),
        Permission("decisions.write", _l("Keep the meeting decisions"), ("office",)),
        Permission(
            "decisions.note", _l("Note progress on the decisions one answers for"), ("leader",)
        ),
    ),
    jobs=(JobSpec(JOB, overdue_reminder, "cron", {"day_of_week": "mon", "hour": 8, "minute": 10}),),
    todo=todo,
    demo=demo.load,
    audit_actions=AUDIT_ACTIONS,
    audit_objects=AUDIT_OBJECTS,
    audit_details=AUDIT_DETAILS,
)
