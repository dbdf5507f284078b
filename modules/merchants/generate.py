"""Bulk data for the bench: merchants, their units and ten years of lease contracts,
inserted in batches (``insert(Model)`` with lists of rows: no ORM objects, no
audit entries, no schedules). Deterministic for a given seed.

Each merchant holds ``contracts_each`` consecutive contracts on its own unit, the
newest in force and the older ones expired, ending today plus up to two years.
"""

import random
from datetime import date, timedelta

from sqlalchemy import func, insert, select

from modules.merchants import search
from modules.merchants.models import (
    BusinessType,
    Contract,
    ContractState,
    ContractUnit,
    Cycle,
    Merchant,
    MerchantGram,
    MerchantKind,
    RentForm,
    Unit,
    UnitKind,
)
from parkops.extensions import db
from parkops.timeutil import utcnow

BATCH = 10_000
TRADES = ("茶社", "餐饮店", "小卖部", "游船队", "烧烤城", "充电桩运营商", "摄影部", "游乐项目部")


def _insert(model, rows) -> list[int]:
    """Insert ``rows`` in batches; the new ids, in the rows' order."""
    ids: list[int] = []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    for i in range(0, len(rows), BATCH):
        ids.extend(db.session.scalars(statement, rows[i : i + BATCH]))
    return ids


def merchants(
    rng: random.Random,
    site_ids: list[int],
    count: int,
    contracts_each: int,
    today: date,
    created_by_id: int,
) -> list[int]:
    """Insert ``count`` merchants, a unit each and ``contracts_each`` contracts each
    over the last ten years; returns the merchants' ids. Codes and numbers follow
    the merchants already there, so it may run again on the same database."""
    now = utcnow()
    first = db.session.scalar(select(func.count()).select_from(Merchant))
    kinds, trades = list(MerchantKind), list(BusinessType)
    merchant_rows, unit_rows = [], []
    for n in range(first, first + count):
        site_id = site_ids[n % len(site_ids)]
        merchant_rows.append(
            {
                "site_id": site_id,
                "name": f"濮阳{TRADES[n % len(TRADES)]}{n + 1:05d}",
                "kind": kinds[n % len(kinds)].value,
                "business_type": trades[n % len(trades)].value,
                "id_code": f"91410900MA{n:08d}",
                "contact": rng.choice(("张经理", "李会计", "王老板")),
                "phone": f"139{rng.randrange(10**8):08d}",
                "created_at": now,
            }
        )
        unit_rows.append(
            {
                "site_id": site_id,
                "code": f"B-{n + 1:05d}",
                "location": f"商业街 {n + 1} 号",
                "area_m2": rng.randint(10, 300),
                "kind": UnitKind.SHOP.value,
                "created_at": now,
            }
        )
    merchant_ids = _insert(Merchant, merchant_rows)
    grams = [
        g
        for merchant_id, row in zip(merchant_ids, merchant_rows, strict=True)
        for g in search.index_rows(merchant_id, row["name"], row["contact"], row["phone"])
    ]
    for i in range(0, len(grams), BATCH):
        db.session.execute(insert(MerchantGram), grams[i : i + BATCH])
    unit_ids = _insert(Unit, unit_rows)
    span = timedelta(days=3650 // contracts_each)
    contract_rows = []
    pairs = zip(merchant_ids, unit_ids, strict=True)
    for n, (merchant_id, unit_id) in enumerate(pairs, start=first):
        end = today + timedelta(days=rng.randint(30, 730))
        for k in range(contracts_each):
            starts = end - span + timedelta(days=1)
            contract_rows.append(
                {
                    "site_id": site_ids[n % len(site_ids)],
                    "merchant_id": merchant_id,
                    "number": f"ZL-{n + 1:05d}-{k + 1}",
                    "starts_on": starts,
                    "ends_on": end,
                    "rent_form": RentForm.FIXED.value,
                    "cycle": Cycle.QUARTERLY.value,
                    "rent_fen": rng.randint(10, 300) * 100_00,
                    "turnover_share_bp": 0,
                    "deposit_fen": 10_000_00,
                    "service_fen": 0,
                    "state": (ContractState.ACTIVE if k == 0 else ContractState.EXPIRED).value,
                    "note": "",
                    "created_at": now,
                    "created_by_id": created_by_id,
                    "_unit": unit_id,
                }
            )
            end = starts - timedelta(days=1)
    units_of = [row.pop("_unit") for row in contract_rows]
    contract_ids = _insert(Contract, contract_rows)
    links = [{"contract_id": c, "unit_id": u} for c, u in zip(contract_ids, units_of, strict=True)]
    for i in range(0, len(links), BATCH):
        db.session.execute(insert(ContractUnit), links[i : i + BATCH])
    return merchant_ids
