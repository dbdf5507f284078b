"""A draft contract's life before approval (editing, discarding) and the signed scan
of any contract.

Only a draft is edited or discarded: approved terms are never changed (an
amendment is a dated record). The scan (a PDF or a photo of the signed paper) is an
attachment owned by ``merchants.contract``; a new upload replaces the one shown.
One public function = one transaction; refusals are ``MerchantsError`` (or
``AttachmentError`` for the file) after a rollback, with nothing stored.
"""

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from modules.merchants import contracts
from modules.merchants.errors import MerchantsError
from modules.merchants.models import Contract, ContractState, RentForm, RentStep
from parkops import audit
from parkops.attachments import AttachmentError, store_file
from parkops.auth.models import User
from parkops.extensions import db

SCAN_OWNER = "merchants.contract"


def _only_draft(contract: Contract) -> None:
    if contract.state != ContractState.DRAFT:
        db.session.rollback()
        raise MerchantsError(_("Only a draft contract can be changed or discarded."))


def edit_draft(contract: Contract, data: contracts.ContractData, user: User) -> None:
    """Replace a draft's terms with ``data`` (same checks as drafting: number, term,
    money, steps, units and their clash with approved or active contracts)."""
    _only_draft(contract)
    try:
        _merchant, units = contracts.check(data, contract.id)
        contracts.refuse_clash(data.unit_ids, data.starts_on, data.ends_on, contract.id)
    except MerchantsError:
        db.session.rollback()
        raise
    contract.number = data.number.strip()
    contract.starts_on, contract.ends_on = data.starts_on, data.ends_on
    contract.rent_form, contract.cycle = data.rent_form, data.cycle
    contract.rent_fen = data.rent_fen
    contract.turnover_share_bp = (
        data.turnover_share_bp if data.rent_form == RentForm.TURNOVER else 0
    )
    contract.deposit_fen, contract.service_fen = data.deposit_fen, data.service_fen
    contract.note = data.note.strip()
    contract.units = units
    contract.steps.clear()
    db.session.flush()  # the old steps go before the new ones (unique per year)
    contract.steps.extend(RentStep(year=y, rent_fen=f) for y, f in sorted(data.steps.items()))
    audit.record(
        "merchants.contract_edited",
        "contract",
        contract.id,
        {"number": contract.number},
        actor=user,
    )
    db.session.commit()


def discard_draft(contract: Contract, user: User) -> int:
    """Delete a draft (its units and steps with it); returns its merchant's id. A
    renewal drafted from a contract, once discarded, lets that contract be renewed
    or exited again."""
    _only_draft(contract)
    merchant_id, number = contract.merchant_id, contract.number
    db.session.delete(contract)  # its unit links and steps go with it
    audit.record(
        "merchants.contract_discarded", "contract", contract.id, {"number": number}, actor=user
    )
    db.session.commit()
    return merchant_id


def attach_scan(contract: Contract, upload: FileStorage, user: User) -> None:
    """Store the signed scan (a photo is re-encoded, a PDF or office file checked
    against its type) and show it on the contract. AttachmentError: nothing stored."""
    try:
        scan = store_file(upload, SCAN_OWNER, contract.id, user.id)
        db.session.flush()
    except AttachmentError:
        db.session.rollback()
        raise
    contract.scan_id = scan.id
    audit.record(
        "merchants.contract_scan_added",
        "contract",
        contract.id,
        {"file": scan.filename},
        actor=user,
    )
    db.session.commit()
