"""The blind count's tolerances (in fen): beyond the first the seller explains the
difference, beyond the second a second person counts. Business rules, so module
settings kept in the database (``SETTINGS``, declared in the spec with the core's
``Money`` type, read with ``module_settings.get``), under the keys this module always
used in the core's settings table (fen as text: nothing to migrate). The auditor
changes them on the core's /settings/ticketing, typed in yuan; ``check`` is the
spec's ``settings_check``, refusing a second-count threshold below the tolerance.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from parkops import module_settings

# Defaults for the blind count: beyond the tolerance the seller explains the
# difference; beyond the second threshold a second person counts as well.
DEFAULT_TOLERANCE_FEN = 1_000
DEFAULT_SECOND_COUNT_FEN = 10_000
TOLERANCE_KEY = "ticketing.tolerance_fen"
SECOND_COUNT_KEY = "ticketing.second_count_fen"

SETTINGS = (
    module_settings.Setting(
        "tolerance_fen",
        module_settings.Money(),
        DEFAULT_TOLERANCE_FEN,
        _l("Blind count: a difference beyond this (¥) must be explained by the seller."),
        where="database",
    ),
    module_settings.Setting(
        "second_count_fen",
        module_settings.Money(),
        DEFAULT_SECOND_COUNT_FEN,
        _l("Blind count: beyond this difference (¥) a second person counts."),
        where="database",
    ),
)


def check(values: dict[str, object]) -> list[str]:
    """The spec's ``settings_check``: ``{"tolerance_fen": fen, "second_count_fen": fen}``
    → the messages refusing them together (none: they fit)."""
    if values["second_count_fen"] < values["tolerance_fen"]:
        return [_("The second-count threshold cannot be below the tolerance for explanations.")]
    return []


def thresholds() -> tuple[int, int]:
    """(tolerance, second-count threshold) in fen, from the module's settings."""
    return module_settings.get(TOLERANCE_KEY), module_settings.get(SECOND_COUNT_KEY)
