"""The ledger's forms: parsing and validation of what the office and owners type in."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import or_, select
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from parkops import labels
from parkops.auth.models import Department
from parkops.conflicts import Fingerprinted, Versioned
from parkops.extensions import db
from parkops.forms import DayField
from parkops.people import PersonField, PersonFilterField
from parkops.rectification.models import Category, Section, Source, Status
from parkops.rectification.services import LedgerFilter
from parkops.timeutil import business_day

NUMERALS = dict(enumerate("一二三四五六七八九十", start=1))  # section headings
STATUS_LABELS = {
    Status.NOT_STARTED: _l("Not started"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.COMPLETED: _l("Completed"),
    Status.LONG_TERM: _l("Long-term"),
}
# A regulation is newly adopted or revised; stored as the bool Regulation.revised.
REGULATION_KINDS = {"new": _l("Newly adopted"), "revised": _l("Revised")}
SOURCE_LABELS = {Source.INSPECTION: _l("Found by the inspection"), Source.SELF: _l("Self-found")}
labels.register(Status, STATUS_LABELS)
labels.register(Source, SOURCE_LABELS)


def _id(value) -> int | None:
    """A record id from a form: "" is none chosen; anything else not a number is refused."""
    if value is None or value == "":
        return None
    return int(value)


def _text(value) -> str | None:
    """A choice's text; "" is none chosen, like a missing field."""
    return None if value is None or value == "" else str(value)


class Choice(SelectField):
    """A select whose wrong value gets a message saying what to choose."""

    def __init__(self, label=None, validators=None, *, invalid, **kwargs):
        kwargs.setdefault("coerce", _id)
        kwargs.setdefault("choices", [])
        super().__init__(
            label,
            validators,
            invalid_value_message=invalid,
            invalid_choice_message=invalid,
            **kwargs,
        )


def _not_in_future(form, field):
    if field.data is not None and field.data > business_day():
        raise ValidationError(_l("The date cannot be in the future."))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


NOBODY = SelectChoice("", "—")


def department_choices(current_id=None) -> list[SelectChoice]:
    departments = db.session.scalars(
        select(Department)
        .where(or_(Department.active, Department.id == (current_id or 0)))
        .order_by(Department.name)
    )
    return [NOBODY, *(SelectChoice(str(d.id), d.name) for d in departments)]


def status_choices() -> list[SelectChoice]:
    return [SelectChoice(s.value, STATUS_LABELS[s]) for s in Status]


class _Owners:
    """Leader, department and person: the three owners of a problem."""

    leader = PersonField(_l("Responsible leader"))
    department = Choice(_l("Responsible department"), invalid=_l("Choose a department."))
    person = PersonField(_l("Responsible person"))
    deadline = DayField(_l("Deadline"), validators=[Optional()])
    status = Choice(_l("Status"), coerce=_text, invalid=_l("Choose a status from the list."))

    def set_choices(self, leader_id=None, person_id=None, department_id=None):
        self.leader.current_id, self.person.current_id = leader_id, person_id
        self.department.choices = department_choices(department_id)
        self.status.choices = status_choices()


class ProblemForm(_Owners, Versioned, FlaskForm):
    pass


class SelfFoundForm(_Owners, FlaskForm):
    category = Choice(_l("Category"), invalid=_l("Choose a category."))
    title = TextAreaField(
        _l("Problem"),
        filters=[_strip],
        validators=[DataRequired(_l("Describe the problem.")), Length(max=2000)],
    )
    notice_text = TextAreaField(
        _l("What was done"), filters=[_strip], validators=[Optional(), Length(max=10000)]
    )

    def set_choices(self, categories: list[Category], **current):
        super().set_choices(**current)
        self.category.choices = [
            SelectChoice(str(c.number), f"{c.number}. {c.title}") for c in categories
        ]


class SelfFoundEditForm(Versioned, SelfFoundForm):
    """A self-found problem's own form: carries the problem's version."""


class MeasureForm(Versioned, FlaskForm):
    """A measure: a new one has no version yet, an edited one carries it (see conflicts)."""

    text = TextAreaField(
        _l("Measure"),
        filters=[_strip],
        validators=[DataRequired(_l("Describe the measure.")), Length(max=4000)],
    )
    owner = PersonField(_l("Owner"))
    deadline = DayField(_l("Deadline"), validators=[Optional()])
    status = Choice(_l("Status"), coerce=_text, invalid=_l("Choose a status from the list."))

    def set_choices(self, owner_id=None):
        self.owner.current_id = owner_id
        self.status.choices = status_choices()


class RegulationForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[_strip],
        validators=[DataRequired(_l("Give the regulation's title.")), Length(max=300)],
    )
    revised = Choice(
        _l("New or revised"),
        coerce=_text,
        choices=[SelectChoice(key, label) for key, label in REGULATION_KINDS.items()],
        invalid=_l("Choose new or revised."),
    )
    adopted_on = DayField(
        _l("Adopted on"),
        validators=[InputRequired(message=_l("Enter the adoption date."))],
    )
    file = FileField(
        _l("File (PDF, Word, Excel or WPS)"),
        description=_l("Optional; a new file replaces the previous one."),
    )


class RegulationEditForm(Fingerprinted, RegulationForm):
    """Editing a regulation: the page carries the fingerprint of what it showed."""


class ReportForm(FlaskForm):
    reported_on = DayField(
        _l("Date"),
        default=business_day,
        validators=[
            InputRequired(message=_l("Enter the report's date.")),
            _not_in_future,
        ],
    )
    text = TextAreaField(
        _l("Progress"),
        filters=[_strip],
        validators=[DataRequired(_l("Write what has been done.")), Length(max=10000)],
    )


CODE_SPLIT = re.compile(r"[\s,，、;；]+")


class MappingForm(FlaskForm):
    codes = StringField(
        _l("Problem numbers"),
        filters=[_strip],
        description=_l("Separated by commas, e.g. 14, 15, S2"),
        validators=[DataRequired(message=_l("Give at least one problem number."))],
    )

    def code_list(self) -> list[str]:
        return sorted(
            {c.upper() for c in CODE_SPLIT.split(self.codes.data or "") if c}, key=_code_order
        )


def _code_order(code: str) -> tuple[int, int]:
    digits = code.lstrip("S")
    return (code.startswith("S"), int(digits) if digits.isdigit() else 0)


class FilterForm(FlaskForm):
    """The ledger's filters, read from the query string (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    section = Choice(_l("Section"), invalid=_l("Unknown section; filter ignored."))
    category = Choice(_l("Category"), invalid=_l("Unknown category; filter ignored."))
    status = Choice(_l("Status"), coerce=_text, invalid=_l("Unknown status; filter ignored."))
    department = Choice(_l("Department"), invalid=_l("Unknown department; filter ignored."))
    person = PersonFilterField(_l("Person"))
    source = Choice(_l("Source"), coerce=_text, invalid=_l("Unknown source; filter ignored."))
    overdue = BooleanField(_l("Overdue only"), false_values=("", "0", "false", "off"))

    def set_choices(self, sections: list[Section], categories: list[Category], depts):
        everything = SelectChoice("", _l("All"))
        self.section.choices = [
            everything,
            *(SelectChoice(str(s.number), f"{NUMERALS[s.number]}、{s.title}") for s in sections),
        ]
        self.category.choices = [
            everything,
            *(SelectChoice(str(c.number), f"{c.number}. {c.title}") for c in categories),
        ]
        self.status.choices = [everything, *status_choices()]
        self.department.choices = [everything, *(SelectChoice(str(d.id), d.name) for d in depts)]
        self.source.choices = [
            everything,
            *(SelectChoice(s.value, SOURCE_LABELS[s]) for s in Source),
        ]

    def to_filter(self) -> LedgerFilter:
        """The valid filters; a field with an error is left out (and shows its error)."""
        self.validate()

        def ok(field):
            return field.data if not field.errors and field.data else None

        status, source = ok(self.status), ok(self.source)
        return LedgerFilter(
            section=ok(self.section),
            category=ok(self.category),
            status=Status(status) if status else None,
            department_id=ok(self.department),
            person_id=ok(self.person),
            overdue=bool(self.overdue.data),
            source=Source(source) if source else None,
        )
