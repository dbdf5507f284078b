"""Forms of the weekly report and the public notice."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from parkops.conflicts import Versioned
from parkops.forms import DayField

NOTE_MAX = 5000
PART_MAX = 20000


class SubmitForm(FlaskForm):
    week = DayField(_l("Week starting"), validators=[InputRequired()])
    covering_note = TextAreaField(
        _l("Covering note"),
        validators=[
            DataRequired(_l("Write a covering note for the inspection team.")),
            Length(max=NOTE_MAX),
        ],
        description=_l(
            "Sent with the report: what this week's work came to, what needs attention."
        ),
    )


class NoticeForm(Versioned, FlaskForm):
    """The notice's parts; each problem's 整改情况 text is read from ``problem-<code>``."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    intro = TextAreaField(_l("Opening"), validators=[Length(max=PART_MAX)])
    counts = TextAreaField(_l("The counts"), validators=[DataRequired(), Length(max=PART_MAX)])
    practice = TextAreaField(_l("一、How the work was done"), validators=[Length(max=PART_MAX)])
    plans = TextAreaField(_l("三、Next steps"), validators=[Length(max=PART_MAX)])
    closing = TextAreaField(_l("Closing (contacts)"), validators=[Length(max=PART_MAX)])
    signature = StringField(_l("Issued by"), validators=[DataRequired(), Length(max=200)])


class PublishForm(FlaskForm):
    version = IntegerField(validators=[InputRequired()])
