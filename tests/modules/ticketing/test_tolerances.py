"""The auditor's thresholds of the blind count on the core's /settings/ticketing:
typed in yuan, kept in fen, refused together when the second count sits below the
tolerance; the old thresholds page leads there."""

import re

from sqlalchemy import select

from parkops import module_settings
from parkops.audit import AuditEntry
from parkops.extensions import db

PAGE = "/settings/ticketing"


def test_the_old_thresholds_address_leads_to_the_settings_page(world, as_user):
    client = as_user(world.auditor)
    for method in ("GET", "POST"):
        response = client.open("/ticketing/settings", method=method)
        assert response.status_code == 308
        assert response.headers["Location"] == PAGE


def test_the_auditor_sets_the_thresholds_in_yuan(world, as_user):
    client = as_user(world.auditor)
    page = client.get(PAGE).get_data(as_text=True)
    assert 'name="tolerance_fen" value="10.00" inputmode="decimal"' in page  # the defaults
    assert 'name="second_count_fen" value="100.00"' in page
    nav = re.search(r'<nav class="subnav".*?</nav>', page, re.S).group(0)
    assert re.findall(r'aria-current="page">([^<]+)<', nav) == ["Thresholds"]
    data = {"tolerance_fen": "0.50", "second_count_fen": "1,200"}
    assert client.post(PAGE, data=data).status_code == 303
    assert module_settings.get("ticketing.tolerance_fen") == 50
    assert module_settings.get("ticketing.second_count_fen") == 120_000
    assert 'name="second_count_fen" value="1200.00"' in client.get(PAGE).get_data(as_text=True)
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (entry.action, entry.actor_id) == ("settings.changed", world.auditor.id)
    assert entry.details == {
        "ticketing.tolerance_fen": "¥0.50",  # the audit log shows amounts in yuan
        "ticketing.second_count_fen": "¥1,200.00",
    }


def test_a_second_count_below_the_tolerance_is_refused_and_nothing_stored(world, as_user):
    client = as_user(world.auditor)
    response = client.post(PAGE, data={"tolerance_fen": "50", "second_count_fen": "20"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The second-count threshold cannot be below the tolerance for explanations." in page
    assert 'name="tolerance_fen" value="50"' in page  # kept to be corrected
    assert module_settings.get("ticketing.tolerance_fen") == 1_000
    assert module_settings.get("ticketing.second_count_fen") == 10_000


def test_an_amount_with_a_decimal_comma_is_refused_never_read_as_more(world, as_user):
    client = as_user(world.auditor)
    response = client.post(PAGE, data={"tolerance_fen": "12,5", "second_count_fen": "100"})
    assert response.status_code == 422
    assert "Not an amount in yuan" in response.get_data(as_text=True)
    assert module_settings.get("ticketing.tolerance_fen") == 1_000
