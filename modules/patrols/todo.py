"""What waits for a user in patrols, on the home page: the follow-ups they own, the fixes
they may verify, and a crew's patrols due now. Counted, never listed (a few queries)."""

from flask import url_for
from flask_babel import ngettext
from sqlalchemy import case, func, select

from modules.patrols import slots
from modules.patrols.findings import overdue_filter
from modules.patrols.models import Finding, FindingState
from parkops.auth.models import User
from parkops.extensions import db
from parkops.registry import TodoItem
from parkops.timeutil import business_day


def _counts(user: User, *where) -> tuple[int, int]:
    """(findings, of which past their follow-up deadline) at the user's sites."""
    late = func.count(case((overdue_filter(business_day()), 1)))
    query = select(func.count(), late).select_from(Finding).where(*where)
    if user.site_ids is not None:
        query = query.where(Finding.site_id.in_(user.site_ids))
    return tuple(db.session.execute(query).one())


def todo(user: User) -> list[TodoItem]:
    items = []
    owned, late = _counts(user, Finding.owner_id == user.id, Finding.state == FindingState.OPEN)
    if owned:
        text = ngettext(
            "%(num)s patrol finding for you to fix", "%(num)s patrol findings for you to fix", owned
        )
        url = url_for("patrols.finding_list", state="overdue" if late else "open", mine="1")
        items.append(TodoItem(text, url, overdue=late > 0))
    if user.can("patrols.view"):
        fixed, late = _counts(
            user,
            Finding.state == FindingState.FIXED,
            Finding.owner_id != user.id,
            Finding.fixed_by_id != user.id,
        )
        if fixed:
            text = ngettext(
                "%(num)s fix of a patrol finding to verify",
                "%(num)s fixes of patrol findings to verify",
                fixed,
            )
            items.append(TodoItem(text, url_for("patrols.finding_list", state="open"), late > 0))
    if user.can("patrols.patrol") and not user.can("patrols.run"):
        due = slots.open_slots(user)
        if due:
            text = ngettext(
                "%(num)s patrol of yours due now", "%(num)s patrols of yours due now", len(due)
            )
            items.append(TodoItem(text, url_for("patrols.index")))
    return items
