"""A finding recorded about a facility elsewhere (a patrol's, through
``signals.finding_recorded`` with subject kind ``facilities.facility``) opens a repair
order on it, as a crew's damage report would: category "other", the finding's severity
as its priority, its summary as the description, reported by whoever recorded the
finding. Runs in the sender's transaction (no commit); returns the ``Reaction`` the
finding shows: the order's number and its page."""

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from modules.facilities.models import Facility, FaultCategory, Priority
from modules.facilities.registry import refresh_status
from modules.facilities.reports import _open_order
from modules.facilities.subjects import SUBJECT_KIND
from parkops import audit, signals
from parkops.extensions import db


def on_finding(sender, *, subject_kind, subject_id, summary, severity, user):
    """The order opened for a finding at a facility; None for any other subject."""
    if subject_kind != SUBJECT_KIND:
        return None
    facility = db.session.get(Facility, subject_id)
    if facility is None:
        return None
    priority = Priority(severity) if severity in set(Priority) else Priority.NORMAL
    with force_locale(current_app.config["DEFAULT_LOCALE"]):  # read by the crew
        note = _("From a finding recorded by %(module)s", module=sender)
        order = _open_order(
            facility,
            user,
            description=summary,
            category=FaultCategory.OTHER,
            priority=priority,
            note=note,
        )
        refresh_status(facility)
        text = _("Repair order %(id)s opened for %(code)s", id=order.id, code=facility.code)
    audit.record("facilities.order_from_finding", "repair_order", order.id, {}, actor=user)
    return signals.Reaction(text, url_for("facilities.order", id=order.id))
