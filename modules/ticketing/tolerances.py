"""The blind count's tolerances (in fen): beyond the first the seller explains the
difference, beyond the second a second person counts. Business rules, so module
settings kept in the database (``SETTINGS``, declared in the spec, read with
``module_settings.get``), under the keys this module always used in the core's
settings table: nothing to migrate. The auditor sets them on ticketing's own
thresholds page rather than the core's /settings/ticketing, because the core's
page takes each value alone as text: it cannot take amounts in yuan (the values
are fen) nor refuse a second-count threshold below the tolerance.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from modules.ticketing.errors import TicketingError
from parkops import audit, module_settings
from parkops.auth.models import Setting, User
from parkops.extensions import db
from parkops.money import format_fen

# Defaults for the blind count: beyond the tolerance the seller explains the
# difference; beyond the second threshold a second person counts as well.
DEFAULT_TOLERANCE_FEN = 1_000
DEFAULT_SECOND_COUNT_FEN = 10_000
TOLERANCE_KEY = "ticketing.tolerance_fen"
SECOND_COUNT_KEY = "ticketing.second_count_fen"


def fen_amount(text: str) -> int:
    """A stored threshold: whole fen, not negative (ValueError otherwise)."""
    value = int(text)
    if value < 0:
        raise ValueError("negative")
    return value


SETTINGS = (
    module_settings.Setting(
        "tolerance_fen",
        fen_amount,
        DEFAULT_TOLERANCE_FEN,
        _l("Blind count: a difference beyond this (fen) must be explained by the seller."),
        where="database",
    ),
    module_settings.Setting(
        "second_count_fen",
        fen_amount,
        DEFAULT_SECOND_COUNT_FEN,
        _l("Blind count: beyond this difference (fen) a second person counts."),
        where="database",
    ),
)


def thresholds() -> tuple[int, int]:
    """(tolerance, second-count threshold) in fen, from the module's settings."""
    return module_settings.get(TOLERANCE_KEY), module_settings.get(SECOND_COUNT_KEY)


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
