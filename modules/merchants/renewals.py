"""Renewal reminders before a contract ends, and expiry after it ends.

- Reminders: ``renewal_reminder_days`` (a module setting, e.g. 90, 60, 30) days before
  a contract in force ends, with no renewal or exit yet, its site's merchant managers
  (``merchants.write``) are notified, once per contract and threshold
  (``scheduler.once``). A job that did not run for days sends only the nearest
  threshold reached, never the ones already passed.
- Expiry: a contract in force after its last day, with no exit under way, becomes
  expired (到期). It may still be renewed or exited; until then the ledger's
  indicator (problem 16) counts it.

Days are local business days; the job runs outside a request, in the installation's
language.
"""

from datetime import date, timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from modules.merchants.models import Contract, ContractState, Exit
from parkops import audit, module_settings
from parkops.auth.access import users_holding
from parkops.extensions import db
from parkops.notify import deliver, notify
from parkops.scheduler import once

SETTING = "merchants.renewal_reminder_days"
REMIND_JOB = "merchants.renewal_reminder"


class DayList:
    """A setting type: days before an end, typed "90, 60, 30": each a whole number of
    days from 1 to 3650, strictly decreasing; the value is a tuple of ints."""

    def __call__(self, text: str) -> tuple[int, ...]:
        parts = [p.strip() for p in text.replace("，", ",").split(",")]
        if not all(p.isdigit() for p in parts):
            raise ValueError(_l("Give whole numbers of days separated by commas, e.g. 90, 60, 30."))
        days = tuple(int(p) for p in parts)
        if not all(1 <= d <= 3650 for d in days):
            raise ValueError(_l("Each number of days must be between 1 and 3650."))
        if any(a <= b for a, b in zip(days, days[1:], strict=False)):
            raise ValueError(_l("The days must go down, e.g. 90, 60, 30."))
        return days

    def show(self, days: tuple[int, ...]) -> str:
        return ", ".join(str(d) for d in days)

    def store(self, days: tuple[int, ...]) -> str:
        return self.show(days)

    def load(self, text: str) -> tuple[int, ...]:
        return self(text)


def _unresolved():
    """Clauses: the contract has neither a renewal nor an exit."""
    renewal = aliased(Contract)
    return (
        ~exists().where(renewal.renews_id == Contract.id),
        ~exists().where(Exit.contract_id == Contract.id),
    )


def threshold(days_left: int, days: tuple[int, ...]) -> int | None:
    """The reminder due when ``days_left`` days remain: the smallest threshold not
    below it (90, 60, 30 and 45 left → 60); None when none is reached."""
    reached = [d for d in days if days_left <= d]
    return min(reached) if reached else None


def _link(contract_id: int) -> str:
    with current_app.test_request_context("/"):  # a job has no request to build URLs in
        return url_for("merchants.contract", contract_id=contract_id)


def remind(today: date) -> int:
    """Notify the merchant managers of each contract in force ending within the
    largest threshold from ``today`` (inclusive) with no renewal or exit; each
    (contract, threshold) once. Commits; returns the reminders sent."""
    days: tuple[int, ...] = module_settings.get(SETTING)
    ending = db.session.scalars(
        select(Contract)
        .where(
            Contract.state == ContractState.ACTIVE,
            Contract.ends_on >= today,
            Contract.ends_on <= today + timedelta(days=max(days)),
            *_unresolved(),
        )
        .order_by(Contract.ends_on, Contract.id)
    ).all()
    sent = 0
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        for contract in ending:
            left = (contract.ends_on - today).days
            due = threshold(left, days)
            if due is None or not once(REMIND_JOB, f"{due}d", f"contract:{contract.id}"):
                continue
            out = notify(
                users_holding("merchants.write", contract.site_id),
                _(
                    "Contract %(number)s of %(merchant)s ends on %(day)s: renew it or "
                    "open its exit",
                    number=contract.number,
                    merchant=contract.merchant.name,
                    day=contract.ends_on.isoformat(),
                ),
                _("%(days)d days left.", days=left),
                _link(contract.id),
            )
            db.session.commit()
            deliver(out)
            sent += 1
    return sent


def expire(today: date) -> int:
    """Mark expired every contract in force whose last day is before ``today`` and
    which has no exit (an exit ends its contract when it closes). Commits; returns
    how many expired."""
    past = db.session.scalars(
        select(Contract).where(
            Contract.state == ContractState.ACTIVE,
            Contract.ends_on < today,
            ~exists().where(Exit.contract_id == Contract.id),
        )
    ).all()
    for contract in past:
        contract.state = ContractState.EXPIRED
        audit.record(
            "merchants.contract_expired",
            "contract",
            contract.id,
            {"number": contract.number},
            actor=None,
        )
    db.session.commit()
    return len(past)
