"""Forms: what the merchant manager types at a desk. Amounts are typed in yuan
(YuanField → fen); the turnover share in percent (→ basis points)."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from modules.merchants.contracts import MAX_RENT_FEN
from modules.merchants.documents import DOCUMENT_KINDS
from modules.merchants.texts import (
    BUSINESS_TYPES,
    CYCLES,
    EXIT_REASONS,
    MERCHANT_KINDS,
    RENT_FORMS,
    UNIT_KINDS,
)
from parkops.conflicts import Fingerprinted
from parkops.forms import DayField, YuanField, halfwidth
from parkops.money import MoneyError, parse_yuan


def _strip(value):
    # NUL characters are never meant, and PostgreSQL refuses them in text.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(k.value, label) for k, label in labels.items()]


class MerchantForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=int, validators=[InputRequired()])
    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=_choices(MERCHANT_KINDS))
    business_type = SelectField(_l("Business"), choices=_choices(BUSINESS_TYPES))
    id_code = StringField(
        _l("Unified social credit code or ID number"),
        filters=[_strip, halfwidth],
        validators=[Optional(), Length(max=30)],
        description=_l("Optional; shown masked on lists."),
    )
    contact = StringField(_l("Contact person"), filters=[_strip], validators=[Length(max=60)])
    phone = StringField(_l("Phone"), filters=[_strip, halfwidth], validators=[Length(max=40)])


class UnitForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=int, validators=[InputRequired()])
    code = StringField(
        _l("Code"), filters=[_strip, halfwidth], validators=[DataRequired(), Length(max=30)]
    )
    location = StringField(_l("Location"), filters=[_strip], validators=[Length(max=120)])
    area_m2 = IntegerField(
        _l("Area (m²)"), validators=[InputRequired(), NumberRange(min=1, max=10_000_000)]
    )
    kind = SelectField(_l("Kind"), choices=_choices(UNIT_KINDS))


class ContractForm(FlaskForm):
    number = StringField(
        _l("Contract number"),
        filters=[_strip, halfwidth],
        validators=[DataRequired(), Length(max=40)],
    )
    unit_ids = SelectMultipleField(_l("Units"), coerce=int, validators=[DataRequired()])
    starts_on = DayField(_l("First day"), validators=[InputRequired()])
    ends_on = DayField(_l("Last day"), validators=[InputRequired()])
    rent_form = SelectField(_l("Rent"), choices=_choices(RENT_FORMS))
    cycle = SelectField(_l("Payment cycle"), choices=_choices(CYCLES))
    rent = YuanField(
        _l("Rent per period, first year (yuan)"),
        validators=[InputRequired()],
        max_fen=MAX_RENT_FEN,
        description=_l("For a share of turnover: the minimum per period."),
    )
    steps = TextAreaField(
        _l("Stepped rent for later years"),
        filters=[_strip],
        validators=[Length(max=2000)],
        description=_l(
            "One line per contract year from the second on: the rent per period in yuan."
        ),
    )
    turnover_share = DecimalField(
        _l("Share of turnover (%)"),
        places=2,
        validators=[Optional(), NumberRange(min=Decimal("0.01"), max=Decimal(100))],
    )
    deposit = YuanField(_l("Deposit (yuan)"), max_fen=MAX_RENT_FEN)
    service = YuanField(_l("Service charge per period (yuan)"), max_fen=MAX_RENT_FEN)
    note = TextAreaField(_l("Note"), filters=[_strip], validators=[Length(max=2000)])

    def validate_steps(self, field) -> None:
        self.step_fen = {}
        for n, line in enumerate(x for x in (field.data or "").splitlines() if x.strip()):
            try:
                fen = parse_yuan(line.strip())
            except MoneyError as exc:
                # ValidationError, not ValueError: WTForms 3 lets a ValueError from an
                # inline validator escape (a 500) instead of marking the field.
                raise ValidationError(
                    _l("Line %(line)d is not an amount in yuan (e.g. 1,234.50).", line=n + 1)
                ) from exc
            self.step_fen[n + 2] = fen

    @property
    def share_bp(self) -> int:
        return int(self.turnover_share.data * 100) if self.turnover_share.data else 0


class ContractEditForm(Fingerprinted, ContractForm):
    """Editing a draft contract: the page carries the fingerprint of what it showed."""


class AmendmentForm(FlaskForm):
    effective_on = DayField(_l("Takes effect on"), validators=[InputRequired()])
    rent = YuanField(
        _l("Rent per period from then (yuan)"), validators=[InputRequired()], max_fen=MAX_RENT_FEN
    )
    service = YuanField(_l("Service charge per period (yuan)"), max_fen=MAX_RENT_FEN)
    reason = TextAreaField(
        _l("Reason"), filters=[_strip], validators=[DataRequired(), Length(max=2000)]
    )


class ImportForm(FlaskForm):
    file = FileField(_l("File (.xlsx, .xls or .csv)"), validators=[FileRequired()])
    site_id = SelectField(_l("Site of rows without one"), coerce=int, validators=[InputRequired()])


class ScanForm(FlaskForm):
    file = FileField(
        _l("Signed scan (PDF or photo)"),
        validators=[FileRequired()],
        description=_l("A new file replaces the one shown."),
    )


class DocumentForm(FlaskForm):
    kind = SelectField(_l("Document"), choices=_choices(DOCUMENT_KINDS))
    number = StringField(
        _l("Document number"), filters=[_strip, halfwidth], validators=[Length(max=60)]
    )
    issued_on = DayField(_l("Issued on"), validators=[InputRequired()])
    valid_until = DayField(
        _l("Valid until"),
        validators=[Optional()],
        description=_l("Leave empty for a long-term document (长期)."),
    )
    file = FileField(_l("File (PDF or photo)"), validators=[FileRequired()])


class TurnoverForm(FlaskForm):
    period = SelectField(_l("Period"), validators=[InputRequired()])
    turnover = YuanField(
        _l("Turnover of the period (yuan)"), validators=[InputRequired()], max_fen=10**12
    )


class ExitPhotosForm(FlaskForm):
    photos = MultipleFileField(_l("Photos of the unit handed back"))


class RenewForm(FlaskForm):
    number = StringField(
        _l("New contract number"),
        filters=[_strip, halfwidth],
        validators=[DataRequired(), Length(max=40)],
    )
    ends_on = DayField(_l("Last day of the new term"), validators=[InputRequired()])


class ExitForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=_choices(EXIT_REASONS))
    notice_on = DayField(_l("Notice given on"), validators=[InputRequired()])
    ends_on = DayField(_l("Last day"), validators=[InputRequired()])
    note = TextAreaField(_l("Note"), filters=[_strip], validators=[Length(max=2000)])


class CloseExitForm(FlaskForm):
    utilities_read = BooleanField(_l("Water and electricity meters read"))
    unit_returned = BooleanField(_l("Unit handed back"))
    buyback = YuanField(_l("Assets bought back (yuan)"), max_fen=MAX_RENT_FEN)
    deposit_refund = YuanField(_l("Deposit refunded (yuan)"), max_fen=MAX_RENT_FEN)
