"""YuanField: money typed in yuan, held as integer fen, in every module's forms."""

import pytest
from flask_babel import force_locale
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectField
from wtforms.validators import DataRequired, Optional

from parkops.forms import YuanField, preselect_only_choice


class AmountForm(FlaskForm):
    amount = YuanField("Amount")
    change = YuanField("Change", allow_negative=True, max_fen=100_00)


def submit(app, **data) -> AmountForm:
    with app.test_request_context(method="POST", data=MultiDict(data)):
        form = AmountForm()
        form.validate()
        return form


@pytest.mark.parametrize(
    ("typed", "fen"), [("1,234.50", 123450), ("1234.5", 123450), (" ¥3.07 ", 307), ("", None)]
)
def test_amounts_are_held_in_fen(app, typed, fen):
    form = submit(app, amount=typed)
    assert form.amount.data == fen and not form.amount.errors


@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [
        ("amount", "12,5", "Not an amount in yuan (e.g. 1,234.50)."),
        ("amount", "1.234", "Not an amount in yuan (e.g. 1,234.50)."),
        ("amount", "-1", "The amount cannot be negative."),
        ("amount", "10000000.01", "The amount is too large."),
        ("change", "100.01", "The amount is too large."),
    ],
)
def test_what_is_not_an_amount_is_refused_on_the_field(app, field, typed, error):
    form = submit(app, **{field: typed})
    with force_locale("en"):
        assert [str(e) for e in form[field].errors] == [error]


def test_negative_amounts_where_allowed_and_the_typed_text_shown_back(app):
    form = submit(app, change="-12.50", amount="12,5")
    assert form.change.data == -1250
    assert form.amount._value() == "12,5"  # what the user typed, to correct it
    with app.test_request_context():
        assert AmountForm(data={"amount": 123450}).amount._value() == "1234.50"


def test_ticketing_uses_the_core_field():
    from modules.ticketing import forms

    assert forms.YuanField is YuanField


def test_a_required_picker_with_one_real_choice_shows_it_chosen_an_optional_one_does_not(app):
    class Picker(FlaskForm):
        required = SelectField(choices=[("", "—"), ("7", "赵强")], validators=[DataRequired()])
        optional = SelectField(choices=[("", "—"), ("7", "赵强")], validators=[Optional()])
        several = SelectField(
            choices=[("", "—"), ("7", "赵强"), ("8", "钱伟")], validators=[DataRequired()]
        )

    with app.test_request_context():
        form = Picker(formdata=None, meta={"csrf": False})
        assert preselect_only_choice(form.required).data == "7"
        assert preselect_only_choice(form.optional).data is None
        assert preselect_only_choice(form.several).data is None


@pytest.mark.parametrize(
    ("typed", "fen"), [("１２３．５", 12350), ("￥１，２３４．５０", 123450), ("35.50", 3550)]
)
def test_full_width_digits_are_money_in_every_form(app, typed, fen):
    """A Chinese input method's digits, as every typed number (parkops.money.parse_yuan):
    the facilities' cost field refused them though its page took them."""
    from modules.facilities.forms import PartForm

    assert submit(app, amount=typed).amount.data == fen
    with app.test_request_context(method="POST", data={"description": "螺栓", "cost": typed}):
        part = PartForm(meta={"csrf": False})
        assert part.validate(), part.errors
