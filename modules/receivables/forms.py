"""Forms: what finance types at a desk. Amounts are typed in yuan (YuanField → fen)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from modules.receivables.ledger import MAX_AMOUNT_FEN
from modules.receivables.models import DebtorKind, FollowUpKind, PaymentMethod, ReceivableKind
from modules.receivables.texts import (
    DEBTOR_KINDS,
    FOLLOW_UP_KINDS,
    PAYMENT_METHODS,
    RECEIVABLE_KINDS,
)
from parkops.forms import DayField, YuanField, halfwidth


def _strip(value):
    # NUL characters are never meant, and PostgreSQL refuses them in text.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class DebtorForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=int, validators=[InputRequired()])
    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(), Length(max=120)])
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(k.value, label) for k, label in DEBTOR_KINDS.items()]
    )
    id_code = StringField(
        _l("Unified social credit code or ID number"),
        filters=[_strip, halfwidth],
        validators=[Optional(), Length(max=30)],
        description=_l("Optional; shown masked on lists."),
    )
    contact = StringField(_l("Contact person"), filters=[_strip], validators=[Length(max=60)])
    phone = StringField(_l("Phone"), filters=[_strip, halfwidth], validators=[Length(max=40)])
    address = StringField(_l("Address"), filters=[_strip], validators=[Length(max=200)])
    account_id = SelectField(
        _l("The staff member's account"),
        coerce=_optional_int,
        validate_choice=False,
        description=_l("A staff member is reminded there to clear an advance."),
    )

    @property
    def debtor_kind(self) -> DebtorKind:
        return DebtorKind(self.kind.data)


class ReceivableForm(FlaskForm):
    debtor_id = SelectField(_l("Debtor"), coerce=int, validators=[InputRequired()])
    site_id = SelectField(_l("Site"), coerce=int, validators=[InputRequired()])
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(k.value, label) for k, label in RECEIVABLE_KINDS.items()]
    )
    origin = StringField(
        _l("Origin"),
        filters=[_strip],
        validators=[Length(max=200)],
        description=_l("The document it comes from: contract or approval number."),
    )
    amount = YuanField(_l("Amount (yuan)"), validators=[InputRequired()], max_fen=MAX_AMOUNT_FEN)
    raised_on = DayField(_l("Raised on"), validators=[InputRequired()])
    due_on = DayField(_l("Due on"), validators=[InputRequired()])
    department_id = SelectField(_l("Department"), coerce=_optional_int, validate_choice=False)
    handler_id = SelectField(_l("Handler"), coerce=_optional_int, validate_choice=False)
    note = TextAreaField(_l("Note"), filters=[_strip], validators=[Length(max=2000)])
    files = MultipleFileField(_l("Scans (contract, IOU, approval)"))

    @property
    def receivable_kind(self) -> ReceivableKind:
        return ReceivableKind(self.kind.data)


class ImportForm(FlaskForm):
    file = FileField(_l("File (.xlsx, .xls or .csv)"), validators=[FileRequired()])
    site_id = SelectField(_l("Site of rows without one"), coerce=int, validators=[InputRequired()])


class PaymentForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=int, validators=[InputRequired()])
    paid_on = DayField(_l("Paid on"), validators=[InputRequired()])
    amount = YuanField(_l("Amount (yuan)"), validators=[InputRequired()], max_fen=MAX_AMOUNT_FEN)
    method = SelectField(
        _l("Method"), choices=[SelectChoice(m.value, label) for m, label in PAYMENT_METHODS.items()]
    )
    receipt_no = StringField(
        _l("Receipt number"), filters=[_strip, halfwidth], validators=[Length(max=40)]
    )
    note = TextAreaField(_l("Note"), filters=[_strip], validators=[Length(max=2000)])
    receivable_ids = SelectMultipleField(
        _l("Apply to"),
        coerce=int,
        validate_choice=False,
        description=_l("None ticked: the oldest first."),
    )

    @property
    def payment_method(self) -> PaymentMethod:
        return PaymentMethod(self.method.data)


class ReversalForm(FlaskForm):
    reason = TextAreaField(
        _l("Why reverse it"), filters=[_strip], validators=[DataRequired(), Length(max=2000)]
    )


class DecisionForm(FlaskForm):
    """Approve or refuse a reversal: the button pressed says which."""


class FollowUpForm(FlaskForm):
    """One follow-up: the date and amount only for a promise to pay (the service checks
    them: a date today or later, an amount above zero within the balance)."""

    kind = SelectField(
        _l("What happened"),
        choices=[SelectChoice(k.value, label) for k, label in FOLLOW_UP_KINDS.items()],
    )
    note = TextAreaField(_l("Note"), filters=[_strip], validators=[Length(max=2000)])
    promised_on = DayField(_l("Promised to pay by"), validators=[Optional()])
    promised = YuanField(
        _l("Amount promised (yuan)"), validators=[Optional()], max_fen=MAX_AMOUNT_FEN
    )

    @property
    def follow_up_kind(self) -> FollowUpKind:
        return FollowUpKind(self.kind.data)
