"""The blind count's tolerances (in fen): beyond the first the seller explains the
difference, beyond the second a second person counts. The auditor sets them;
they are kept in the installation's settings table.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from modules.ticketing.errors import TicketingError
from parkops import audit
from parkops.auth.models import Setting, User
from parkops.extensions import db
from parkops.money import format_fen

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
