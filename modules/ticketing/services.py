"""What every ticketing service shares: the refusal error, the day record, the thresholds.

The domain logic lives beside this file, one small module per area (catalog,
stock, shifts, imports, reconciliation, corrections, audit reports); each public
function there is one transaction and takes the acting user explicitly.
"""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from modules.ticketing.models import TicketDay
from parkops import audit
from parkops.auth.models import Setting, User
from parkops.extensions import db
from parkops.money import format_fen


class TicketingError(ValueError):
    """The action is refused; the message is shown to the user and nothing changed."""


# Defaults for the blind count: beyond the tolerance the seller explains the
# difference; beyond the second threshold a second person counts as well.
DEFAULT_TOLERANCE_FEN = 1_000
DEFAULT_SECOND_COUNT_FEN = 10_000
TOLERANCE_KEY = "ticketing.tolerance_fen"
SECOND_COUNT_KEY = "ticketing.second_count_fen"


def thresholds() -> tuple[int, int]:
    """(tolerance, second-count threshold) in fen, from the installation's settings."""
    rows = dict(
        db.session.execute(
            select(Setting.key, Setting.value).where(
                Setting.key.in_([TOLERANCE_KEY, SECOND_COUNT_KEY])
            )
        ).all()
    )
    return (
        int(rows.get(TOLERANCE_KEY, DEFAULT_TOLERANCE_FEN)),
        int(rows.get(SECOND_COUNT_KEY, DEFAULT_SECOND_COUNT_FEN)),
    )


def set_thresholds(tolerance_fen: int, second_count_fen: int, actor: User) -> None:
    if tolerance_fen < 0 or second_count_fen < 0:
        raise TicketingError(_("Thresholds cannot be negative."))
    if second_count_fen < tolerance_fen:
        raise TicketingError(
            _("The second-count threshold cannot be below the tolerance for explanations.")
        )
    before = thresholds()
    for key, value in ((TOLERANCE_KEY, tolerance_fen), (SECOND_COUNT_KEY, second_count_fen)):
        row = db.session.get(Setting, key) or Setting(key=key)
        row.value = str(value)
        db.session.add(row)
    audit.record(
        "ticketing.thresholds_set",
        "setting",
        None,
        {
            "before": [format_fen(v) for v in before],
            "after": [format_fen(tolerance_fen), format_fen(second_count_fen)],
        },
        actor=actor,
    )
    db.session.commit()


def day_record(site_id: int, day: date) -> TicketDay:
    """The site's record for a business day, created on first use (in the caller's transaction)."""
    found = db.session.scalar(
        select(TicketDay).where(TicketDay.site_id == site_id, TicketDay.business_day == day)
    )
    if found is not None:
        return found
    record = TicketDay(site_id=site_id, business_day=day)
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:  # another request created it first
        return db.session.scalar(
            select(TicketDay).where(TicketDay.site_id == site_id, TicketDay.business_day == day)
        )
    return record


def ensure_day_open(site_id: int, day: date) -> TicketDay:
    record = day_record(site_id, day)
    if record.signed:
        raise TicketingError(
            _(
                "The day %(day)s is signed off and locked; ask the auditor for a correction.",
                day=day.isoformat(),
            )
        )
    return record
