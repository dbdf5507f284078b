"""Bulk inspections for the bench: ``count`` inspections over the last year of the
merchants leasing units now, inserted in batches (no ORM objects, no photos, no
audit). Each answers the four checks; about one in eight fails one of them, which
opens a violation (corrected when older than a month). Deterministic for a seed."""

import random
from datetime import date, timedelta

from sqlalchemy import insert, select

from modules.merchants.generate import BATCH, _insert
from modules.merchants.inspection_models import (
    FORM_CHECKS,
    CheckResult,
    Inspection,
    Violation,
    ViolationState,
)
from modules.merchants.models import Contract, ContractState, ContractUnit
from parkops.extensions import db
from parkops.timeutil import local_midnight_utc

HOURS = (9, 10, 11, 14, 15, 16)


def inspections(rng: random.Random, count: int, today: date, recorded_by_id: int) -> int:
    """Insert ``count`` inspections spread over the merchants leasing a unit now (the
    first merchant takes a tenth of them: a busy page); returns how many violations."""
    leases = db.session.execute(
        select(Contract.merchant_id, Contract.site_id, ContractUnit.unit_id)
        .join(ContractUnit, ContractUnit.contract_id == Contract.id)
        .where(Contract.state == ContractState.ACTIVE)
        .order_by(Contract.merchant_id)
    ).all()
    if not leases:
        return 0
    rows, failures = [], []
    for n in range(count):
        merchant_id, site_id, unit_id = leases[0] if n % 10 == 0 else rng.choice(leases)
        day = today - timedelta(days=rng.randrange(365))
        at = local_midnight_utc(day) + timedelta(hours=rng.choice(HOURS))
        failed = rng.choice(FORM_CHECKS) if rng.random() < 0.125 else None
        rows.append(
            {
                "site_id": site_id,
                "merchant_id": merchant_id,
                "unit_id": unit_id,
                "at": at,
                "failed": 1 if failed else 0,
                "note": "",
                "recorded_at": at,
                "recorded_by_id": recorded_by_id,
            }
        )
        failures.append((failed, day))
    ids = _insert(Inspection, rows)
    results, found = [], []
    for inspection_id, row, (failed, day) in zip(ids, rows, failures, strict=True):
        for check in FORM_CHECKS:
            passed = check != failed
            results.append(
                {"inspection_id": inspection_id, "check": check.value, "passed": passed, "note": ""}
            )
        if failed:
            old = day < today - timedelta(days=30)
            found.append(
                {
                    "site_id": row["site_id"],
                    "merchant_id": row["merchant_id"],
                    "inspection_id": inspection_id,
                    "check": failed.value,
                    "note": "",
                    "found_at": row["at"],
                    "deadline": day + timedelta(days=3),
                    "state": (ViolationState.CORRECTED if old else ViolationState.OPEN).value,
                    "repeat": False,
                    "failed_rechecks": 0,
                    "corrected_at": row["at"] + timedelta(days=2) if old else None,
                    "recorded_by_id": recorded_by_id,
                }
            )
    for i in range(0, len(results), BATCH):
        db.session.execute(insert(CheckResult), results[i : i + BATCH])
    for i in range(0, len(found), BATCH):
        db.session.execute(insert(Violation), found[i : i + BATCH])
    return len(found)
