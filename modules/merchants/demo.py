"""Demo data: 25 merchants across both sites (catering, rides, retail, boats, a
charging-pile operator), a unit for each, and their leases: a stepped-rent
contract, a turnover-rent contract, one ending in 45 days, one in exit with
arrears, others in force and one draft waiting for approval. Loaded once (nothing
when a merchant exists), through the services, so instalments due are raised in
receivables as they would be."""

from datetime import timedelta

from sqlalchemy import select

from modules.merchants import contracts, inspection_demo, register
from modules.merchants.models import (
    BusinessType,
    ContractState,
    Cycle,
    Exit,
    ExitReason,
    Merchant,
    MerchantKind,
    RentForm,
    UnitKind,
)
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.rectification.services import link_evidence
from parkops.timeutil import business_day, utcnow

NAMES = (
    ("濮上茶社", BusinessType.CATERING, MerchantKind.INDIVIDUAL),
    ("绿园餐饮有限公司", BusinessType.CATERING, MerchantKind.COMPANY),
    ("欢乐谷游乐设备有限公司", BusinessType.RIDES, MerchantKind.COMPANY),
    ("湖心游船队", BusinessType.BOATS, MerchantKind.COLLECTIVE),
    ("濮阳新能源充电桩运营有限公司", BusinessType.CHARGING, MerchantKind.COMPANY),
    ("庄园小卖部", BusinessType.RETAIL, MerchantKind.INDIVIDUAL),
    ("时光摄影部", BusinessType.PHOTOGRAPHY, MerchantKind.INDIVIDUAL),
)


def _merchant_rows(count: int) -> list[tuple[str, BusinessType, MerchantKind]]:
    rows = list(NAMES)
    kinds = (BusinessType.CATERING, BusinessType.RETAIL, BusinessType.RIDES)
    for n in range(count - len(rows)):
        business = kinds[n % 3]
        rows.append((f"园区商户{n + 1:02d}号", business, MerchantKind.INDIVIDUAL))
    return rows


def load() -> None:
    if db.session.scalar(select(Merchant.id).limit(1)) is not None:
        return
    sites = list(db.session.scalars(select(Site).order_by(Site.id)))
    manager = db.session.scalar(select(User).where(User.username == "merchants"))
    leader = db.session.scalar(select(User).where(User.username == "leader"))
    if not sites or manager is None or leader is None:
        return
    today = business_day()
    for n, (name, business, kind) in enumerate(_merchant_rows(25)):
        site = sites[n % len(sites)]
        merchant = register.add_merchant(
            register.MerchantData(
                site_id=site.id,
                name=name,
                kind=kind,
                business_type=business,
                id_code=f"91410900MA{n:06d}X" if kind == MerchantKind.COMPANY else "",
                contact=f"联系人{n + 1}",
                phone=f"139{n:08d}",
            ),
            manager,
        )
        unit = register.add_unit(
            register.UnitData(
                site.id, f"P-{n + 1:03d}", f"{site.name} 商业街 {n + 1} 号", 30 + n, UnitKind.SHOP
            ),
            manager,
        )
        if n == 24:
            continue  # a vacant unit and a merchant without a lease
        _lease(n, merchant, unit, today, manager, leader)
    inspection_demo.load(manager)  # inspections, violations open and corrected
    db.session.commit()


def _lease(n, merchant, unit, today, manager, leader) -> None:
    """Merchant ``n``'s contract: 0 stepped rent, 1 turnover rent, 2 ends in 45 days,
    3 a draft waiting for the leader's approval, 5 in exit with arrears, the rest in
    force."""
    starts = today.replace(day=1) - timedelta(days=400 + 30 * (n % 5))
    ends = starts.replace(year=starts.year + 3) - timedelta(days=1)
    data = contracts.ContractData(
        site_id=merchant.site_id,
        merchant_id=merchant.id,
        number=f"PSY-ZL-{starts.year}-{n + 1:03d}",
        starts_on=starts,
        ends_on=ends,
        rent_form=RentForm.FIXED,
        cycle=Cycle.QUARTERLY if n % 2 else Cycle.MONTHLY,
        rent_fen=(2_000 + 100 * n) * 100,
        unit_ids=[unit.id],
        deposit_fen=10_000_00,
    )
    if n == 0:
        data.steps = {2: 2_200_00, 3: 2_400_00}
    if n == 1:
        data.rent_form, data.turnover_share_bp = RentForm.TURNOVER, 800
    if n == 2:
        data.ends_on = today + timedelta(days=45)
    contract = contracts.add_draft(data, manager)
    if n == 3:
        contract.starts_on = today + timedelta(days=15)
        contract.ends_on = contract.starts_on.replace(year=contract.starts_on.year + 2)
        return
    contract.state = ContractState.APPROVED
    contract.approved_by_id = leader.id
    contract.approved_at = utcnow()
    contracts.add_activation(contract, manager, today, contract.starts_on)
    if n == 5:  # in exit for non-payment: its rent due is unpaid (arrears)
        exit_ = Exit(
            contract_id=contract.id,
            reason=ExitReason.NON_PAYMENT,
            notice_on=today - timedelta(days=10),
            ends_on=today + timedelta(days=20),
            note="多次催缴未果，依约解除。",
            opened_by_id=manager.id,
        )
        db.session.add(exit_)
        db.session.flush()
        summary = f"{contract.number} {merchant.name}"
        link_evidence("merchants.exit", exit_.id, summary, site_id=contract.site_id)
