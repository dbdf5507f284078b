"""Live figures for the ledger. Each takes the reader's sites (a frozenset of ids;
None: every site) and returns (text shown on the ledger, good?)."""

from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from modules.merchants.models import Contract, ContractState, Exit
from modules.merchants.register import MERCHANT_SUBJECT
from modules.receivables import api
from parkops.extensions import db
from parkops.timeutil import business_day


def past_end_unresolved(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    """Problem 16: contracts past their last day (still in force, or expired by the
    daily job) neither renewed nor ended by an exit."""
    renewal = aliased(Contract)
    query = select(func.count()).where(
        Contract.state.in_((ContractState.ACTIVE, ContractState.EXPIRED)),
        Contract.ends_on < business_day(),
        ~exists().where(renewal.renews_id == Contract.id),
        ~exists().where(Exit.contract_id == Contract.id),
    )
    if site_ids is not None:
        query = query.where(Contract.site_id.in_(site_ids))
    count = db.session.scalar(query)
    return _("%(count)d contracts past their end", count=count), count == 0


def exits_unsettled(site_ids: frozenset[int] | None) -> tuple[str, bool | None]:
    """Problem 16: closed exits that left arrears whose merchant still owes rent due by
    today (two queries: the exits, and the merchants' balances through receivables)."""
    query = (
        select(Exit.id, Contract.merchant_id)
        .join(Contract, Contract.id == Exit.contract_id)
        .where(Exit.closed_at.is_not(None), Exit.arrears_fen > 0)
    )
    if site_ids is not None:
        query = query.where(Contract.site_id.in_(site_ids))
    closed = db.session.execute(query).all()
    owing = api.open_balances_fen(
        MERCHANT_SUBJECT, sorted({m for _id, m in closed}), business_day()
    )
    count = sum(1 for _id, merchant_id in closed if merchant_id in owing)
    return _("%(count)d exits with unsettled arrears", count=count), count == 0
