"""Forms: parsing and validation of what people type on phones and desks."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from modules.facilities.models import FaultCategory, Priority, RejectReason
from modules.facilities.orders import QUANTITY_PATTERN
from parkops.conflicts import Fingerprinted
from parkops.forms import DayField, halfwidth
from parkops.money import MoneyError, parse_yuan

PRIORITY_LABELS = {
    Priority.URGENT: _l("Urgent"),
    Priority.HIGH: _l("High"),
    Priority.NORMAL: _l("Normal"),
    Priority.LOW: _l("Low"),
}
# The big buttons of the scan page, in this order.
CATEGORY_LABELS = {
    FaultCategory.LIGHTING: _l("Lighting"),
    FaultCategory.FENCE: _l("Fence or railing"),
    FaultCategory.SEATING: _l("Seating"),
    FaultCategory.SANITATION: _l("Toilets and litter"),
    FaultCategory.WATER_ELECTRIC: _l("Water or electricity"),
    FaultCategory.SIGNAGE: _l("Signs"),
    FaultCategory.OTHER: _l("Something else"),
}
CATEGORY_CHOICES = [(c.value, label) for c, label in CATEGORY_LABELS.items()]
REJECT_LABELS = {
    RejectReason.DUPLICATE: _l("Duplicate of another order"),
    RejectReason.NOT_A_FAULT: _l("Not a fault"),
}


def _strip(value):
    # NUL characters are never meant, and PostgreSQL refuses them in text.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class FacilityForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=int, validators=[InputRequired()])
    code = StringField(
        _l("Code"),
        filters=[_strip, halfwidth],
        validators=[
            DataRequired(),
            Length(max=30),
            Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Letters, digits, - and _ only.")),
        ],
        description=_l("Printed on the label, e.g. PSY-0123."),
    )
    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(), Length(max=100)])
    type_id = SelectField(_l("Type"), coerce=int, validators=[InputRequired()])
    area = StringField(_l("Area"), filters=[_strip], validators=[Length(max=60)])
    location = StringField(_l("Location"), filters=[_strip], validators=[Length(max=200)])
    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(-90, 90)])
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)])
    installed_on = DayField(_l("Installed on"), validators=[Optional()])
    team = StringField(_l("Responsible team"), filters=[_strip], validators=[Length(max=100)])
    notes = TextAreaField(_l("Notes"), filters=[_strip])
    photo = FileField(_l("Photo"))


class FacilityEditForm(Fingerprinted, FacilityForm):
    """Editing a facility: the page carries the fingerprint of what it showed."""


class TypeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        filters=[_strip, halfwidth],
        validators=[
            DataRequired(),
            Length(max=30),
            Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Letters, digits, - and _ only.")),
        ],
    )
    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(), Length(max=60)])
    interval_days = IntegerField(
        _l("Inspect every (days)"), validators=[InputRequired(), NumberRange(1, 365)]
    )
    safety_critical = BooleanField(_l("Safety-critical"))


class TypeEditForm(Fingerprinted, TypeForm):
    """Editing a facility type: the page carries the fingerprint of what it showed."""


class ImportForm(FlaskForm):
    file = FileField(_l("File (.csv or .xlsx)"), validators=[DataRequired()])


class ReportForm(FlaskForm):
    """The crew's report: the scan page's quick form posts only a category (and photos);
    the full form adds a description, the priority and the hazard."""

    category = SelectField(
        _l("What is wrong"), choices=CATEGORY_CHOICES, default=FaultCategory.OTHER.value
    )
    description = TextAreaField(
        _l("Details (optional)"), filters=[_strip], validators=[Length(max=2000)]
    )
    priority = SelectField(
        _l("Priority"),
        choices=[(p.value, label) for p, label in PRIORITY_LABELS.items()],
        default=Priority.NORMAL.value,
    )
    hazardous = BooleanField(_l("Hazardous: people could get hurt"))
    photos = MultipleFileField(_l("Photos"))


NOTHING_SAID = _l("Say what is wrong: press a fault button, take a photo or write a few words.")


class VisitorReportForm(FlaskForm):
    """Sent by one of the category buttons (its name is ``category``)."""

    # A form from before the buttons (a page left open) sends none: "something else".
    category = SelectField(
        _l("What is wrong?"), choices=CATEGORY_CHOICES, default=FaultCategory.OTHER.value
    )
    description = TextAreaField(
        _l("Details (optional)"), filters=[_strip], validators=[Length(max=1000)]
    )
    photo = FileField(_l("Photo (optional)"))
    phone = StringField(
        _l("Your phone number (optional)"),
        filters=[_strip, halfwidth],
        validators=[
            Optional(),
            Regexp(r"^\+?[0-9 -]{5,20}$", message=_l("Digits only, e.g. 13800138000.")),
        ],
    )

    def validate_description(self, field):
        """A report says what is wrong: a fault button other than "something else", or a
        photo, or a few words. "Something else" alone (also what a post with no button
        means) would send the crew to the facility to look for nothing."""
        photo = self.photo.data
        if self.category.data == FaultCategory.OTHER.value and not field.data:
            if not (photo and getattr(photo, "filename", "")):
                raise ValidationError(NOTHING_SAID)


class VersionForm(FlaskForm):
    """Every step on an order carries the version the user saw."""

    version = HiddenField(validators=[DataRequired()])

    @property
    def version_number(self) -> int | None:
        value = self.version.data or ""
        return int(value) if value.isdigit() else None


class AssignForm(VersionForm):
    assignees = SelectMultipleField(_l("Assign to"), coerce=int, validators=[DataRequired()])


class StartForm(VersionForm):
    photos = MultipleFileField(_l("Photos before the repair (optional)"))


class RepairedForm(VersionForm):
    labour_minutes = IntegerField(
        _l("Labour time (minutes)"), validators=[InputRequired(), NumberRange(0, 7 * 24 * 60)]
    )
    note = TextAreaField(
        _l("Work done"), filters=[_strip], validators=[DataRequired(), Length(max=2000)]
    )
    photos = MultipleFileField(_l("Photos after the repair"))


class ReopenForm(VersionForm):
    note = TextAreaField(
        _l("What is still wrong"), filters=[_strip], validators=[DataRequired(), Length(max=2000)]
    )


class RejectForm(VersionForm):
    reason = SelectField(
        _l("Reason"), choices=[(r.value, label) for r, label in REJECT_LABELS.items()]
    )
    note = TextAreaField(
        _l("Explanation"), filters=[_strip], validators=[DataRequired(), Length(max=1000)]
    )


QUANTITY_MESSAGE = _l("The quantity is a number above 0, then a unit if any (2, 3 m).")
COST_MESSAGE = _l("The cost is an amount of 0 or more in yuan, e.g. 35.50.")


def _cost(form, field):
    """The rule the order applies (parse_yuan: full-width digits too), said on the field."""
    try:
        fen = parse_yuan(field.data)
    except MoneyError:
        fen = -1
    if fen < 0:
        raise ValidationError(COST_MESSAGE)


class PartForm(FlaskForm):
    description = StringField(
        _l("Part or material"), filters=[_strip], validators=[DataRequired(), Length(max=200)]
    )
    quantity = StringField(
        _l("Quantity"),
        filters=[_strip],
        validators=[
            Length(max=30),
            Optional(),
            Regexp(f"^(?:{QUANTITY_PATTERN})$", message=QUANTITY_MESSAGE),
        ],
        # The browser refuses "-3" or "0" before posting, saying why (title).
        render_kw={"pattern": QUANTITY_PATTERN, "title": QUANTITY_MESSAGE},
    )
    cost = StringField(
        _l("Cost (yuan)"),
        filters=[_strip],
        validators=[Optional(), _cost],
        # A number input with min 0: the browser's own message says it cannot be below 0.
        render_kw={"type": "number", "min": "0", "step": "0.01", "inputmode": "decimal"},
    )


class SplitForm(FlaskForm):
    category = SelectField(_l("Its fault"), choices=CATEGORY_CHOICES)


class StatusForm(FlaskForm):
    """The public status lookup: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    ref = StringField(
        _l("Reference number"), filters=[_strip, halfwidth], validators=[Length(max=20)]
    )


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Comment"), filters=[_strip], validators=[DataRequired(), Length(max=2000)]
    )


class PhotoForm(FlaskForm):
    after = BooleanField(_l("After the repair"))
    photos = MultipleFileField(_l("Photos"), validators=[DataRequired()])


class SquadLeadForm(FlaskForm):
    user_id = SelectField(_l("Squad lead"), coerce=int)
