"""Labels of the greening enums for people (``{{ zone.kind|label }}``)."""

from flask_babel import lazy_gettext as _l

from modules.greening.models import AppealDecision, Grade, ZoneKind
from parkops import labels

labels.register(
    ZoneKind,
    {
        ZoneKind.LAWN: _l("Lawn"),
        ZoneKind.FLOWER_BED: _l("Flower bed"),
        ZoneKind.WOODLAND: _l("Woodland"),
        ZoneKind.HEDGE: _l("Hedge"),
        ZoneKind.WATERSIDE: _l("Waterside"),
        ZoneKind.ROADSIDE: _l("Roadside green"),
    },
)
labels.register(
    Grade,
    {Grade.FIRST: _l("Grade 1"), Grade.SECOND: _l("Grade 2"), Grade.THIRD: _l("Grade 3")},
)

DECISION_LABELS = {
    AppealDecision.UPHELD.value: _l("Upheld: points restored"),
    AppealDecision.DISMISSED.value: _l("Dismissed: the deduction stands"),
}
labels.register(
    AppealDecision,
    {
        AppealDecision.UPHELD: DECISION_LABELS["upheld"],
        AppealDecision.DISMISSED: DECISION_LABELS["dismissed"],
    },
)
