"""What waits for the merchant manager on the home page: violations past their
deadline and re-checks due today, at the user's sites. Counted, never listed."""

from flask import url_for
from flask_babel import ngettext
from sqlalchemy import func, select

from modules.merchants.inspection_models import Violation
from modules.merchants.violations import open_query
from parkops.auth.models import User
from parkops.extensions import db
from parkops.registry import TodoItem
from parkops.timeutil import business_day


def _count(user: User, *where) -> int:
    query = open_query(user.site_ids, *where)
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def todo(user: User) -> list[TodoItem]:
    if not user.can("merchants.write"):
        return []
    today = business_day()
    items = []
    late = _count(user, Violation.deadline < today)
    if late:
        text = ngettext(
            "%(num)s merchant violation past its deadline",
            "%(num)s merchant violations past their deadline",
            late,
        )
        items.append(TodoItem(text, url_for("merchants.violations_list", show="overdue"), True))
    due = _count(user, Violation.deadline == today)
    if due:
        text = ngettext(
            "%(num)s merchant re-check due today", "%(num)s merchant re-checks due today", due
        )
        items.append(TodoItem(text, url_for("merchants.violations_list", show="due_today")))
    return items
