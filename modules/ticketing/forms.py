"""Forms: parsing and validation of what sellers, auditors and managers type.

Money is typed in yuan ("1,234.50") and parsed to fen by ``YuanField``; it is
never a float.
"""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
)
from wtforms.widgets import CheckboxInput, ListWidget

from modules.ticketing.models import MAX_ENTRIES, MAX_QUANTITY, MAX_SERIAL, Payment
from parkops.conflicts import Fingerprinted
from parkops.forms import DayField, YuanField, halfwidth

CODE = Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Letters, digits, - and _ only."))
SERIAL = NumberRange(min=1, max=MAX_SERIAL, message=_l("Not a ticket serial number."))
VENUE_WEIGHTS = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*(?::\s*(\d+))?\s*$")


class Typed(InputRequired):
    """Required amount: refused when nothing (or only spaces) was typed, so 0 must be
    typed. Marks the input ``required`` like InputRequired; unlike it, "  " is refused
    (YuanField reads it as None)."""

    def __init__(self, message=None):
        super().__init__(message or _l("Type the amount counted; 0 if none."))

    def __call__(self, form, field):
        if field.data is None and not field.process_errors:
            raise StopValidation(self.message)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# --- the seller ------------------------------------------------------------------------------


class OpenShiftForm(FlaskForm):
    window_id = SelectField(_l("Window"), coerce=int, validators=[InputRequired()])
    opening_float = YuanField(
        _l("Opening float (¥)"),
        validators=[InputRequired()],
        description=_l("The change in the drawer when you start; counted again at the close."),
    )


class TakeRangeForm(FlaskForm):
    product_id = SelectField(_l("Ticket"), coerce=int, validators=[InputRequired()])
    first = IntegerField(_l("First serial"), validators=[InputRequired(), SERIAL])
    last = IntegerField(_l("Last serial"), validators=[InputRequired(), SERIAL])


class ReturnForm(FlaskForm):
    first_unsold = IntegerField(
        _l("First unsold serial"),
        validators=[InputRequired(), SERIAL],
        description=_l("The last serial + 1 when everything was sold."),
    )


class ConfirmReturnForm(FlaskForm):
    """The stock keeper's count of a returned remainder."""

    first_seen = IntegerField(
        _l("First serial seen"),
        validators=[InputRequired(), SERIAL],
        description=_l("The range's last serial + 1 when nothing came back."),
    )
    last_seen = IntegerField(
        _l("Last serial seen"),
        validators=[Optional(), SERIAL],
        description=_l("Empty when nothing came back."),
    )


class VoidForm(FlaskForm):
    product_id = SelectField(_l("Ticket"), coerce=int, validators=[InputRequired()])
    serial = IntegerField(_l("Serial"), validators=[InputRequired(), SERIAL])
    reason = StringField(
        _l("Why it is spoiled"), filters=[_strip], validators=[DataRequired(), Length(max=300)]
    )


class DecideForm(FlaskForm):
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))


class CountForm(FlaskForm):
    """The blind count: every method, before anything expected is shown. Every method
    must be typed, 0 included: an empty field is a method forgotten, not ¥0 counted, and
    a count taken as ¥0 would close the shift short with no one having counted."""

    cash = YuanField(
        _l("Cash in the drawer (¥)"),
        validators=[Typed()],
        description=_l("All notes and coins, the opening float included."),
    )
    card = YuanField(
        _l("Bank card, POS total (¥)"),
        validators=[Typed()],
        description=_l("0 if none."),
    )
    wechat = YuanField(
        _l("WeChat Pay total (¥)"),
        validators=[Typed()],
        description=_l("0 if none."),
    )
    alipay = YuanField(
        _l("Alipay total (¥)"),
        validators=[Typed()],
        description=_l("0 if none."),
    )
    other = YuanField(
        _l("Other: vouchers, accounts (¥)"),
        validators=[Typed()],
        description=_l("0 if none."),
    )

    def counted(self) -> dict[Payment, int]:
        """Fen per method (every field is required, so each holds a number)."""
        return {m: getattr(self, m.value).data for m in Payment}


class ExplainForm(FlaskForm):
    explanation = TextAreaField(
        _l("Your explanation of the difference"),
        filters=[_strip],
        validators=[DataRequired(), Length(min=5, max=2000)],
    )


class SalesImportForm(FlaskForm):
    file = FileField(_l("Sales file (.csv or .xlsx)"), validators=[FileRequired()])


# --- the auditor ------------------------------------------------------------------------------


class GateImportForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=int, validators=[InputRequired()])
    file = FileField(_l("Gate counts (.csv or .xlsx)"), validators=[FileRequired()])


class GateCountForm(FlaskForm):
    venue_id = SelectField(_l("Venue"), coerce=int, validators=[InputRequired()])
    entries = IntegerField(
        _l("Entries counted"), validators=[InputRequired(), NumberRange(min=0, max=MAX_ENTRIES)]
    )


class DepositForm(FlaskForm):
    amount = YuanField(_l("Amount deposited (¥)"), validators=[InputRequired()])
    slip_number = StringField(
        _l("Bank slip number"),
        filters=[_strip, halfwidth],
        validators=[DataRequired(), Length(max=60)],
    )


class FindingForm(FlaskForm):
    text = TextAreaField(
        _l("Finding"), filters=[_strip], validators=[DataRequired(), Length(min=5, max=2000)]
    )
    shift_id = SelectField(_l("Shift concerned"), coerce=int, validators=[Optional()])
    amount = YuanField(
        _l("Amount concerned (¥)"),
        validators=[Optional()],
        allow_negative=True,
        description=_l("Negative for a shortfall."),
    )
    flag_key = SelectField(_l("About the flag"), validators=[Optional()])


class ResolveForm(FlaskForm):
    resolution = StringField(
        _l("How it was resolved"), filters=[_strip], validators=[DataRequired(), Length(min=5)]
    )


class SignOffForm(FlaskForm):
    """The flags ticked as reviewed come as a list of ``reviewed`` keys."""


class SaleCorrectionForm(FlaskForm):
    office_id = SelectField(_l("Office"), coerce=int, validators=[InputRequired()])
    product_id = SelectField(_l("Product"), coerce=int, validators=[InputRequired()])
    seller_id = SelectField(_l("Seller"), coerce=int, validators=[Optional()])
    status = SelectField(_l("Adds"), validators=[InputRequired()])
    payment = SelectField(_l("Payment"), validators=[InputRequired()])
    quantity = IntegerField(
        _l("Quantity"), validators=[InputRequired(), NumberRange(min=1, max=MAX_QUANTITY)]
    )
    amount = YuanField(_l("Amount (¥)"), validators=[InputRequired()])
    first_serial = IntegerField(
        _l("First serial (printed tickets)"), validators=[Optional(), SERIAL]
    )
    last_serial = IntegerField(_l("Last serial"), validators=[Optional(), SERIAL])
    reverses_serial = IntegerField(
        _l("Refund of the sale of serial"), validators=[Optional(), SERIAL]
    )
    reverses_line = IntegerField(
        _l("or of the sales line no."), validators=[Optional(), NumberRange(min=1)]
    )
    reason = TextAreaField(
        _l("Reason"), filters=[_strip], validators=[DataRequired(), Length(min=5, max=2000)]
    )


class GateCorrectionForm(FlaskForm):
    venue_id = SelectField(_l("Venue"), coerce=int, validators=[InputRequired()])
    entries = IntegerField(
        _l("Entries counted"), validators=[InputRequired(), NumberRange(min=0, max=MAX_ENTRIES)]
    )
    reason = TextAreaField(
        _l("Reason"), filters=[_strip], validators=[DataRequired(), Length(min=5, max=2000)]
    )


class DepositCorrectionForm(FlaskForm):
    amount = YuanField(_l("Amount deposited (¥)"), validators=[InputRequired()])
    slip_number = StringField(
        _l("Bank slip number"),
        filters=[_strip, halfwidth],
        validators=[DataRequired(), Length(max=60)],
    )
    reason = TextAreaField(
        _l("Reason"), filters=[_strip], validators=[DataRequired(), Length(min=5, max=2000)]
    )


# --- the manager ------------------------------------------------------------------------------


class VenueForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=int, validators=[InputRequired()])
    code = StringField(
        _l("Code"), filters=[_strip, halfwidth], validators=[DataRequired(), Length(max=30), CODE]
    )
    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(), Length(max=100)])


class ProductForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=int, validators=[InputRequired()])
    code = StringField(
        _l("Code"),
        filters=[_strip, halfwidth],
        validators=[DataRequired(), Length(max=30), CODE],
        description=_l("As it appears in the sales files."),
    )
    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(), Length(max=100)])
    kind = SelectField(_l("Kind"), validators=[InputRequired()])
    venues = StringField(
        _l("Venues it admits to"),
        filters=[_strip],
        validators=[Length(max=300)],
        description=_l(
            "Venue codes, separated by commas; for a combined ticket each with its revenue "
            "weight, e.g. GATE:40, ZOO:60. Empty for cards and passes."
        ),
    )
    serialised = BooleanField(_l("Sold from printed, numbered stock"))
    id_check = StringField(
        _l("ID check"),
        filters=[_strip],
        validators=[Length(max=200)],
        description=_l("For free or concession entries: what the seller checks."),
    )
    price = YuanField(_l("Price (¥)"), validators=[InputRequired()])
    valid_from = DayField(_l("Price valid from"), validators=[InputRequired()])

    def venue_weights(self) -> list[tuple[str, int]] | None:
        """[(code, weight)], or None (with an error on the field) when it does not parse."""
        result = []
        for part in filter(None, (p.strip() for p in (self.venues.data or "").split(","))):
            match = VENUE_WEIGHTS.match(part)
            if not match or (match.group(2) is not None and int(match.group(2)) < 1):
                self.venues.errors = [
                    *self.venues.errors,
                    _l("Write venue codes like GATE or GATE:40, separated by commas."),
                ]
                return None
            result.append((match.group(1), int(match.group(2) or 1)))
        return result


class ProductEditForm(Fingerprinted, FlaskForm):
    """A product's name, ID check and whether it is still sold; the page carries the
    fingerprint of what it showed (parkops.conflicts)."""

    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(), Length(max=100)])
    id_check = StringField(_l("ID check"), filters=[_strip], validators=[Length(max=200)])
    active = BooleanField(_l("Still sold"))


class PriceForm(FlaskForm):
    price = YuanField(_l("New price (¥)"), validators=[InputRequired()])
    valid_from = DayField(_l("Valid from"), validators=[InputRequired()])


class OfficeForm(FlaskForm):
    site_id = SelectField(_l("Site"), coerce=int, validators=[InputRequired()])
    code = StringField(
        _l("Code"),
        filters=[_strip, halfwidth],
        validators=[DataRequired(), Length(max=30), CODE],
        description=_l("As it appears in the sales files."),
    )
    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(), Length(max=100)])


class WindowForm(FlaskForm):
    name = StringField(
        _l("New window"), filters=[_strip], validators=[DataRequired(), Length(max=50)]
    )


class SellersForm(FlaskForm):
    sellers = MultiCheckboxField(_l("Sellers"), coerce=int)


class RollForm(FlaskForm):
    product_id = SelectField(_l("Ticket"), coerce=int, validators=[InputRequired()])
    first = IntegerField(_l("First serial"), validators=[InputRequired(), SERIAL])
    last = IntegerField(_l("Last serial"), validators=[InputRequired(), SERIAL])
    received_on = DayField(_l("Received on"), validators=[InputRequired()])
    note = StringField(_l("Note"), filters=[_strip], validators=[Length(max=200)])


class TerminalsForm(FlaskForm):
    terminals = StringField(_l("Payment terminals"), filters=[_strip], validators=[Length(max=200)])


class StatementImportForm(FlaskForm):
    provider = SelectField(
        _l("Provider"),
        choices=[
            ("wechat", _l("WeChat Pay (trade bill, ALL)")),
            ("alipay", _l("Alipay (business detail)")),
            ("pos", _l("Bank POS settlement report")),
        ],
        validators=[InputRequired()],
    )
    file = FileField(_l("Statement (.csv or .xlsx)"), validators=[FileRequired()])


class StatementExceptionForm(FlaskForm):
    method = SelectField(
        _l("Payment"),
        choices=[(m.value, m.value) for m in (Payment.CARD, Payment.WECHAT, Payment.ALIPAY)],
        validators=[InputRequired()],
    )
    reason = StringField(
        _l("Why there is no statement"),
        filters=[_strip],
        validators=[DataRequired(), Length(min=5, max=500)],
    )
