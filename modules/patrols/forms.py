"""Forms of the patrols module: parsing and validation of what people type."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from modules.patrols import phone_time
from modules.patrols.models import AnswerType, ChecklistPurpose
from parkops import labels
from parkops.conflicts import Fingerprinted
from parkops.forms import DayField
from parkops.timeutil import business_day

BLANK_ITEMS = 3  # empty rows offered under a checklist's items, to add new ones


class ItemForm(Form):
    """One checklist item; a row left without text is dropped."""

    text = StringField(_l("Item"), validators=[Optional(), Length(max=200)])
    answer_type = SelectField(_l("Answer"), default=AnswerType.PASS_FAIL.value)
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=20)])
    choices = TextAreaField(_l("Choices (one per line)"), validators=[Optional()])
    weight = IntegerField(_l("Weight"), default=1, validators=[Optional(), NumberRange(1, 100)])
    fail_is_finding = BooleanField(_l("A fail is a finding"), default=True)
    counts_touts = BooleanField(_l("Its number is the touts seen (gate duty, indicator 32)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer_type.choices = [(t.value, labels.label(t)) for t in AnswerType]


class ChecklistForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=int)
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    unannounced = BooleanField(_l("Unannounced inspection (明察暗访)"))
    purpose = SelectField(
        _l("Purpose"),
        default=ChecklistPurpose.OTHER.value,
        description=_l(
            "The ledger counts gate duty (the item marked as the touts seen) and the "
            "water patrol's intake clearances by it."
        ),
    )
    items = FieldList(FormField(ItemForm), min_entries=BLANK_ITEMS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.purpose.choices = [(p.value, labels.label(p)) for p in ChecklistPurpose]


class ChecklistEditForm(Fingerprinted, ChecklistForm):
    """Editing a checklist: the page carries the fingerprint of what it showed."""


class RouteForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=int)
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    checkpoints = TextAreaField(
        _l("Checkpoints in order"),
        description=_l("One per line: a code, a space, then the name (PSY-W1 泵站进水口)."),
        validators=[DataRequired()],
    )


class RouteEditForm(Fingerprinted, RouteForm):
    """Editing a route: the page carries the fingerprint of what it showed."""


class StartForm(FlaskForm):
    checklist_id = SelectField(_l("Checklist"), coerce=int)
    route_id = SelectField(_l("Route"), coerce=int)
    # Set by the phone when it started the run offline: its clock, in ms since 1970 (UTC).
    started_at = HiddenField()

    def client_started_at(self) -> datetime | None:
        """When the phone started the run (UTC), or None for a run started online."""
        return phone_time.from_ms(self.started_at.data)


class ScanForm(FlaskForm):
    """A checkpoint label read by the phone (its URL or token), and where the phone was."""

    scanned = StringField(_l("Checkpoint label"), validators=[DataRequired(), Length(max=300)])
    latitude = HiddenField()
    longitude = HiddenField()
    accuracy = HiddenField()

    def location(self) -> tuple[float, float, float | None] | None:
        """(latitude, longitude, accuracy in m) when the browser gave a plausible one."""
        try:
            lat, lon = float(self.latitude.data), float(self.longitude.data)
        except (TypeError, ValueError):
            return None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        try:
            accuracy = float(self.accuracy.data)
        except (TypeError, ValueError):
            accuracy = None
        return lat, lon, accuracy


def not_before_today(form, field) -> None:
    """A follow-up deadline (local date) from today's business day on: a past one
    would show the finding overdue at once."""
    if field.data is not None and field.data < business_day():
        raise ValidationError(_l("The deadline cannot be before today."))


class FindingForm(FlaskForm):
    """A free observation; the place is a subject found by kind and name."""

    summary = StringField(_l("What was found"), validators=[DataRequired(), Length(max=300)])
    severity = SelectField(_l("Severity"), default="normal")
    subject_kind = SelectField(_l("Where (kind)"), validators=[Optional()])
    subject_text = StringField(_l("Where (code or name)"), validators=[Optional(), Length(max=100)])
    # Set by the picker's script when a search result is chosen (its subject id).
    subject_id = HiddenField()
    person_id = SelectField(
        _l("Staff member concerned (批评教育)"), coerce=int, validators=[Optional()]
    )
    owner_id = SelectField(_l("Follow-up owner"), coerce=int, validators=[Optional()])
    deadline = DayField(_l("Fix by"), validators=[Optional(), not_before_today])


class AssignForm(FlaskForm):
    owner_id = SelectField(_l("Follow-up owner"), coerce=int)
    deadline = DayField(_l("Fix by"), validators=[DataRequired(), not_before_today])
    # The owner the page showed ("": nobody): someone else's assignment since is not
    # overridden unseen.
    shown_owner = HiddenField()


class FixForm(FlaskForm):
    note = TextAreaField(_l("What was done"), validators=[Optional(), Length(max=2000)])


class VerifyForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class ScheduleForm(FlaskForm):
    checklist_id = SelectField(_l("Checklist"), coerce=int)
    route_id = SelectField(_l("Route"), coerce=int)
    times = StringField(
        _l("Times"),
        description=_l("Local times, separated by spaces: 08:00 12:00 17:00"),
        validators=[DataRequired(), Length(max=100)],
    )
    weekdays = SelectMultipleField(
        _l("Weekdays"),
        choices=[
            ("1", _l("Mon")),
            ("2", _l("Tue")),
            ("3", _l("Wed")),
            ("4", _l("Thu")),
            ("5", _l("Fri")),
            ("6", _l("Sat")),
            ("7", _l("Sun")),
        ],
        default=list("1234567"),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    # "u<user id>" a person, "d<department id>" a team (its people at the site).
    assignee = SelectField(_l("Patrolled by"), description=_l("A person, or a team"))
    window_minutes = IntegerField(
        _l("Window (minutes)"), default=60, validators=[DataRequired(), NumberRange(5, 720)]
    )
