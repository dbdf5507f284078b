"""Labels of the patrols module's enum values (``{{ value|label }}``)."""

from flask_babel import lazy_gettext as _l

from modules.patrols.models import AnswerType, ChecklistPurpose, FindingState, Severity
from modules.patrols.slots import SlotState
from parkops import labels

labels.register(
    AnswerType,
    {
        AnswerType.PASS_FAIL: _l("Pass / fail"),
        AnswerType.NUMBER: _l("Number"),
        AnswerType.CHOICE: _l("Choice"),
        AnswerType.TEXT: _l("Text"),
        AnswerType.PHOTO: _l("Photo required"),
    },
)

labels.register(
    Severity,
    {
        Severity.LOW: _l("Low"),
        Severity.NORMAL: _l("Normal"),
        Severity.HIGH: _l("High"),
        Severity.URGENT: _l("Urgent"),
    },
)
labels.register(
    FindingState,
    {
        FindingState.OPEN: _l("Open"),
        FindingState.FIXED: _l("Fixed, to verify"),
        FindingState.VERIFIED: _l("Verified"),
    },
)
PURPOSE_LABELS = {
    ChecklistPurpose.CONDUCT: _l("Staff conduct"),
    ChecklistPurpose.WATER: _l("Water patrol, intake clearance"),
    ChecklistPurpose.GATE_DUTY: _l("Gate duty"),
    ChecklistPurpose.SANITATION: _l("Sanitation"),
    ChecklistPurpose.MERCHANT: _l("Merchant check"),
    ChecklistPurpose.OTHER: _l("Other"),
}
labels.register(ChecklistPurpose, PURPOSE_LABELS)
labels.register(
    SlotState,
    {
        SlotState.DUE: _l("Due"),
        SlotState.IN_PROGRESS: _l("In progress"),
        SlotState.DONE: _l("Done"),
        SlotState.MISSED: _l("Missed"),
    },
)
