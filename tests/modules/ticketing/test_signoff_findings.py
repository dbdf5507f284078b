"""Issue 14: serious flags (missing serials, serials sold outside the ranges) need a finding
resolved with its outcome before the day is signed off; the sign-off button says why it
waits; the ledger counts serious flags a signed day closed without a finding."""

import re

import pytest

from modules.ticketing import corrections, indicators, shifts
from modules.ticketing.days import findings, gate_and_deposit, reconciliation, signoff
from modules.ticketing.days.record import day_record
from modules.ticketing.errors import TicketingError
from modules.ticketing.imports import import_sales
from modules.ticketing.models import Payment
from parkops.extensions import db
from parkops.timeutil import business_day

from .conftest import csv_bytes, sale

pytestmark = pytest.mark.usefixtures("english")

FLOAT = 50_000
ZERO = dict.fromkeys(Payment, 0)


def day_with_missing_serials(world):
    """Zoo serials 5000–5009 issued; 5000, 5001, 5003 sold; 5002 unaccounted for; the gate
    and the deposit agree."""
    shift = world.open()
    issue = world.take(shift, world.zoo_ticket, 5000, 5009)
    rows = [sale(world, world.zoo_ticket, serial=s) for s in (5000, 5001, 5003)]
    assert import_sales("z.csv", csv_bytes(rows), world.seller).ok
    world.give_back(issue, 5004)
    shifts.count_blind(shift, {**ZERO, Payment.CASH: FLOAT + 3 * 6000}, world.seller)
    day = day_record(world.site.id, business_day())
    gate_and_deposit.record_gate_count(day, world.zoo, 3, world.auditor)
    gate_and_deposit.record_deposit(day, 18_000, "SLIP-1", world.manager)
    return day, shift


def test_a_serious_flag_ticked_without_a_finding_does_not_sign_off(world):
    day, shift = day_with_missing_serials(world)
    flags = reconciliation.day_figures(day).flags
    (missing,) = [f for f in flags if f.key.startswith("missing:")]
    keys = {f.key for f in flags}
    with pytest.raises(TicketingError, match="Write a finding about this flag"):
        signoff.sign_off(day, keys, world.auditor)
    finding = findings.add_finding(
        day, "Ticket 5002 not found.", world.auditor, shift=shift, flag_key=missing.key
    )
    with pytest.raises(TicketingError, match="resolve it with its outcome"):
        signoff.sign_off(day, keys, world.auditor)
    findings.resolve_finding(finding, "Seller repaid ¥60; warned.", world.auditor2)
    signoff.sign_off(day, keys, world.auditor)
    assert day.signed


def test_the_disabled_sign_off_button_says_which_flag_waits_for_a_finding(world, as_user):
    day, _shift = day_with_missing_serials(world)
    page = as_user(world.auditor).get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    flags = page[page.index('id="flags"') : page.index('id="findings"')]
    button = re.search(r"<button[^>]*>Sign off the day</button>", flags).group(0)
    assert "disabled" in button
    why = flags[flags.index('id="sign-blocked"') :]
    assert "waits for a finding, resolved with its outcome" in why and "5002" in why


def test_the_ledger_counts_serious_flags_a_signed_day_closed_without_a_finding(world):
    day, _shift = day_with_missing_serials(world)
    assert indicators.open_discrepancies(frozenset({world.site.id})) == ("0 open", True)
    # A day signed before findings were required: its serious flag was only ticked.
    flags = reconciliation.day_figures(day).flags
    day.signed_figures = signoff.snapshot(reconciliation.day_figures(day))
    day.status = "signed"
    db.session.commit()
    assert any(f.serious for f in flags)
    assert indicators.open_discrepancies(frozenset({world.site.id})) == ("1 open", False)
    assert indicators.open_discrepancies(frozenset({world.other_site.id})) == ("0 open", True)


def test_a_gate_count_corrections_history_shows_requester_and_approver(world, as_user):
    day, shift = day_with_missing_serials(world)
    (missing,) = [f for f in reconciliation.day_figures(day).flags if f.serious]
    finding = findings.add_finding(day, "5002 lost.", world.auditor, flag_key=missing.key)
    findings.resolve_finding(finding, "Repaid by the seller.", world.auditor2)
    signoff.sign_off(day, {missing.key}, world.auditor)
    asked = corrections.request_correction(
        day, corrections.GateCorrection(world.zoo, 5), "Turnstile missed two.", world.auditor
    )
    corrections.decide_correction(asked, True, world.leader)
    page = as_user(world.auditor2).get(f"/ticketing/days/{day.id}").get_data(as_text=True)
    assert "asked by Auditor One, approved by Leader1" in page
