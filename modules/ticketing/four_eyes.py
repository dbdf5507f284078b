"""The four-eyes rule (两人原则): nobody decides what she asked for or what is about her own shift.

One predicate per decision. The service refuses when its predicate is false
(so a route, a command and a job all obey it), and the template shows the
button only when it is true. The route checks the permission
(``ticketing.approve`` or ``ticketing.audit``); these add the person.

- a void is approved by someone other than its requester and the shift's seller;
- a void or refund of a sale (a reversal) likewise: not its importer, not the seller;
- a second count is made by someone other than the seller;
- a correction is approved by someone other than its requester and the seller it concerns;
- a finding is resolved by someone other than the seller it is about;
- a day is signed off by an auditor who did not sell on it.

The ``*_where`` conditions say the same in SQL, for counting what waits for a
user (todo.py) without loading each record.
"""

from sqlalchemy import ColumnElement, and_, or_, select

from modules.ticketing.models import Correction, Finding, Reversal, SerialVoid, Shift, TicketDay
from parkops.auth.models import User
from parkops.extensions import db


def may_decide_void(user: User, void: SerialVoid) -> bool:
    return user.id not in (void.requested_by_id, void.shift.seller_id)


def may_decide_reversal(user: User, reversal: Reversal) -> bool:
    return user.id not in (reversal.requested_by_id, reversal.shift.seller_id)


def may_second_count(user: User, shift: Shift) -> bool:
    return user.id != shift.seller_id


def may_decide_correction(user: User, correction: Correction) -> bool:
    return user.id not in (correction.requested_by_id, correction.seller_id)


def may_resolve_finding(user: User, finding: Finding) -> bool:
    return user.id != finding.seller_id


def worked_on(day: TicketDay, user: User) -> bool:
    """Whether ``user`` had a shift at the day's site on its business day."""
    return bool(
        db.session.scalar(
            select(Shift.id).where(
                Shift.site_id == day.site_id,
                Shift.business_day == day.business_day,
                Shift.seller_id == user.id,
            )
        )
    )


def may_sign_off(user: User, day: TicketDay) -> bool:
    return not worked_on(day, user)


def voids_decidable_where(user: User) -> ColumnElement[bool]:
    """SQL for ``may_decide_void``; the query joins Shift to SerialVoid."""
    return and_(SerialVoid.requested_by_id != user.id, Shift.seller_id != user.id)


def reversals_decidable_where(user: User) -> ColumnElement[bool]:
    """SQL for ``may_decide_reversal``; the query joins Shift to Reversal."""
    return and_(Reversal.requested_by_id != user.id, Shift.seller_id != user.id)


def second_counts_where(user: User) -> ColumnElement[bool]:
    """SQL for ``may_second_count``."""
    return Shift.seller_id != user.id


def corrections_decidable_where(user: User) -> ColumnElement[bool]:
    """SQL for ``may_decide_correction`` (a correction may concern no seller)."""
    return and_(
        Correction.requested_by_id != user.id,
        or_(Correction.seller_id.is_(None), Correction.seller_id != user.id),
    )
