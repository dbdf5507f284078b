"""Forms of the decisions ledger."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import IntegerField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from parkops.conflicts import Versioned
from parkops.decisions.models import MeetingKind
from parkops.extensions import db
from parkops.forms import DayField
from parkops.people import PersonField
from parkops.rectification.forms import (
    Choice,
    _text,
    department_choices,
)
from parkops.rectification.models import Problem

MEETING_LABELS = {
    MeetingKind.PARTY_COMMITTEE: _l("Party committee meeting"),
    MeetingKind.DIRECTORS: _l("Director's office meeting"),
}


def _after_meeting(form, field):
    if field.data and form.meeting_on.data and field.data < form.meeting_on.data:
        raise ValidationError(_l("The deadline cannot be before the meeting."))


class DecisionForm(Versioned, FlaskForm):
    """``version`` (Versioned) is required when editing; a new decision has none yet."""

    meeting_kind = Choice(_l("Meeting"), coerce=_text, invalid=_l("Choose the meeting."))
    meeting_on = DayField(_l("Meeting date"), validators=[InputRequired()])
    text = TextAreaField(
        _l("Decision"), validators=[DataRequired(_l("Write the decision.")), Length(max=4000)]
    )
    leader = PersonField(_l("Responsible leader"))
    department = Choice(_l("Responsible department"), invalid=_l("Choose a department."))
    person = PersonField(_l("Responsible person"))
    deadline = DayField(_l("Deadline"), validators=[InputRequired(), _after_meeting])
    problems = SelectMultipleField(_l("Linked problems"), coerce=int, choices=[])

    def set_choices(self, leader_id=None, person_id=None, department_id=None):
        """The choices, and the people the decision holds now (kept even if deactivated)."""
        self.leader.current_id, self.person.current_id = leader_id, person_id
        self.department.choices = department_choices(department_id)
        self.meeting_kind.choices = [SelectChoice(k.value, MEETING_LABELS[k]) for k in MeetingKind]
        self.problems.choices = [
            (p.id, p.label[:60])
            for p in db.session.scalars(select(Problem).order_by(Problem.sort_key))
        ]


class NoteForm(FlaskForm):
    text = TextAreaField(
        _l("Progress"), validators=[DataRequired(_l("Write what was done.")), Length(max=4000)]
    )


class DoneForm(FlaskForm):
    version = IntegerField(validators=[InputRequired()])
    summary = TextAreaField(
        _l("What was done"),
        # Not the repair order's "Say what was done.": its Chinese asks for a repair.
        validators=[DataRequired(_l("Say how the decision was carried out.")), Length(max=4000)],
    )
    evidence = FileField(
        _l("Evidence (photo, PDF, Word, Excel)"),
        validators=[FileRequired(_l("Attach the evidence."))],
    )
