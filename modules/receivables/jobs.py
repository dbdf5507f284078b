"""The working-morning job (every day at 8:30 local time; it acts on working days
only: the official calendar of holidays and 调休 working weekends, ``working_day``).

- finance at each site hears which receivables may now go up a reminder level
  (``levels.due_clause``: awaiting a letter), once per site and day;
- each handler (经手人) is reminded of her debtors with overdue balances, once per
  handler and day;
- a staff member whose advance (借款) was raised more than ``advance_days`` ago and
  is not cleared is reminded to clear it with receipts, once per person and day: the
  user the staff debtor stands for (``subject_kind`` "core.user"), else the handler.

Everyone is told in-app and by e-mail; the group-chat robot gets finance's notices
and one summary of the reminders (not one post per person). Every claim goes
through ``parkops.scheduler.once``, so a second run the same day sends nothing.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

import chinese_calendar
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from modules.receivables import ledger, levels
from modules.receivables.models import Debtor, DebtorKind, Receivable, ReceivableKind
from parkops import module_settings
from parkops.auth.access import users_holding
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.module_settings import Setting
from parkops.money import format_fen
from parkops.notify import deliver, notify, post_webhook
from parkops.scheduler import once
from parkops.timeutil import business_day, utcnow

JOB = "receivables.morning"
LISTED = 20  # lines in one notice; the link shows the rest


def _advance_days(text: str) -> int:
    days = int(str(text).strip()) if str(text).strip().isdigit() else 0
    if not 0 < days <= 3660:
        raise ValueError(_l("From 1 to 3660 days."))
    return days


SETTINGS = (
    Setting(
        "advance_days",
        _advance_days,
        30,
        _l("Days after which a staff advance is to be cleared (reminders)"),
        "database",
    ),
)


def working_day(day: date) -> bool:
    """True on an official working day (调休 Saturdays included, holidays not); for a
    year the calendar package does not know yet, Monday to Friday."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def _link(endpoint: str, **values) -> str:
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)


def _more(lines: list[str], total: int) -> str:
    return "\n".join(lines) + (f"\n…(+{total - len(lines)})" if total > len(lines) else "")


def morning(now: datetime | None = None) -> dict[str, int]:
    """Run the morning's notices for the local day of ``now`` (default: now), in the
    installation's language; returns {"sites", "handlers", "advances"} notified (all
    zero on a day off)."""
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        today = business_day(now or utcnow())
        if not working_day(today):
            return {"sites": 0, "handlers": 0, "advances": 0}
        sent = {
            "sites": _new_levels(today),
            "handlers": _handlers(today),
            "advances": _advances(today),
        }
        if sent["handlers"] or sent["advances"]:
            post_webhook(
                _(
                    "Receivables: %(h)s handlers reminded of their debtors, "
                    "%(a)s staff reminded to clear advances.",
                    h=sent["handlers"],
                    a=sent["advances"],
                )
            )
        return sent


def _new_levels(today: date) -> int:
    """Finance at each site: what awaits a letter at a new level."""
    due = levels.due_clause(today)
    counts = db.session.execute(
        select(Receivable.site_id, func.count()).where(due).group_by(Receivable.site_id)
    ).all()
    sent = 0
    for site_id, count in counts:
        if not once(JOB, today.isoformat(), f"finance:site:{site_id}"):
            continue
        rows = db.session.execute(
            select(Receivable, Debtor.name, ledger.balance_fen())
            .join(Debtor, Debtor.id == Receivable.debtor_id)
            .where(due, Receivable.site_id == site_id)
            .order_by(Receivable.due_on, Receivable.id)
            .limit(LISTED)
        ).all()
        lines = [
            _(
                "#%(id)s %(debtor)s %(balance)s, due %(due)s → level %(level)s",
                id=r.id,
                debtor=name,
                balance=format_fen(balance),
                due=r.due_on.isoformat(),
                level=r.level + 1,
            )
            for r, name, balance in rows
        ]
        site = db.session.get(Site, site_id)
        out = notify(
            users_holding("receivables.write", site_id),
            _(
                "%(site)s: %(n)s receivables have reached a new reminder level",
                site=site.name,
                n=count,
            ),
            _more(lines, count),
            _link("receivables.index", chase=1),
        )
        db.session.commit()
        deliver(out)
        sent += 1
    return sent


def _handlers(today: date) -> int:
    """Each handler: her debtors with overdue open balances (total, oldest due date)."""
    balance = ledger.balance_fen()
    rows = db.session.execute(
        select(
            Receivable.handler_id,
            Debtor.name,
            func.sum(balance),
            func.min(Receivable.due_on),
        )
        .join(Debtor, Debtor.id == Receivable.debtor_id)
        .where(Receivable.handler_id.is_not(None), Receivable.due_on < today, balance > 0)
        .group_by(Receivable.handler_id, Debtor.id, Debtor.name)
        .order_by(Receivable.handler_id, func.min(Receivable.due_on), Debtor.name)
    ).all()
    by_handler: dict[int, list[str]] = defaultdict(list)
    for handler_id, name, owed, oldest in rows:
        by_handler[handler_id].append(
            _(
                "%(debtor)s: %(owed)s overdue since %(day)s",
                debtor=name,
                owed=format_fen(owed),
                day=oldest.isoformat(),
            )
        )
    sent = 0
    for handler_id, lines in by_handler.items():
        handler = db.session.get(User, handler_id)
        if handler is None or not handler.active:
            continue
        if not once(JOB, today.isoformat(), f"handler:{handler_id}"):
            continue
        out = notify(
            [handler],
            _("%(n)s debtors you handle have overdue balances", n=len(lines)),
            _more(lines[:LISTED], len(lines)),
            _link("receivables.index"),
        )
        db.session.commit()
        deliver(out, webhook=False)
        sent += 1
    return sent


def _advances(today: date) -> int:
    """Staff whose advance is older than the set days and not cleared."""
    cutoff = today - timedelta(days=module_settings.get("receivables.advance_days"))
    balance = ledger.balance_fen()
    rows = db.session.execute(
        select(Receivable, Debtor, balance)
        .join(Debtor, Debtor.id == Receivable.debtor_id)
        .where(
            Debtor.kind == DebtorKind.STAFF,
            Receivable.kind == ReceivableKind.ADVANCE,
            Receivable.raised_on <= cutoff,
            balance > 0,
        )
        .order_by(Receivable.raised_on, Receivable.id)
    ).all()
    by_person: dict[int, list[str]] = defaultdict(list)
    for r, debtor, owed in rows:
        person = debtor.subject_id if debtor.subject_kind == ledger.USER_SUBJECT else r.handler_id
        if person is not None:
            by_person[person].append(
                _(
                    "%(debtor)s: advance of %(owed)s taken on %(day)s",
                    debtor=debtor.name,
                    owed=format_fen(owed),
                    day=r.raised_on.isoformat(),
                )
            )
    sent = 0
    for user_id, lines in by_person.items():
        user = db.session.get(User, user_id)
        if user is None or not user.active:
            continue
        if not once(JOB, today.isoformat(), f"advance:{user_id}"):
            continue
        out = notify(
            [user],
            _("Please clear your advance with reimbursement receipts"),
            _more(lines[:LISTED], len(lines)),
        )
        db.session.commit()
        deliver(out, webhook=False)
        sent += 1
    return sent
