"""Forms of the greening pages: parsing and validation of what people type."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from modules.greening.models import Grade, ZoneKind
from parkops import labels
from parkops.conflicts import Fingerprinted
from parkops.forms import DayField, halfwidth


def _strip(value):
    # NUL characters are never meant, and PostgreSQL refuses them in text.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def _person_id(value) -> int | None:
    # "" and "0" are the empty choice: the service refuses it with its own message.
    return int(value) if value not in (None, "", "0", 0) else None


def _choices(enum_class):
    return [SelectChoice(m.value, labels.label(m)) for m in enum_class]


class ZoneForm(FlaskForm):
    """A zone's details; on a new zone also its first responsible person and team."""

    site_id = SelectField(_l("Site"), coerce=int, validators=[InputRequired()])
    code = StringField(
        _l("Code"),
        filters=[_strip, halfwidth],
        validators=[
            DataRequired(),
            Length(max=30),
            Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Letters, digits, - and _ only.")),
        ],
        description=_l("Unique within the site, e.g. PSY-G01."),
    )
    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(), Length(max=100)])
    area_m2 = IntegerField(
        _l("Area (m²)"), validators=[InputRequired(), NumberRange(min=1, max=10_000_000)]
    )
    kind = SelectField(_l("Kind"), validators=[InputRequired()])
    grade = SelectField(_l("Maintenance grade"), validators=[InputRequired()])
    notes = TextAreaField(_l("Notes"), filters=[_strip], validators=[Length(max=2000)])
    responsible_id = SelectField(_l("Responsible person"), coerce=_person_id, validate_choice=False)
    team = StringField(_l("Team"), filters=[_strip], validators=[Length(max=100)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(ZoneKind)
        self.grade.choices = _choices(Grade)


class RosterForm(FlaskForm):
    """A change of who answers for a zone, from a day on."""

    responsible_id = SelectField(_l("Responsible person"), coerce=_person_id, validate_choice=False)
    team = StringField(_l("Team"), filters=[_strip], validators=[Length(max=100)])
    starts_on = DayField(
        _l("From"), validators=[InputRequired()], description=_l("Today or a later day.")
    )


class ImportForm(FlaskForm):
    """A file of zones and their roster."""

    file = FileField(_l("File (.csv or .xlsx)"), validators=[DataRequired()])


MONTH_DAY = Regexp(r"^\d{2}-\d{2}$", message=_l("Month and day as MM-DD, e.g. 05-01."))


class TaskTypeForm(FlaskForm):
    """A task type: the kind of zone it serves, its season (MM-DD to MM-DD, may run
    over the new year) and how often it is due, in days."""

    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(), Length(max=100)])
    zone_kind = SelectField(_l("Kind of zone"), validators=[InputRequired()])
    season_start = StringField(
        _l("Season from"), filters=[_strip], validators=[DataRequired(), MONTH_DAY]
    )
    season_end = StringField(
        _l("Season to"),
        filters=[_strip],
        validators=[DataRequired(), MONTH_DAY],
        description=_l("May run over the new year: 11-15 to 02-15."),
    )
    frequency_days = IntegerField(
        _l("Every (days)"), validators=[InputRequired(), NumberRange(min=1, max=366)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone_kind.choices = _choices(ZoneKind)


class ZoneEditForm(Fingerprinted, ZoneForm):
    """Editing a zone: the page carries the fingerprint of what it showed."""


class TaskTypeEditForm(Fingerprinted, TaskTypeForm):
    """Editing a task type: the page carries the fingerprint of what it showed."""
