"""Form fields every module shares."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DateTimeLocalField,
    Field,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import StopValidation

from parkops.money import MoneyError, fen_to_decimal, parse_yuan
from parkops.query_args import EARLIEST, LATEST, OUT_OF_RANGE, date_in_range, half_width

MAX_FORM_FEN = 10**9  # ¥10,000,000: above any one line, count or deposit a person types


class YuanField(StringField):
    """An amount typed in yuan ("1,234.50"), held as fen: ``data`` is an int, or None
    when empty (pair with InputRequired to require it). Refused with a message on
    the field: anything parse_yuan refuses (e.g. "12,5"), a negative amount unless
    ``allow_negative``, more than ``max_fen``."""

    def __init__(
        self, label=None, validators=None, allow_negative=False, max_fen=MAX_FORM_FEN, **kwargs
    ):
        super().__init__(label, validators, **kwargs)
        self.allow_negative = allow_negative
        self.max_fen = max_fen

    def process_formdata(self, valuelist):
        self.raw = valuelist[0].strip() if valuelist else ""
        if not self.raw:
            self.data = None
            return
        try:
            self.data = parse_yuan(self.raw)
        except MoneyError as exc:
            self.data = None
            raise ValueError(_l("Not an amount in yuan (e.g. 1,234.50).")) from exc
        if self.data < 0 and not self.allow_negative:
            raise ValueError(_l("The amount cannot be negative."))
        if abs(self.data) > self.max_fen:
            raise ValueError(_l("The amount is too large."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(fen_to_decimal(self.data))


def preselect_only_choice(field: Field) -> Field:
    """``field`` itself; when it is a required picker with nothing chosen and exactly one
    real choice (not a blank "—" placeholder), that choice becomes its data. A phone's
    multi-select otherwise shows its only entry unchosen and the browser refuses the
    submit ("please select an item"). Called by the ``field`` macro when rendering."""
    if not isinstance(field, SelectField) or not field.flags.required:  # multi-select too
        return field
    if field.data not in (None, "", []) or getattr(field, "has_groups", lambda: False)():
        return field
    values = [choice[0] for choice in field.iter_choices() if choice[0] not in (None, "")]
    if len(values) == 1:
        chosen = field.coerce(values[0])
        field.data = [chosen] if isinstance(field, SelectMultipleField) else chosen
    return field


def halfwidth(value):
    """A WTForms filter for a code or number a person types (a code, a contract or
    document number, a phone, a receipt or slip number): a Chinese input method's
    full-width forms as the ASCII they mean ("ｐ－００１" is "p-001", "１３８" "138",
    ``query_args.half_width``: not NFKC, which reads "①" as 1 and "²" as 2); anything
    not text (None) as it is."""
    return half_width(value) if isinstance(value, str) else value


class _Bounded:
    """What DayField and MomentField share: the date refused outside EARLIEST–LATEST
    (``parkops.query_args``, the range of every date a page takes) as the field's own
    error, so no form can hand year 1 or 9999 to a date computation; and the input's
    min and max, so the phone's picker offers the same range."""

    bounds: tuple[str, str]

    def __init__(self, label=None, validators=None, **kwargs):
        low, high = self.bounds
        kwargs["render_kw"] = {"min": low, "max": high, **(kwargs.get("render_kw") or {})}
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        day = self.data.date() if isinstance(self.data, datetime) else self.data
        if day is not None and not date_in_range(day):
            self.data = None  # as wtforms leaves a date it cannot read
            raise ValueError(OUT_OF_RANGE)

    def pre_validate(self, form):
        # The range error alone: DataRequired would replace it with "required" (the
        # data is None), and a form's own check would be handed a None date.
        if OUT_OF_RANGE in self.process_errors:
            raise StopValidation()


class DayField(_Bounded, DateField):
    """A date typed in a form (``<input type="date">``): ``data`` a local date or None;
    refused with "Enter a date between 2000 and 2100." outside that range. Every form's
    date is one (tests/test_form_dates.py walks them)."""

    bounds = (EARLIEST.isoformat(), LATEST.isoformat())


class MomentField(_Bounded, DateTimeLocalField):
    """A local date and time typed in a form (``<input type="datetime-local">``):
    ``data`` a naive local datetime or None; its date bounded as DayField's."""

    bounds = (f"{EARLIEST.isoformat()}T00:00", f"{LATEST.isoformat()}T23:59")
