"""The phone forms of inspections and re-checks. Each check of ``FORM_CHECKS`` has
three fields: ``<check>_result`` ("pass", "fail" or nothing: not checked),
``<check>_note`` and ``<check>_deadline`` (a local date; empty: the default)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from modules.merchants.forms import _strip
from modules.merchants.inspection_models import FORM_CHECKS
from modules.merchants.texts import CHECKS
from modules.merchants.violations import MAX_NOTE
from parkops.forms import DayField, MomentField

RESULTS = [SelectChoice("pass", _l("Passed")), SelectChoice("fail", _l("Failed"))]


class InspectionForm(FlaskForm):
    unit_id = SelectField(_l("Leased unit"), coerce=int, validators=[InputRequired()])
    at = MomentField(_l("When"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    note = TextAreaField(_l("Note"), filters=[_strip], validators=[Length(max=2000)])
    photos = MultipleFileField(_l("Photos"))

    def check_fields(self):
        """[(check, result field, note field, deadline field)] in the form's order."""
        return [
            (c, self[f"{c}_result"], self[f"{c}_note"], self[f"{c}_deadline"]) for c in FORM_CHECKS
        ]


for _check in FORM_CHECKS:
    # validate_choice off: an unanswered check is allowed (the service wants one answered).
    setattr(
        InspectionForm,
        f"{_check}_result",
        RadioField(CHECKS[_check], choices=RESULTS, validate_choice=False),
    )
    setattr(
        InspectionForm,
        f"{_check}_note",
        StringField(_l("Note"), filters=[_strip], validators=[Length(max=MAX_NOTE)]),
    )
    setattr(InspectionForm, f"{_check}_deadline", DayField(_l("Correct by"), [Optional()]))


class RecheckForm(FlaskForm):
    corrected = RadioField(
        _l("Found"),
        choices=[SelectChoice("yes", _l("Corrected")), SelectChoice("no", _l("Not corrected"))],
        validators=[InputRequired()],
    )
    note = StringField(_l("Note"), filters=[_strip], validators=[Length(max=MAX_NOTE)])
    new_deadline = DayField(_l("New deadline to correct"), validators=[Optional()])
    photos = MultipleFileField(_l("Photos"))
