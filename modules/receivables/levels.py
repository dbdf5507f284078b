"""Reminder levels: how far the chasing of a receivable has gone.

Level 0 is none, 1 the 提醒函, 2 the 催缴通知书 (with a deadline), 3 the final notice
before legal steps. Finance sets on /settings/receivables the days overdue before
each level (``level1_days`` < ``level2_days`` < ``level3_days``, all above zero):
on the ``level<N>_days``-th day after the due date level N is reached (the day
before, not yet).

A receivable's level (``Receivable.level``) is stored and moves when a letter at
the next level is issued for it (``record``): one step at a time, never skipping,
only once that level's days are reached, and never while a promise to pay holds
(a follow-up promise whose date has not passed: on the day after it, it is broken
and chasing resumes). A letter at a level already reached again is allowed (a
second reminder) and changes nothing. Dates are local.
"""

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from modules.receivables import ledger
from modules.receivables.errors import ReceivablesError
from modules.receivables.models import FollowUp, FollowUpKind, Receivable
from parkops import module_settings
from parkops.extensions import db
from parkops.module_settings import Setting

LEVELS = (1, 2, 3)
DEFAULT_DAYS = {1: 30, 2: 60, 3: 90}
MAX_DAYS = 3660


def _days(text: str) -> int:
    """Days as typed: a whole number from 1 to 3660."""
    try:
        days = int(str(text).strip())
    except ValueError:
        raise ValueError(_l("A whole number of days.")) from None
    if not 0 < days <= MAX_DAYS:
        raise ValueError(_l("From 1 to 3660 days."))
    return days


SETTINGS = tuple(
    Setting(
        f"level{n}_days",
        _days,
        DEFAULT_DAYS[n],
        _l("Days overdue before level %(n)s", n=n),
        "database",
    )
    for n in LEVELS
)


def check(values: dict[str, object]) -> list[str]:
    """Part of the spec's ``settings_check``: the levels' days must rise strictly."""
    days = [values[f"level{n}_days"] for n in LEVELS]
    if not days[0] < days[1] < days[2]:
        return [_("Each level needs more days overdue than the one before.")]
    return []


def thresholds() -> dict[int, int]:
    """{level: days overdue before it}, from the settings."""
    return {n: module_settings.get(f"receivables.level{n}_days") for n in LEVELS}


def reached(due_on: date, today: date, days: dict[int, int]) -> int:
    """The highest level whose days overdue have passed on ``today`` (0: none)."""
    overdue = (today - due_on).days
    return max((n for n in LEVELS if overdue >= days[n]), default=0)


def due_clause(today: date) -> ColumnElement[bool]:
    """SQL: the open receivables that may now go up a level (the next level's days
    overdue have passed, below level 3, no promise to pay holding): what awaits a
    letter. The same rule as ``proposals``, for lists and the morning job."""
    days = thresholds()
    reached_next = or_(
        *(
            and_(Receivable.level == n - 1, Receivable.due_on <= today - timedelta(days=days[n]))
            for n in LEVELS
        )
    )
    holding = exists().where(
        FollowUp.receivable_id == Receivable.id,
        FollowUp.kind == FollowUpKind.PROMISE,
        FollowUp.promised_on >= today,
    )
    return and_(reached_next, ledger.balance_fen() > 0, ~holding)


def promises_holding(ids: list[int], today: date) -> dict[int, date]:
    """{receivable id: the latest promised date not yet passed} among ``ids``."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(FollowUp.receivable_id, func.max(FollowUp.promised_on))
        .where(
            FollowUp.receivable_id.in_(ids),
            FollowUp.kind == FollowUpKind.PROMISE,
            FollowUp.promised_on >= today,
        )
        .group_by(FollowUp.receivable_id)
    )
    return dict(rows.all())


def proposals(receivables: list[Receivable], today: date) -> dict[int, int | None]:
    """{receivable id: the level a letter may now raise it to, or None (not overdue
    enough for the next level, already at level 3, or a promise holds)}. One query."""
    days = thresholds()
    held = promises_holding([r.id for r in receivables], today)
    result = {}
    for r in receivables:
        step = r.level + 1
        ready = step in LEVELS and reached(r.due_on, today, days) >= step
        result[r.id] = step if ready and r.id not in held else None
    return result


def refusal(receivables: list[Receivable], level: int, today: date) -> str | None:
    """Why a letter at ``level`` may not be issued for these receivables (None: it may).
    Names the first receivable refused."""
    days = thresholds()
    held = promises_holding([r.id for r in receivables], today)
    for r in receivables:
        if level <= r.level:
            continue  # a letter at a level already reached, again
        if level > r.level + 1:
            return _(
                "Receivable %(id)s is at level %(at)s: letters go up one level at a time.",
                id=r.id,
                at=r.level,
            )
        if r.id in held:
            return _(
                "Receivable %(id)s: a promise to pay holds until %(day)s.",
                id=r.id,
                day=held[r.id].isoformat(),
            )
        if reached(r.due_on, today, days) < level:
            return _(
                "Receivable %(id)s is not yet %(days)s days overdue, as level %(level)s needs.",
                id=r.id,
                days=days[level],
                level=level,
            )
    return None


def record(receivables: list[Receivable], level: int, today: date) -> None:
    """Raise each receivable to ``level`` for a letter issued at it (none is lowered).
    ReceivablesError with ``refusal``'s message when one may not move; flushes."""
    refused = refusal(receivables, level, today)
    if refused:
        raise ReceivablesError(refused)
    for r in receivables:
        r.level = max(r.level, level)
    db.session.flush()
