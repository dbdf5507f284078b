"""The rent schedule: periods clipped to the term, stepped rents by contract year,
leap-year starts, amendments from their date; each instalment raised once as a
receivable, even when the job runs twice or late."""

from datetime import date

import pytest
from sqlalchemy import func, select

from modules.merchants import contracts, jobs, schedule
from modules.merchants.errors import MerchantsError
from modules.merchants.models import Contract, Cycle, Instalment, RentForm, RentStep
from modules.receivables.models import Receivable
from parkops.extensions import db


def terms(starts_on, ends_on, cycle=Cycle.MONTHLY, rent_fen=1_000_00, steps=(), service_fen=0):
    return Contract(
        starts_on=starts_on,
        ends_on=ends_on,
        cycle=cycle,
        rent_fen=rent_fen,
        service_fen=service_fen,
        rent_form=RentForm.FIXED,
        steps=[RentStep(year=y, rent_fen=f) for y, f in steps],
    )


def test_quarters_across_a_year_boundary_with_the_last_cut_short_pro_rata():
    periods = schedule.periods(terms(date(2025, 11, 15), date(2026, 6, 14), Cycle.QUARTERLY))
    assert [(p.starts_on, p.ends_on, p.amount_fen) for p in periods] == [
        (date(2025, 11, 15), date(2026, 2, 14), 1_000_00),
        (date(2026, 2, 15), date(2026, 5, 14), 1_000_00),
        # 31 of the 92 days from 15 May to 14 August: ¥336.96
        (date(2026, 5, 15), date(2026, 6, 14), 336_96),
    ]
    assert all(p.due_on == p.starts_on for p in periods)  # paid in advance


def test_stepped_rent_changes_with_the_contract_year_not_the_calendar_year():
    contract = terms(
        date(2025, 7, 1),
        date(2028, 6, 30),
        Cycle.YEARLY,
        10_000_00,
        [(2, 11_000_00), (3, 12_000_00)],
    )
    assert [(p.starts_on, p.amount_fen) for p in schedule.periods(contract)] == [
        (date(2025, 7, 1), 10_000_00),
        (date(2026, 7, 1), 11_000_00),
        (date(2027, 7, 1), 12_000_00),
    ]


def test_a_lease_from_29_february_keeps_its_day_in_leap_years():
    contract = terms(date(2024, 2, 29), date(2028, 2, 28), Cycle.YEARLY, 5_000_00, [(2, 6_000_00)])
    periods = schedule.periods(contract)
    assert [(p.starts_on, p.ends_on, p.amount_fen) for p in periods] == [
        (date(2024, 2, 29), date(2025, 2, 27), 5_000_00),
        (date(2025, 2, 28), date(2026, 2, 27), 6_000_00),
        (date(2026, 2, 28), date(2027, 2, 27), 6_000_00),
        (date(2027, 2, 28), date(2028, 2, 28), 6_000_00),
    ]
    monthly = schedule.periods(terms(date(2024, 1, 31), date(2024, 4, 29)))
    assert [p.starts_on for p in monthly] == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
    ]


def test_service_charge_is_added_to_each_instalment():
    periods = schedule.periods(terms(date(2025, 1, 1), date(2025, 3, 31), service_fen=50_00))
    assert [p.amount_fen for p in periods] == [1_050_00] * 3


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def instalments(contract):
    return db.session.execute(
        select(Instalment.starts_on, Instalment.amount_fen, Instalment.receivable_id)
        .where(Instalment.contract_id == contract.id)
        .order_by(Instalment.starts_on)
    ).all()


def test_putting_in_force_raises_what_is_due_and_the_job_raises_each_instalment_once(
    park, make_merchant, make_unit, make_contract, clock
):
    clock(date(2025, 3, 10))
    merchant = make_merchant()
    contract = make_contract(merchant, [make_unit()], "active", ends_on=date(2025, 12, 31))

    rows = instalments(contract)
    assert len(rows) == 12
    assert [r.receivable_id is not None for r in rows[:4]] == [True, True, True, False]
    raised = db.session.scalars(select(Receivable).order_by(Receivable.due_on)).all()
    assert [(r.due_on, r.amount_fen) for r in raised] == [
        (date(2025, 1, 1), 1_000_00),
        (date(2025, 2, 1), 1_000_00),
        (date(2025, 3, 1), 1_000_00),
    ]
    assert raised[0].debtor.name == "濮上茶社" and raised[0].site_id == park.psy.id

    assert jobs.raise_rent() == 0  # nothing new today
    assert jobs.raise_rent() == 0  # a second run in the day does nothing
    assert count(Receivable) == 3


def test_a_job_that_runs_late_catches_up_and_a_second_run_adds_nothing(
    park, make_merchant, make_unit, make_contract, clock
):
    clock(date(2025, 1, 5))
    contract = make_contract(make_merchant(), [make_unit()], "active")
    assert count(Receivable) == 1
    clock(date(2025, 4, 2))  # no run since January
    assert jobs.raise_rent() == 3
    assert jobs.raise_rent() == 0
    clock(date(2025, 4, 3))
    assert jobs.raise_rent() == 0
    raised = db.session.execute(
        select(Instalment.id, Instalment.receivable_id, Receivable.reference)
        .join(Receivable, Receivable.id == Instalment.receivable_id)
        .where(Instalment.contract_id == contract.id)
        .order_by(Instalment.starts_on)
    ).all()
    assert [ref for _i, _r, ref in raised] == [f"merchants.instalment:{i}" for i, _r, _f in raised]
    assert len(raised) == 4 == count(Receivable)


def test_an_amendment_changes_the_instalments_from_its_date_and_never_raised_ones(
    park, make_merchant, make_unit, make_contract, clock
):
    clock(date(2025, 3, 10))
    contract = make_contract(make_merchant(), [make_unit()], "active", ends_on=date(2025, 8, 31))

    contracts.amend(contract, park.manager, date(2025, 6, 1), 1_200_00, 0, "补充协议：调整租金")

    assert [(r.starts_on.month, r.amount_fen) for r in instalments(contract)] == [
        (1, 1_000_00),
        (2, 1_000_00),
        (3, 1_000_00),
        (4, 1_000_00),
        (5, 1_000_00),
        (6, 1_200_00),
        (7, 1_200_00),
        (8, 1_200_00),
    ]
    with pytest.raises(MerchantsError, match="already raised"):
        contracts.amend(contract, park.manager, date(2025, 3, 1), 900_00, 0, "too late")
    assert len(instalments(contract)) == 8


def test_a_contract_put_in_force_mid_term_by_import_generates_only_what_is_to_come(
    park, make_merchant, make_unit, make_contract, clock
):
    clock(date(2025, 6, 15))
    contract = make_contract(make_merchant(), [make_unit()], "approved")
    contracts.add_activation(contract, park.manager, date(2025, 6, 15), date(2025, 6, 15))
    db.session.commit()
    rows = instalments(contract)
    assert rows[0].starts_on == date(2025, 7, 1) and len(rows) == 30
    assert count(Receivable) == 0
