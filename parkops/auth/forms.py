from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from parkops.auth.services import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH


def new_password_length() -> Length:
    return Length(
        min=PASSWORD_MIN_LENGTH,
        max=PASSWORD_MAX_LENGTH,
        message=_l(
            "A password needs %(min)s to %(max)s characters.",
            min=PASSWORD_MIN_LENGTH,
            max=PASSWORD_MAX_LENGTH,
        ),
    )


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=50)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), new_password_length()],
        description=_l("At least %(min)s characters.", min=PASSWORD_MIN_LENGTH),
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The two new passwords differ.")),
        ],
    )
