"""Administration forms: parsing and validation of what an administrator types."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from parkops.auth.forms import new_password_length
from parkops.auth.models import ROLE_LABELS, ROLES, Department, Site
from parkops.auth.services import PASSWORD_MIN_LENGTH
from parkops.conflicts import Versioned
from parkops.forms import DayField, halfwidth
from parkops.people import PersonFilterField

USERNAME = r"^[a-z0-9][a-z0-9._-]*$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s.]+$"
SITE_CODE = r"^[A-Za-z0-9_-]+$"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _optional_int(value) -> int | None:
    return None if value in ("", None) else int(value)


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    display_name = StringField(
        _l("Full name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the name people know this user by.")), Length(max=100)],
    )
    email = StringField(
        _l("E-mail"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=200),
            Regexp(EMAIL, message=_l("Enter an e-mail address like name@example.com.")),
        ],
        description=_l("Optional; reminders are also e-mailed when the installation sends mail."),
    )
    roles = Checkboxes(
        _l("Roles"),
        choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLES],
        invalid_choice_message=_l("Unknown role: %(value)s."),
    )
    all_sites = BooleanField(_l("All sites"))
    sites = Checkboxes(
        _l("Sites"),
        coerce=int,
        invalid_choice_message=_l("Unknown site: %(value)s."),
        invalid_value_message=_l("Unknown site."),
    )
    department_id = SelectField(
        _l("Department"),
        coerce=_optional_int,
        invalid_choice_message=_l("Unknown department."),
        invalid_value_message=_l("Unknown department."),
    )

    def offer(self, sites: list[Site], departments: list[Department]) -> None:
        """The sites and departments to choose from (active ones, and those already held)."""
        self.sites.choices = [
            SelectChoice(s.id, s.name if s.active else s.name + " (" + str(_l("inactive")) + ")")
            for s in sites
        ]
        self.department_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(d.id, d.name if d.active else d.name + " (" + str(_l("inactive")) + ")")
            for d in departments
        ]


class NewUserForm(UserForm):
    username = StringField(
        _l("Username"),
        filters=[_strip, _lower],
        validators=[
            DataRequired(_l("Choose a username.")),
            Length(min=2, max=50),
            Regexp(
                USERNAME,
                message=_l(
                    "Use letters, digits, dots, hyphens or underscores, "
                    "starting with a letter or digit."
                ),
            ),
        ],
        description=_l("Used to sign in; lowercase, cannot be changed later."),
    )
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(_l("Choose an initial password.")), new_password_length()],
        description=_l(
            "At least %(min)s characters. The user must replace it at first sign-in.",
            min=PASSWORD_MIN_LENGTH,
        ),
    )


class SiteForm(FlaskForm):
    code = StringField(
        _l("Code"),
        filters=[_strip, halfwidth],
        validators=[
            DataRequired(_l("Enter a short code.")),
            Length(max=20),
            Regexp(SITE_CODE, message=_l("Use letters, digits, hyphens or underscores.")),
        ],
        description=_l("Short, e.g. PSY; printed on labels and reports."),
    )
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the site's name.")), Length(max=100)],
    )


class DepartmentForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the department's name.")), Length(max=100)],
    )


class UserEditForm(Versioned, UserForm):
    """An existing account's form: carries the edit version it was loaded at."""


class SiteEditForm(Versioned, SiteForm):
    pass


class DepartmentEditForm(Versioned, DepartmentForm):
    pass


class AuditFilterForm(FlaskForm):
    """The audit log's filters, read from the query string."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    action = SelectField(_l("Action"), validate_choice=False)
    # Searched, not listed: a list of every account grew the page with the accounts.
    # Unknown: nothing shown (see the view), not the filter ignored as in the ledger.
    actor = PersonFilterField(_l("User"), anyone=True, unknown=_l("Unknown user."))
    date_from = DayField(_l("From"), validators=[Optional()])
    date_to = DayField(_l("To"), validators=[Optional()])
