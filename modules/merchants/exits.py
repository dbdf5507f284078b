"""Renewals (续租) and exits (项目退出), held by arrears.

A contract whose merchant owes rent already due (``receivables.api.open_balance_fen``
up to today) can be neither renewed nor have its deposit refunded: the refusal names
the arrears. An exit is opened with its reason, notice date and last day, and closed
once the utilities are read and the unit handed back: the contract then ends
(terminated, or expired when it ran to term) and its instalments after the last day
are dropped. One public function = one transaction; refusals are ``MerchantsError``
after a rollback. Money is fen, dates are local.
"""

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from modules.merchants import contracts
from modules.merchants.access import ENDABLE
from modules.merchants.errors import MerchantsError
from modules.merchants.models import (
    Contract,
    ContractState,
    Exit,
    ExitReason,
    Instalment,
)
from modules.merchants.register import MERCHANT_SUBJECT
from modules.receivables import api
from parkops import audit, deciding
from parkops.auth.models import User
from parkops.extensions import db
from parkops.money import format_fen
from parkops.rectification.services import link_evidence
from parkops.timeutil import business_day, utcnow


def arrears_fen(contract: Contract, today: date | None = None) -> int:
    """What the contract's merchant owes that fell due by ``today`` (fen)."""
    return api.open_balance_fen(
        MERCHANT_SUBJECT, contract.merchant_id, due_by=today or business_day()
    )


def _fail(message: str):
    db.session.rollback()
    raise MerchantsError(message)


def _hold(contract: Contract, what: str) -> None:
    owed = arrears_fen(contract)
    if owed > 0:
        _fail(
            _(
                "%(merchant)s owes %(amount)s in arrears: %(what)s waits until they are settled.",
                merchant=contract.merchant.name,
                amount=format_fen(owed),
                what=what,
            )
        )


def exit_of(contract: Contract) -> Exit | None:
    return db.session.scalar(select(Exit).where(Exit.contract_id == contract.id))


def renewal_of(contract: Contract) -> Contract | None:
    return db.session.scalar(select(Contract).where(Contract.renews_id == contract.id))


def renew(contract: Contract, user: User, number: str, ends_on: date) -> Contract:
    """A draft renewing ``contract`` on the same terms, from the day after it ends to
    ``ends_on`` (approved and put in force like any draft). Refused while arrears
    remain, after an exit, or when it was renewed already."""
    if contract.state not in ENDABLE:
        _fail(_("Only a contract in force or expired is renewed."))
    if exit_of(contract) is not None or renewal_of(contract) is not None:
        _fail(_("This contract already has an exit or a renewal."))
    _hold(contract, _("the renewal"))
    data = contracts.ContractData(
        site_id=contract.site_id,
        merchant_id=contract.merchant_id,
        number=number,
        starts_on=contract.ends_on + timedelta(days=1),
        ends_on=ends_on,
        rent_form=contract.rent_form,
        cycle=contract.cycle,
        rent_fen=contract.steps[-1].rent_fen if contract.steps else contract.rent_fen,
        unit_ids=[u.id for u in contract.units],
        turnover_share_bp=contract.turnover_share_bp,
        deposit_fen=contract.deposit_fen,
        service_fen=contract.service_fen,
        note=_("Renews contract %(number)s.", number=contract.number),
    )
    try:
        renewal = contracts.add_draft(data, user)
    except MerchantsError:
        db.session.rollback()
        raise
    renewal.renews_id = contract.id
    audit.record(
        "merchants.contract_renewed", "contract", contract.id, {"number": number}, actor=user
    )
    db.session.commit()
    return renewal


def open_exit(
    contract: Contract, user: User, reason: ExitReason, notice_on: date, ends_on: date, note: str
) -> Exit:
    """Open the exit of a contract in force: its last day within the term, not before
    the notice."""
    if contract.state not in ENDABLE or exit_of(contract) is not None:
        _fail(_("Only a contract in force or expired, without an exit, is ended."))
    if not contract.starts_on <= ends_on <= contract.ends_on:
        _fail(_("The last day must fall within the contract's term."))
    if ends_on < notice_on:
        _fail(_("The last day comes before the notice."))
    found = Exit(
        contract_id=contract.id,
        reason=reason,
        notice_on=notice_on,
        ends_on=ends_on,
        note=note.strip(),
        opened_by_id=user.id,
    )
    db.session.add(found)
    db.session.flush()
    link_evidence(
        "merchants.exit",
        found.id,
        f"{contract.number} {contract.merchant.name}",
        site_id=contract.site_id,
    )
    audit.record(
        "merchants.exit_opened", "contract", contract.id, {"reason": reason.value}, actor=user
    )
    db.session.commit()
    return found


def close_exit(
    found: Exit,
    user: User,
    utilities_read: bool,
    unit_returned: bool,
    buyback_fen: int,
    deposit_refund_fen: int,
) -> None:
    """Close an exit: approved by a leader, the checklist done (meters read, unit
    handed back, arrears settled or moved to a special clean-up in receivables), the
    buy-back amount, the deposit refunded (at most the deposit; none while arrears
    remain). The contract ends."""
    deciding.once(
        found,
        lambda e: e.closed_at is None,
        lambda e: _(
            "This exit was closed already, by %(name)s at %(time)s.",
            **deciding.who_when(e.closed_by_id, e.closed_at),
        ),
    )
    contract = found.contract
    if found.approved_at is None:
        _fail(_("A leader approves the exit before it is closed."))
    if not (utilities_read and unit_returned):
        _fail(_("Read the utilities and take the unit back before closing the exit."))
    if buyback_fen < 0 or deposit_refund_fen < 0:
        _fail(_("An amount cannot be negative."))
    if deposit_refund_fen > contract.deposit_fen:
        _fail(
            _(
                "The refund is more than the deposit (%(amount)s).",
                amount=format_fen(contract.deposit_fen),
            )
        )
    if deposit_refund_fen > 0:
        _hold(contract, _("the deposit's refund"))
    loose = api.outside_clean_up_fen(MERCHANT_SUBJECT, contract.merchant_id, business_day())
    if loose > 0:
        _fail(
            _(
                "%(merchant)s owes %(amount)s in arrears neither settled nor moved to a "
                "special clean-up: settle them or add them to a clean-up campaign first.",
                merchant=contract.merchant.name,
                amount=format_fen(loose),
            )
        )
    found.utilities_read, found.unit_returned = True, True
    found.buyback_fen, found.deposit_refund_fen = buyback_fen, deposit_refund_fen
    found.arrears_fen = arrears_fen(contract)
    found.closed_at, found.closed_by_id = utcnow(), user.id
    at_term = found.ends_on == contract.ends_on
    contract.state = ContractState.EXPIRED if at_term else ContractState.TERMINATED
    db.session.execute(
        delete(Instalment).where(
            Instalment.contract_id == contract.id,
            Instalment.starts_on > found.ends_on,
            Instalment.receivable_id.is_(None),
        )
    )
    audit.record(
        "merchants.exit_closed",
        "contract",
        contract.id,
        {"amount_fen": deposit_refund_fen},
        actor=user,
    )
    db.session.commit()
