"""Codes and numbers typed with a Chinese input method (full-width "ｐ－００１",
"１３８ ００１３") are the ASCII they mean (``parkops.forms.halfwidth``, NFKC) in
every form that takes one: a unit, facility, zone, venue, product, office or site
code, a contract or document number, a credit code, a phone, a receipt or slip
number, a work order's reference. Before, "ＰＳＹ－００１" was stored as typed: a
second record under a look-alike code, a search for "PSY-001" that missed it."""

import pytest
from werkzeug.datastructures import MultiDict

from modules.facilities import forms as facilities
from modules.greening import forms as greening
from modules.merchants import forms as merchants
from modules.receivables import forms as receivables
from modules.ticketing import forms as ticketing
from parkops.auth import admin_forms

TYPED, MEANT = " ＰＳＹ－００１ ", "PSY-001"

FIELDS = [
    (facilities.FacilityForm, "code"),
    (facilities.TypeForm, "code"),
    (facilities.VisitorReportForm, "phone"),
    (facilities.StatusForm, "ref"),
    (greening.ZoneForm, "code"),
    (merchants.MerchantForm, "id_code"),
    (merchants.MerchantForm, "phone"),
    (merchants.UnitForm, "code"),
    (merchants.ContractForm, "number"),
    (merchants.DocumentForm, "number"),
    (merchants.RenewForm, "number"),
    (receivables.DebtorForm, "id_code"),
    (receivables.DebtorForm, "phone"),
    (receivables.PaymentForm, "receipt_no"),
    (ticketing.DepositForm, "slip_number"),
    (ticketing.DepositCorrectionForm, "slip_number"),
    (ticketing.VenueForm, "code"),
    (ticketing.ProductForm, "code"),
    (ticketing.OfficeForm, "code"),
    (admin_forms.SiteForm, "code"),
]


@pytest.mark.parametrize(
    ("form_class", "name"), FIELDS, ids=[f"{c.__name__}.{n}" for c, n in FIELDS]
)
def test_a_full_width_code_is_read_as_ascii(app, form_class, name):
    with app.test_request_context(method="POST"):
        form = form_class(formdata=MultiDict({name: TYPED}), meta={"csrf": False})
        assert form[name].data == MEANT
